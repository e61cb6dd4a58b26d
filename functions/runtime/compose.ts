// The composition root: builds every handler's dependencies from the configuration and the AWS SDK clients. In
// Lambda the clients are the SDK's defaults (functions/runtime/deps.ts); the local engine passes clients pointed
// at its local parts and the carrier simulator's hooks (local/system.ts). Nothing else decides which adapter
// serves a stage.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import { EasyPostCarrier } from '../adapters/carrier/easypost-carrier';
import { SandboxCarrier, type SandboxShipment } from '../adapters/carrier/sandbox-carrier';
import { webhookParsers } from '../adapters/carrier/webhooks';
import { sdkMessaging } from '../adapters/messaging';
import type { Db } from '../adapters/order-store';
import { documentClient } from '../adapters/dynamo';
import { SandboxPaymentProvider } from '../adapters/payment/sandbox-payment';
import { StripePaymentProvider } from '../adapters/payment/stripe-payment';
import { sdkWorkflow } from '../adapters/workflow';
import type { CarrierProvider } from '../domain/providers';
import { ConfigError, type Config } from './config';
import type { Deps } from './deps';

export interface Clients {
  dynamo: DynamoDBClient;
  ses: SESv2Client;
  sns: SNSClient;
  sfn: SFNClient;
  /** Made on first use when omitted: a stage whose secrets all come from its configuration never needs it. */
  secrets?: SecretsManagerClient;
}

export interface ComposeOptions {
  /** Told of every new sandbox label, and of new scans after an intercept (the local carrier simulator). */
  onSandboxShipment?: (shipment: SandboxShipment) => void;
  now?: () => Date;
}

const secretCache = new Map<string, Promise<string>>();

/** A Secrets Manager secret's string, fetched once per container. */
const secret =
  (client: () => SecretsManagerClient, name: string): (() => Promise<string>) =>
  () => {
    let value = secretCache.get(name);
    if (!value) {
      value = client()
        .send(new GetSecretValueCommand({ SecretId: name }))
        .then(({ SecretString }) => {
          if (!SecretString) throw new Error(`secret ${name} has no string value`);
          return SecretString;
        });
      value.catch(() => secretCache.delete(name));
      secretCache.set(name, value);
    }
    return value;
  };

export const composeDeps = (config: Config, clients: Clients, options: ComposeOptions = {}): Deps => {
  const db: Db = { doc: documentClient(clients.dynamo), tables: config.tables };
  let secrets = clients.secrets;
  const secretsClient = () => (secrets ??= new SecretsManagerClient({}));
  const now = options.now ?? (() => new Date());
  const sandboxPayment = new SandboxPaymentProvider({
    doc: db.doc,
    table: config.tables.orders,
    daySeconds: config.daySeconds,
    authorizationValidityDays: config.durations.authorizationValidityDays,
  });
  const stripe =
    config.paymentProvider === 'stripe'
      ? new StripePaymentProvider({ apiKey: secret(secretsClient, config.secretNames.stripe) })
      : undefined;
  const carrier: CarrierProvider =
    config.carrierProvider === 'easypost'
      ? new EasyPostCarrier({
          apiKey: secret(secretsClient, config.secretNames.easypost),
          fromAddress: config.shipFrom,
        })
      : new SandboxCarrier({
          doc: db.doc,
          table: config.tables.orders,
          daySeconds: config.daySeconds,
          baseUrl: config.publicBaseUrl,
          onLabelCreated: options.onSandboxShipment,
          onScheduleChanged: options.onSandboxShipment,
        });
  const webhookSecret = config.webhookSecret
    ? () => Promise.resolve(config.webhookSecret)
    : secret(secretsClient, config.secretNames.webhook);
  // Stripe's signing secret: given (local), else by name (AWS, Stripe stages), else none (no payment webhooks).
  const paymentWebhookSecret: () => Promise<string | undefined> = config.stripeWebhookSecret
    ? () => Promise.resolve(config.stripeWebhookSecret)
    : config.secretNames.stripeWebhook
      ? secret(secretsClient, config.secretNames.stripeWebhook)
      : () => Promise.resolve(undefined);
  /** A key given in the environment (local), else read from Secrets Manager by name (AWS), else a clear error. */
  const keyFrom = (value: string, name: string, variable: string, purpose: string) =>
    value
      ? () => Promise.resolve(value)
      : name
        ? secret(secretsClient, name)
        : () => Promise.reject(new ConfigError(`set ${variable} or ${variable}_NAME: ${purpose} need a key`));
  const trackingLinkSecret = keyFrom(
    config.trackingLinkSecret,
    config.secretNames.trackingLink,
    'TRACKING_LINK_SECRET',
    'tracking links',
  );
  const riskHashKey = keyFrom(
    config.riskHashKey,
    config.secretNames.riskHash,
    'RISK_HASH_KEY',
    'risk fingerprints',
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
    paymentWebhookSecret,
    trackingLinkSecret,
    riskHashKey,
    messaging: sdkMessaging({
      ses: clients.ses,
      sns: clients.sns,
      senderEmail: config.senderEmail,
      configurationSet: config.sesConfigurationSet,
      opsTopicArn: config.opsTopicArn,
      orderEventsTopicArn: config.orderEventsTopicArn,
    }),
    workflow: sdkWorkflow(clients.sfn, config.stateMachineArn, config.returnStateMachineArn),
    now,
  };
};
