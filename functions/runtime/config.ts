// Runtime configuration of every handler, read once from the environment and checked up front: a missing or
// malformed variable fails at cold start with its name, not deep inside a step. Domain modules never read
// process.env; they get this object.
import * as z from 'zod';
import { defaultRiskThresholds, type RiskThresholds } from '../domain/risk';

const days = z.coerce.number().positive();

const envSchema = z.object({
  ORDERS_TABLE: z.string().min(1),
  INVENTORY_TABLE: z.string().min(1),
  STATE_MACHINE_ARN: z.string().default(''),
  RETURN_STATE_MACHINE_ARN: z.string().default(''),
  /** SES sender identity, e.g. `orders@shop.example`. */
  SENDER_EMAIL: z.string().default('orders@orderflow.local'),
  SES_CONFIGURATION_SET: z.string().optional(),
  OPS_TOPIC_ARN: z.string().default(''),
  ORDER_EVENTS_TOPIC_ARN: z.string().default(''),
  PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
  CARRIER_PROVIDER: z.enum(['sandbox', 'easypost']).default('sandbox'),
  /** Secrets Manager names of the real providers' API keys (only read when that provider is selected). */
  STRIPE_SECRET_NAME: z.string().default(''),
  EASYPOST_SECRET_NAME: z.string().default(''),
  /** Secrets Manager name of the carrier webhook HMAC secret; locally the secret itself comes in WEBHOOK_SECRET. */
  WEBHOOK_SECRET_NAME: z.string().default(''),
  WEBHOOK_SECRET: z.string().default(''),
  /**
   * How long a secret read from Secrets Manager is kept before it is read again, so a rotated key takes effect
   * within this time and without a cold start.
   */
  SECRETS_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Secrets Manager name of the Stripe webhook signing secret (`whsec_...`); locally the secret itself comes in
   * STRIPE_WEBHOOK_SECRET. With neither, the stage takes no payment webhooks (their route answers 404).
   */
  STRIPE_WEBHOOK_SECRET_NAME: z.string().default(''),
  STRIPE_WEBHOOK_SECRET: z.string().default(''),
  /** JSON object mapping API Gateway API key ids to principals (`{"abc123": "demo-store", "def456": "ops"}`). */
  API_KEY_PRINCIPALS: z.string().default('{}'),
  /** Local mode: `principal:key` pairs, comma-separated (ORDERFLOW_API_KEYS). */
  API_KEYS: z.string().default(''),
  /** Seconds in a business day: 86400 in AWS, ORDERFLOW_DAY_SECONDS locally. */
  DAY_SECONDS: z.coerce.number().positive().default(86_400),
  /** Base URL of the API, for tracking links in customer messages. */
  PUBLIC_BASE_URL: z.string().default('http://localhost:3000'),
  /** The store customers buy from, named in every customer email with where to get help. */
  STORE_NAME: z.string().trim().min(1).max(100).default('Orderflow Demo Store'),
  SUPPORT_EMAIL: z.email().default('support@example.com'),
  SUPPORT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** HMAC key of customer tracking links. */
  TRACKING_LINK_SECRET: z.string().default(''),
  /** Secrets Manager name of that key (AWS); read when TRACKING_LINK_SECRET is not set. */
  TRACKING_LINK_SECRET_NAME: z.string().default(''),
  AUTHORIZATION_VALIDITY_DAYS: days.default(7),
  DELAY_GRACE_DAYS: days.default(1),
  RETURN_WINDOW_DAYS: days.default(30),
  REVIEW_TIMEOUT_DAYS: days.default(2),
  /** Risk score bands (functions/domain/risk.ts): review from this score, reject from the next. */
  RISK_REVIEW_SCORE: z.coerce.number().int().min(1).max(100).default(defaultRiskThresholds.reviewScore),
  RISK_REJECT_SCORE: z.coerce.number().int().min(1).max(100).default(defaultRiskThresholds.rejectScore),
  /** HMAC key of the source-IP and payment-method hashes the velocity rules count by (local mode). */
  RISK_HASH_KEY: z.string().default(''),
  /** Secrets Manager name of that key (AWS); read when RISK_HASH_KEY is not set. */
  RISK_HASH_KEY_NAME: z.string().default(''),
  /** After this many days past the promised date without delivery, the parcel is treated as lost. */
  LOST_PARCEL_DAYS: days.default(30),
  /** After this many days without a carrier event, parcel reconciliation asks the carrier about a parcel in flight. */
  CARRIER_SILENCE_DAYS: days.default(1),
  /** JSON of the warehouse address labels are bought from (real carriers need it). */
  SHIP_FROM_ADDRESS: z
    .string()
    .default(
      '{"name":"Orderflow Warehouse","line1":"100 Harbor Way","city":"Oakland","region":"CA","postalCode":"94607","country":"US"}',
    ),
});

/** The warehouse labels are bought from; the stage config (lib/config) checks it with the same schema. */
export const shipFromSchema = z.object({
  name: z.string().min(1),
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  region: z.string().optional(),
  postalCode: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
});

export interface Config {
  tables: { orders: string; inventory: string };
  stateMachineArn: string;
  returnStateMachineArn: string;
  senderEmail: string;
  sesConfigurationSet: string | undefined;
  opsTopicArn: string;
  orderEventsTopicArn: string;
  paymentProvider: 'sandbox' | 'stripe';
  carrierProvider: 'sandbox' | 'easypost';
  secretNames: {
    stripe: string;
    easypost: string;
    webhook: string;
    stripeWebhook: string;
    trackingLink: string;
    riskHash: string;
  };
  webhookSecret: string;
  /** Seconds a secret read from Secrets Manager is cached. */
  secretsMaxAgeSeconds: number;
  stripeWebhookSecret: string;
  /** Principal by API Gateway key id (AWS) or by raw key value (local). */
  principalsByKeyId: ReadonlyMap<string, string>;
  principalsByKey: ReadonlyMap<string, string>;
  daySeconds: number;
  publicBaseUrl: string;
  store: { name: string; supportEmail: string; supportUrl: string | undefined };
  trackingLinkSecret: string;
  riskHashKey: string;
  riskThresholds: RiskThresholds;
  shipFrom: z.infer<typeof shipFromSchema>;
  durations: {
    authorizationValidityDays: number;
    delayGraceDays: number;
    returnWindowDays: number;
    reviewTimeoutDays: number;
    lostParcelDays: number;
    carrierSilenceDays: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `principal:key,principal:key` into key → principal. */
export const parseApiKeys = (pairs: string): Map<string, string> => {
  const map = new Map<string, string>();
  for (const pair of pairs
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) throw new ConfigError(`API_KEYS: "${pair}" is not principal:key`);
    map.set(pair.slice(at + 1), pair.slice(0, at));
  }
  return map;
};

/**
 * The storefronts the stage has keys for (every principal but `ops`), sorted: what an operator's search across
 * storefronts by email or external id looks in.
 */
export const storefrontIds = (config: Pick<Config, 'principalsByKeyId' | 'principalsByKey'>): string[] =>
  [...new Set([...config.principalsByKeyId.values(), ...config.principalsByKey.values()])]
    .filter((principal) => principal !== 'ops')
    .sort();

const parseJson = <S extends z.ZodType>(name: string, text: string, schema: S): z.output<S> => {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new ConfigError(`${name}: not valid JSON of the expected shape`);
  }
};

export const loadConfig = (env: Readonly<Record<string, string | undefined>>): Config => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${names}`);
  }
  const e = parsed.data;
  if (e.RISK_REVIEW_SCORE >= e.RISK_REJECT_SCORE) {
    throw new ConfigError('invalid environment: RISK_REVIEW_SCORE must be below RISK_REJECT_SCORE');
  }
  const keyIds = parseJson('API_KEY_PRINCIPALS', e.API_KEY_PRINCIPALS, z.record(z.string(), z.string()));
  return {
    tables: { orders: e.ORDERS_TABLE, inventory: e.INVENTORY_TABLE },
    stateMachineArn: e.STATE_MACHINE_ARN,
    returnStateMachineArn: e.RETURN_STATE_MACHINE_ARN,
    senderEmail: e.SENDER_EMAIL,
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    opsTopicArn: e.OPS_TOPIC_ARN,
    orderEventsTopicArn: e.ORDER_EVENTS_TOPIC_ARN,
    paymentProvider: e.PAYMENT_PROVIDER,
    carrierProvider: e.CARRIER_PROVIDER,
    secretNames: {
      stripe: e.STRIPE_SECRET_NAME,
      easypost: e.EASYPOST_SECRET_NAME,
      webhook: e.WEBHOOK_SECRET_NAME,
      stripeWebhook: e.STRIPE_WEBHOOK_SECRET_NAME,
      trackingLink: e.TRACKING_LINK_SECRET_NAME,
      riskHash: e.RISK_HASH_KEY_NAME,
    },
    webhookSecret: e.WEBHOOK_SECRET,
    secretsMaxAgeSeconds: e.SECRETS_MAX_AGE_SECONDS,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    principalsByKeyId: new Map(Object.entries(keyIds)),
    principalsByKey: parseApiKeys(e.API_KEYS),
    daySeconds: e.DAY_SECONDS,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''),
    store: { name: e.STORE_NAME, supportEmail: e.SUPPORT_EMAIL, supportUrl: e.SUPPORT_URL },
    trackingLinkSecret: e.TRACKING_LINK_SECRET,
    riskHashKey: e.RISK_HASH_KEY,
    riskThresholds: { reviewScore: e.RISK_REVIEW_SCORE, rejectScore: e.RISK_REJECT_SCORE },
    shipFrom: parseJson('SHIP_FROM_ADDRESS', e.SHIP_FROM_ADDRESS, shipFromSchema),
    durations: {
      authorizationValidityDays: e.AUTHORIZATION_VALIDITY_DAYS,
      delayGraceDays: e.DELAY_GRACE_DAYS,
      returnWindowDays: e.RETURN_WINDOW_DAYS,
      reviewTimeoutDays: e.REVIEW_TIMEOUT_DAYS,
      lostParcelDays: e.LOST_PARCEL_DAYS,
      carrierSilenceDays: e.CARRIER_SILENCE_DAYS,
    },
  };
};
