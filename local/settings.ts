// Local runtime settings (CONTRACT.md, "Local runtime settings"), read once from the environment and checked:
// a bad value stops the start with the variable's name.
import { z } from 'zod';
import { parseApiKeys } from '../functions/runtime/config';
import { parseThrottle, type Throttle } from './rate-limit';

const throttleSetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const throttle = parseThrottle(value);
      if (throttle) return throttle;
      context.addIssue({
        code: 'custom',
        message: 'must be <rate>/<burst> (requests a second / at once, both above 0) or off',
      });
      return z.NEVER;
    });

const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  ORDERFLOW_DATA_DIR: z.string().min(1).default('.orderflow'),
  ORDERFLOW_API_KEYS: z
    .string()
    .default('demo-store:local-dev-key,ops:local-ops-key')
    .refine((value) => {
      try {
        return parseApiKeys(value).size > 0;
      } catch {
        return false;
      }
    }, 'must be principal:key pairs separated by commas'),
  ORDERFLOW_WEBHOOK_SECRET: z.string().min(1).default('local-webhook-secret'),
  ORDERFLOW_STRIPE_WEBHOOK_SECRET: z.string().min(1).default('whsec_local_orderflow'),
  ORDERFLOW_CARRIER_SIMULATION: z.enum(['auto', 'off']).default('auto'),
  ORDERFLOW_DAY_SECONDS: z.coerce.number().positive().max(86_400).default(10),
  /** Port of the SES emulator's mail viewer; 0 picks a free one. */
  ORDERFLOW_MAIL_PORT: z.coerce.number().int().min(0).max(65_535).default(8005),
  HOST: z.string().default('0.0.0.0'),
  /** Named in every customer email, with the support address. */
  ORDERFLOW_STORE_NAME: z.string().trim().min(1).max(100).default('Orderflow Demo Store'),
  ORDERFLOW_SUPPORT_EMAIL: z.email().default('support@example.com'),
  /** Per API key, as a usage plan: `<rate>/<burst>` or `off`. */
  ORDERFLOW_RATE_LIMIT: throttleSetting('100/200'),
  /** Per route without a key (webhooks, tracking page, health, API document): `<rate>/<burst>` or `off`. */
  ORDERFLOW_OPEN_RATE_LIMIT: throttleSetting('50/100'),
});

export interface LocalSettings {
  port: number;
  host: string;
  /** A directory, or `:memory:` to keep nothing. */
  dataDir: string;
  apiKeys: string;
  webhookSecret: string;
  /** The signing secret of Stripe-format payment webhooks (`POST /webhooks/payment/stripe`). */
  stripeWebhookSecret: string;
  carrierSimulation: 'auto' | 'off';
  daySeconds: number;
  mailPort: number;
  storeName: string;
  supportEmail: string;
  /** The local gateway's throttles (local/rate-limit.ts): per API key, and per route without a key. */
  rateLimits: { perKey: Throttle | 'off'; perOpenRoute: Throttle | 'off' };
}

export const readSettings = (env: Readonly<Record<string, string | undefined>>): LocalSettings => {
  const parsed = settingsSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid local settings: ${problems}`);
  }
  const s = parsed.data;
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir: s.ORDERFLOW_DATA_DIR,
    apiKeys: s.ORDERFLOW_API_KEYS,
    webhookSecret: s.ORDERFLOW_WEBHOOK_SECRET,
    stripeWebhookSecret: s.ORDERFLOW_STRIPE_WEBHOOK_SECRET,
    carrierSimulation: s.ORDERFLOW_CARRIER_SIMULATION,
    daySeconds: s.ORDERFLOW_DAY_SECONDS,
    mailPort: s.ORDERFLOW_MAIL_PORT,
    storeName: s.ORDERFLOW_STORE_NAME,
    supportEmail: s.ORDERFLOW_SUPPORT_EMAIL,
    rateLimits: { perKey: s.ORDERFLOW_RATE_LIMIT, perOpenRoute: s.ORDERFLOW_OPEN_RATE_LIMIT },
  };
};
