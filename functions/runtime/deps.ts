// What a handler needs from the outside world, built once per Lambda container from the environment by the
// composition root (./compose.ts). Steps and services take a `Deps` argument; the local engine composes its own
// (local store, local clients) and hands it to the very same handlers.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Db } from '../adapters/order-store';
import type { Workflow } from '../adapters/workflow';
import type { Messaging } from '../domain/notices';
import type { CarrierProvider, CarrierWebhookParser, PaymentProvider } from '../domain/providers';
import { composeDeps } from './compose';
import { loadConfig, type Config } from './config';

export interface Deps {
  config: Config;
  db: Db;
  /** The payment provider an order names (`sandbox`, `stripe`). */
  payment(provider: string): PaymentProvider;
  carrier: CarrierProvider;
  webhookParsers: Readonly<Record<string, CarrierWebhookParser>>;
  webhookSecret(): Promise<string>;
  /** The Stripe webhook signing secret; undefined in a stage that takes no payment webhooks. */
  paymentWebhookSecret(): Promise<string | undefined>;
  /** The HMAC key of customer tracking links. */
  trackingLinkSecret(): Promise<string>;
  /** The HMAC key of the source-IP and payment-method hashes (risk velocity). */
  riskHashKey(): Promise<string>;
  messaging: Messaging;
  workflow: Workflow;
  now: () => Date;
}

let awsDeps: Deps | undefined;

/** The container's dependencies, built on first use (so importing a handler has no side effects). */
export const defaultDeps = (): Deps => {
  awsDeps ??= composeDeps(loadConfig(process.env), {
    dynamo: new DynamoDBClient({}),
    ses: new SESv2Client({}),
    sns: new SNSClient({}),
    sfn: new SFNClient({}),
  });
  return awsDeps;
};

export type DepsProvider = () => Deps;
