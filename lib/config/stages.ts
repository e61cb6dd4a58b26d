// The three deployment stages. Edit the addresses, storefronts and secret names here before a first deploy (see
// docs/deploy.md); set `env` to pin a stage to one account and region.
import type { StageConfigInput, StageName } from './stage-config';

const businessDurations = {
  authorizationValidityDays: 7,
  delayGraceDays: 1,
  returnWindowDays: 30,
  reviewTimeoutDays: 2,
  lostParcelDays: 30,
  carrierSilenceDays: 1,
};

/** Risk score bands (docs/risk.md has the rules and tuning advice). */
const riskBands = { reviewScore: 70, rejectScore: 85 };

const warehouse = {
  name: 'Orderflow Warehouse',
  line1: '100 Harbor Way',
  city: 'Oakland',
  region: 'CA',
  postalCode: '94607',
  country: 'US',
};

export const stages: Readonly<Record<StageName, StageConfigInput>> = {
  dev: {
    stage: 'dev',
    email: {
      sender: 'orders@dev.shop.example',
      identity: 'dev.shop.example',
      sandboxRecipients: [],
    },
    store: { name: 'Shop Example (dev)', supportEmail: 'support@dev.shop.example' },
    storefronts: {
      'demo-store': {
        throttle: { rateLimit: 10, burstLimit: 20 },
        quota: { limit: 10_000, period: 'DAY' },
      },
    },
    ops: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 5_000, period: 'DAY' } },
    api: {
      throttle: { rateLimit: 20, burstLimit: 40 },
      openRoutes: {
        'POST /webhooks/carrier/{provider}': { rateLimit: 3, burstLimit: 6 },
        'POST /webhooks/payment/stripe': { rateLimit: 2, burstLimit: 4 },
        'GET /track/{orderId}': { rateLimit: 3, burstLimit: 6 },
        'GET /health': { rateLimit: 1, burstLimit: 2 },
        'GET /openapi.json': { rateLimit: 1, burstLimit: 2 },
      },
      webAcl: false,
    },
    data: { retain: false, pointInTimeRecovery: false, deletionProtection: false },
    logRetentionDays: 7,
    logLevel: 'DEBUG',
    providers: { payment: { kind: 'sandbox' }, carrier: { kind: 'sandbox' } },
    shipFrom: warehouse,
    durations: businessDurations,
    risk: riskBands,
  },
  staging: {
    stage: 'staging',
    email: { sender: 'orders@staging.shop.example', identity: 'staging.shop.example' },
    store: { name: 'Shop Example (staging)', supportEmail: 'support@staging.shop.example' },
    opsAlertEmail: 'orderflow-staging-alerts@shop.example',
    storefronts: {
      'demo-store': {
        throttle: { rateLimit: 25, burstLimit: 50 },
        quota: { limit: 50_000, period: 'DAY' },
      },
    },
    ops: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: 'DAY' } },
    api: {
      throttle: { rateLimit: 50, burstLimit: 100 },
      openRoutes: {
        'POST /webhooks/carrier/{provider}': { rateLimit: 10, burstLimit: 20 },
        'POST /webhooks/payment/stripe': { rateLimit: 5, burstLimit: 10 },
        'GET /track/{orderId}': { rateLimit: 5, burstLimit: 10 },
        'GET /health': { rateLimit: 2, burstLimit: 4 },
        'GET /openapi.json': { rateLimit: 2, burstLimit: 4 },
      },
      webAcl: true,
      perIpLimits: { webhooks: 1_500, pages: 300 },
    },
    data: { retain: false, pointInTimeRecovery: true, deletionProtection: false },
    logRetentionDays: 30,
    logLevel: 'INFO',
    providers: {
      // Stripe and EasyPost test-mode keys.
      payment: {
        kind: 'stripe',
        apiKeySecretName: 'orderflow/staging/stripe-api-key',
        webhookSecretName: 'orderflow/staging/stripe-webhook-secret',
      },
      carrier: {
        kind: 'easypost',
        apiKeySecretName: 'orderflow/staging/easypost-api-key',
        webhookSecretName: 'orderflow/staging/easypost-webhook-secret',
      },
    },
    shipFrom: warehouse,
    durations: businessDurations,
    risk: riskBands,
  },
  prod: {
    stage: 'prod',
    email: { sender: 'orders@shop.example', identity: 'shop.example' },
    store: {
      name: 'Shop Example',
      supportEmail: 'support@shop.example',
      supportUrl: 'https://shop.example/help',
    },
    opsAlertEmail: 'orderflow-alerts@shop.example',
    storefronts: {
      'main-store': {
        throttle: { rateLimit: 100, burstLimit: 200 },
        quota: { limit: 1_000_000, period: 'MONTH' },
      },
    },
    ops: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 100_000, period: 'MONTH' } },
    api: {
      throttle: { rateLimit: 200, burstLimit: 400 },
      openRoutes: {
        'POST /webhooks/carrier/{provider}': { rateLimit: 40, burstLimit: 80 },
        'POST /webhooks/payment/stripe': { rateLimit: 20, burstLimit: 40 },
        'GET /track/{orderId}': { rateLimit: 30, burstLimit: 60 },
        'GET /health': { rateLimit: 5, burstLimit: 10 },
        'GET /openapi.json': { rateLimit: 5, burstLimit: 10 },
      },
      webAcl: true,
      perIpLimits: { webhooks: 6_000, pages: 600 },
    },
    data: { retain: true, pointInTimeRecovery: true, deletionProtection: true },
    terminationProtection: true,
    logRetentionDays: 180,
    logLevel: 'INFO',
    providers: {
      payment: {
        kind: 'stripe',
        apiKeySecretName: 'orderflow/prod/stripe-api-key',
        webhookSecretName: 'orderflow/prod/stripe-webhook-secret',
      },
      carrier: {
        kind: 'easypost',
        apiKeySecretName: 'orderflow/prod/easypost-api-key',
        webhookSecretName: 'orderflow/prod/easypost-webhook-secret',
      },
    },
    shipFrom: warehouse,
    durations: businessDurations,
    risk: riskBands,
  },
};
