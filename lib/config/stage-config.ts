// The typed configuration of one deployment stage (dev, staging, prod). `bin/` picks one by name and hands it to
// the stack; constructs read nothing else. The schema checks what TypeScript cannot (e-mail shapes, principal ids,
// allowed log retentions) so that a bad edit fails at synth with the field's path, not at deploy time.
import { functionCatalog } from '../../catalog/functions';
import { shipFromSchema } from '../../functions/runtime/config';
import { defaultRiskThresholds } from '../../functions/domain/risk';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

export const stageNames = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

/** The operator principal: its key may use `/inventory`, `/review` and `/kpis` and sees every storefront. */
export const OPS_PRINCIPAL = 'ops';

const throttleSchema = z.object({
  /** Steady-state requests per second. */
  rateLimit: z.number().positive(),
  /** Requests allowed in a burst above the rate. */
  burstLimit: z.number().int().positive(),
});

/** `METHOD /path` of every catalog route without an API key (webhooks, tracking page, health, API document). */
export const openRoutes: readonly string[] = functionCatalog.flatMap((spec) =>
  (spec.routes ?? [])
    .filter((route) => route.auth === 'none')
    .map((route) => `${route.method} ${route.path}`),
);

const usagePlanSchema = z.object({
  throttle: throttleSchema,
  quota: z.object({ limit: z.number().int().positive(), period: z.enum(['DAY', 'WEEK', 'MONTH']) }),
});

const storefrontIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes')
  .refine((id) => id !== OPS_PRINCIPAL, `"${OPS_PRINCIPAL}" is the operator principal, not a storefront`);

const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name');

const days = z.number().positive();

export const stageConfigSchema = z
  .object({
    stage: z.enum(stageNames),
    /** Pins the stack to an account and region; without it the stack is environment-agnostic. */
    env: z
      .object({
        account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
      })
      .optional(),
    email: z.object({
      /** From address of every customer e-mail. */
      sender: z.email(),
      /** The verified SES identity the sender belongs to: the address itself or its domain. */
      identity: z.string().min(3),
      /**
       * While the account is in the SES sandbox, SES also authorizes against each recipient's identity; list the
       * verified test recipients here (dev only). Empty once the account has production access.
       */
      sandboxRecipients: z.array(z.email()).default([]),
    }),
    /** The store customers buy from: named in every customer email with where to get help. */
    store: z.object({
      name: z.string().trim().min(1).max(100),
      supportEmail: z.email(),
      /** A help page, linked beside the support address. */
      supportUrl: z.url({ protocol: /^https$/ }).optional(),
    }),
    /** Subscribed to the ops topic (alarms, review needed, delivery failures, workflow failures). */
    opsAlertEmail: z.email().optional(),
    /** Storefront id → its usage plan. Each storefront gets its own API key on its own plan. */
    storefronts: z
      .record(storefrontIdSchema, usagePlanSchema)
      .refine((storefronts) => Object.keys(storefronts).length > 0, 'at least one storefront is needed'),
    /** The operator key's usage plan. */
    ops: usagePlanSchema,
    api: z.object({
      /** Stage-wide default throttle for every method (per-key plans apply on top). */
      throttle: throttleSchema,
      /**
       * Per-method throttles of the routes without a key (`METHOD /path` → throttle, every such route of the
       * catalog): no usage plan limits their callers, so each gets a rate of its own, below the stage default, and
       * together at most half the stage rate. A flood on them is refused there and cannot take the account's
       * request rate and Lambda concurrency the storefronts need (docs/deploy.md, "Throttles").
       */
      openRoutes: z.record(z.string(), throttleSchema),
      /** Associates an AWS WAF web ACL (managed common and known-bad-input rules) with the API stage. */
      webAcl: z.boolean(),
      /**
       * The web ACL's rate-based rules: requests one IP address may send in 5 minutes to the webhooks, and to the
       * other routes without a key (tracking page, health, API document), before it is refused for a while with 429.
       * Required with `webAcl`.
       */
      perIpLimits: z
        .object({ webhooks: z.number().int().min(10), pages: z.number().int().min(10) })
        .optional(),
      /** Base URL of customer tracking links; defaults to the API's own execute-api URL. */
      publicBaseUrl: z.url().optional(),
      /**
       * The API Gateway account setting (the CloudWatch role every REST API in the account and region logs with) is
       * one per account and region. Off (the default), the stack expects it set once by hand (docs/deploy.md); on,
       * this stage's stack creates the role and the setting. Turn it on for at most one stage per account and
       * region, or two stacks overwrite each other's setting.
       */
      ownsAccountCloudWatchRole: z.boolean().default(false),
    }),
    data: z.object({
      /** Keep tables, keys, secrets and logs when the stack is deleted. */
      retain: z.boolean(),
      pointInTimeRecovery: z.boolean(),
      deletionProtection: z.boolean(),
    }),
    /** CloudFormation refuses to delete the stack while this is on. */
    terminationProtection: z.boolean().default(false),
    logRetentionDays: z
      .number()
      .int()
      .refine((value) => retentionDays.has(value), 'must be one of the CloudWatch Logs retention periods'),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    providers: z.object({
      payment: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('sandbox') }),
        z.object({
          kind: z.literal('stripe'),
          apiKeySecretName: secretNameSchema,
          /** The signing secret (`whsec_...`) of the stage's Stripe webhook endpoint (docs/deploy.md). */
          webhookSecretName: secretNameSchema,
        }),
      ]),
      carrier: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('sandbox') }),
        z.object({
          kind: z.literal('easypost'),
          apiKeySecretName: secretNameSchema,
          webhookSecretName: secretNameSchema,
        }),
      ]),
    }),
    /** The warehouse labels are bought from (SHIP_FROM_ADDRESS). */
    shipFrom: shipFromSchema,
    durations: z.object({
      authorizationValidityDays: days,
      delayGraceDays: days,
      returnWindowDays: days,
      reviewTimeoutDays: days,
      /** Days past the promised date after which an undelivered parcel counts as lost. */
      lostParcelDays: days,
      /** Days without a carrier event after which parcel reconciliation asks the carrier about a parcel in flight. */
      carrierSilenceDays: days,
    }),
    /**
     * Risk score bands (docs/risk.md): below `reviewScore` an order is approved, from it an operator reviews it, from
     * `rejectScore` it is rejected outright.
     */
    risk: z
      .object({
        reviewScore: z.number().int().min(1).max(100),
        rejectScore: z.number().int().min(1).max(100),
      })
      .refine(({ reviewScore, rejectScore }) => reviewScore < rejectScore, {
        path: ['rejectScore'],
        message: 'must be above reviewScore',
      })
      .default(defaultRiskThresholds),
  })
  .strict()
  .superRefine(({ api }, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path: ['api', ...path], message });
    for (const route of openRoutes) {
      if (!api.openRoutes[route]) issue(['openRoutes', route], 'a route without a key needs a throttle');
    }
    for (const [route, throttle] of Object.entries(api.openRoutes)) {
      if (!openRoutes.includes(route)) issue(['openRoutes', route], 'is not a catalog route without a key');
      if (throttle.rateLimit > api.throttle.rateLimit || throttle.burstLimit > api.throttle.burstLimit) {
        issue(['openRoutes', route], 'must not exceed the stage throttle');
      }
    }
    const total = Object.values(api.openRoutes).reduce((sum, throttle) => sum + throttle.rateLimit, 0);
    if (total > api.throttle.rateLimit / 2) {
      issue(
        ['openRoutes'],
        `the rates add up to ${total}, over half the stage rate (${api.throttle.rateLimit})`,
      );
    }
    if (api.webAcl && !api.perIpLimits) issue(['perIpLimits'], 'the web ACL needs its per-IP limits');
  })
  .refine(({ email }) => email.sender === email.identity || email.sender.endsWith(`@${email.identity}`), {
    path: ['email', 'identity'],
    message: 'must be the sender address or its domain',
  });

/** A stage config as written in `stages.ts` (defaults may be left out). */
export type StageConfigInput = z.input<typeof stageConfigSchema>;
/** A checked stage config, with defaults applied. */
export type StageConfig = z.output<typeof stageConfigSchema>;
