// What a handler needs from the outside world, built once per Lambda container from the environment. Domain
// modules take a `Deps` argument; the local engine builds its own `Deps` (local store, local clients) and hands it
// to the very same handlers.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfigError, loadConfig, type Config } from './config';
import { sdkMessaging } from './messaging';
import type { Messaging } from './notices';
import { EasyPostCarrier } from './providers/carrier/easypost-carrier';
import { SandboxCarrier } from './providers/carrier/sandbox-carrier';
import { webhookParsers } from './providers/carrier/webhooks';
import { SandboxPaymentProvider } from './providers/payment/sandbox-payment';
import { StripePaymentProvider } from './providers/payment/stripe-payment';
import type { CarrierProvider, CarrierWebhookParser, PaymentProvider } from './providers/types';
import { documentClient, type Db } from './store';
import { sdkWorkflow, type Workflow } from './workflow';

export interface Deps {
  config: Config;
  db: Db;
  /** The payment provider an order names (`sandbox`, `stripe`). */
  payment(provider: string): PaymentProvider;
  carrier: CarrierProvider;
  webhookParsers: Readonly<Record<string, CarrierWebhookParser>>;
  webhookSecret(): Promise<string>;
  /** The HMAC key of customer tracking links. */
  trackingLinkSecret(): Promise<string>;
  messaging: Messaging;
  workflow: Workflow;
  now: () => Date;
}

const secretCache = new Map<string, Promise<string>>();

/** A Secrets Manager secret's string, fetched once per container. */
const secret =
  (client: SecretsManagerClient, name: string): (() => Promise<string>) =>
  () => {
    let value = secretCache.get(name);
    if (!value) {
      value = client.send(new GetSecretValueCommand({ SecretId: name })).then(({ SecretString }) => {
        if (!SecretString) throw new Error(`secret ${name} has no string value`);
        return SecretString;
      });
      value.catch(() => secretCache.delete(name));
      secretCache.set(name, value);
    }
    return value;
  };

export const buildAwsDeps = (config: Config): Deps => {
  const db: Db = { doc: documentClient(new DynamoDBClient({})), tables: config.tables };
  const secrets = new SecretsManagerClient({});
  const now = () => new Date();
  const sandboxPayment = new SandboxPaymentProvider({
    doc: db.doc,
    table: config.tables.orders,
    daySeconds: config.daySeconds,
    authorizationValidityDays: config.durations.authorizationValidityDays,
  });
  const stripe =
    config.paymentProvider === 'stripe'
      ? new StripePaymentProvider({ apiKey: secret(secrets, config.secretNames.stripe) })
      : undefined;
  const carrier: CarrierProvider =
    config.carrierProvider === 'easypost'
      ? new EasyPostCarrier({
          apiKey: secret(secrets, config.secretNames.easypost),
          fromAddress: config.shipFrom,
        })
      : new SandboxCarrier({
          doc: db.doc,
          table: config.tables.orders,
          daySeconds: config.daySeconds,
          baseUrl: config.publicBaseUrl,
        });
  const webhookSecret = config.webhookSecret
    ? () => Promise.resolve(config.webhookSecret)
    : secret(secrets, config.secretNames.webhook);
  const trackingLinkSecret = config.trackingLinkSecret
    ? () => Promise.resolve(config.trackingLinkSecret)
    : config.secretNames.trackingLink
      ? secret(secrets, config.secretNames.trackingLink)
      : () =>
          Promise.reject(
            new ConfigError(
              'set TRACKING_LINK_SECRET or TRACKING_LINK_SECRET_NAME: tracking links need a key',
            ),
          );
  return {
    config,
    db,
    payment: (provider) => {
      if (provider === 'stripe' && stripe) return stripe;
      if (provider === 'sandbox' && config.paymentProvider === 'sandbox') return sandboxPayment;
      throw new Error(`payment provider ${provider} is not enabled in this stage`);
    },
    carrier,
    webhookParsers,
    webhookSecret,
    trackingLinkSecret,
    messaging: sdkMessaging({
      ses: new SESv2Client({}),
      sns: new SNSClient({}),
      senderEmail: config.senderEmail,
      configurationSet: config.sesConfigurationSet,
      opsTopicArn: config.opsTopicArn,
      orderEventsTopicArn: config.orderEventsTopicArn,
    }),
    workflow: sdkWorkflow(new SFNClient({}), config.stateMachineArn, config.returnStateMachineArn),
    now,
  };
};

let awsDeps: Deps | undefined;

/** The container's dependencies, built on first use (so importing a handler has no side effects). */
export const defaultDeps = (): Deps => {
  awsDeps ??= buildAwsDeps(loadConfig(process.env));
  return awsDeps;
};

export type DepsProvider = () => Deps;
