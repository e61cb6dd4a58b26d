// What handlers need from the outside world. `Deps` is the whole set; each function is composed of the parts it
// calls (functions/runtime/parts/: core, messaging or topics, workflow, payment, carrier, webhooks, keys), so its
// bundle carries only their SDK clients and providers. Steps and services declare the parts they use (`CoreDeps &
// PaymentDeps`): a handler composed without one does not compile. The local engine and the tests compose every
// part (./compose.ts) and hand the same object to every handler.
import type { Db } from '../adapters/order-store';
import type { Workflow } from '../adapters/workflow';
import type { Messaging, TopicMessaging } from '../domain/notices';
import type { CarrierProvider, CarrierWebhookParser, PaymentProvider } from '../domain/providers';
import type { Config } from './config';

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

/** What every function with a table has: its configuration, the tables and the clock (parts/core.ts). */
export type CoreDeps = Pick<Deps, 'config' | 'db' | 'now'>;
/** Customer email and SMS, and the topics (parts/messaging.ts). */
export type MessagingDeps = Pick<Deps, 'messaging'>;
/** Operator alerts and order events only, without customer messaging (parts/messaging.ts). */
export interface TopicDeps {
  messaging: TopicMessaging;
}
/** Starting and resuming executions (parts/workflow.ts). */
export type WorkflowDeps = Pick<Deps, 'workflow'>;
/** The payment providers (parts/payment.ts). */
export type PaymentDeps = Pick<Deps, 'payment'>;
/** The carrier (parts/carrier.ts). */
export type CarrierDeps = Pick<Deps, 'carrier'>;
/** Carrier webhook parsers and their signing secret (parts/webhooks.ts). */
export type WebhookDeps = Pick<Deps, 'webhookParsers' | 'webhookSecret'>;
/** Stripe's webhook signing secret, where the stage takes payment webhooks (parts/keys.ts). */
export type PaymentWebhookDeps = Pick<Deps, 'paymentWebhookSecret'>;
/** The tracking-link key (parts/keys.ts). */
export type TrackingLinkDeps = Pick<Deps, 'trackingLinkSecret'>;
/** The risk fingerprint key (parts/keys.ts). */
export type RiskFingerprintDeps = Pick<Deps, 'riskHashKey'>;

/** A function's dependencies, built on first use (so importing a handler has no side effects). */
export type DepsProvider<D = Deps> = () => D;
