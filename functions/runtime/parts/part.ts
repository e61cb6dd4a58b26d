// How a function's dependencies are put together from parts. A part is a small factory (core, messaging, topics,
// workflow, payment, carrier, webhooks, keys: the files beside this one) that builds one slice of `Deps` and
// imports only its own SDK client or provider, so a handler that composes `corePart` and `paymentPart` bundles
// DynamoDB and the payment providers and nothing else. In Lambda each part makes its SDK client with the SDK's
// defaults on first use; the local engine and the tests hand in clients pointed at local parts (../compose.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SandboxShipment } from '../../adapters/carrier/sandbox-carrier';
import { loadConfig, type Config } from '../config';
import type { DepsProvider } from '../deps';

/** SDK clients given from outside (the local engine, tests); a part makes the ones missing itself. */
export interface Clients {
  dynamo?: DynamoDBClient;
  ses?: SESv2Client;
  sns?: SNSClient;
  sfn?: SFNClient;
  secrets?: SecretsManagerClient;
}

export interface ComposeOptions {
  /** Told of every new sandbox label, and of new scans after an intercept (the local carrier simulator). */
  onSandboxShipment?: (shipment: SandboxShipment) => void;
  now?: () => Date;
  /**
   * The fetch the real providers' adapters (Stripe, EasyPost) send their requests with; the global one unless given.
   * The local engine's tests hand one that replays recorded exchanges.
   */
  providerFetch?: typeof fetch;
}

/** What every part is built from; what one part makes (a client, the store) the others of the function share. */
export interface PartContext {
  readonly config: Config;
  readonly clients: Clients;
  readonly options: ComposeOptions;
  /** The value made under `key` for this function, made by `make` the first time. */
  shared<T>(key: string, make: () => T): T;
}

export type Part<P extends object> = (context: PartContext) => P;

/** The given client, else one made by `make` once per function. */
export const clientOf = <K extends keyof Clients>(
  context: PartContext,
  name: K,
  make: () => NonNullable<Clients[K]>,
): NonNullable<Clients[K]> => context.shared(`client:${name}`, () => context.clients[name] ?? make());

export const partContext = (
  config: Config,
  clients: Clients = {},
  options: ComposeOptions = {},
): PartContext => {
  const values = new Map<string, unknown>();
  return {
    config,
    clients,
    options,
    shared: <T>(key: string, make: () => T): T => {
      if (!values.has(key)) values.set(key, make());
      return values.get(key) as T;
    },
  };
};

type Intersection<U> = (U extends unknown ? (slice: U) => void : never) extends (slice: infer I) => void
  ? I
  : never;

/** What a list of parts builds together: the intersection of their slices. */
export type Composed<Parts extends readonly Part<object>[]> = Intersection<ReturnType<Parts[number]>>;

export const composeParts = <Parts extends readonly Part<object>[]>(
  context: PartContext,
  parts: Parts,
): Composed<Parts> => Object.assign({}, ...parts.map((part) => part(context))) as Composed<Parts>;

/**
 * A Lambda function's dependencies from its environment: the parts listed, built on first use (so importing a
 * handler has no side effects) and kept for the container's life.
 */
export const awsDeps = <Parts extends readonly Part<object>[]>(
  ...parts: Parts
): DepsProvider<Composed<Parts>> => {
  let deps: Composed<Parts> | undefined;
  return () => (deps ??= composeParts(partContext(loadConfig(process.env)), parts));
};
