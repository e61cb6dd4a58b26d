// Every Lambda in catalog/functions.ts, built as an OrderFunction and wired by intent: each table access in the
// catalog becomes exactly that table grant, and each capability becomes the environment variables its handler
// code reads (functions/runtime/config.ts) plus the narrowest grant that lets it act. Nothing is granted that the
// catalog does not name.
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import {
  MAX_PROVIDER_REQUESTS_PER_INVOCATION,
  PROVIDER_REQUEST_TIMEOUT_MS,
} from '../../functions/adapters/provider-http';
import type { Capability, FunctionSpec } from '../../catalog/functions';
import type { Notifications } from './notifications';
import { OrderFunction } from './order-function';
import type { Secrets } from './secrets';
import type { Storage, TableId } from './storage';

export interface OrderFunctionsProps {
  catalog: readonly FunctionSpec[];
  config: StageConfig;
  storage: Storage;
  notifications: Notifications;
  secrets: Secrets;
  /** ARN of the order workflow (STATE_MACHINE_ARN) and of every workflow that parks on task tokens. */
  orderWorkflowArn: string;
  /** ARN of the return workflow (RETURN_STATE_MACHINE_ARN). */
  returnWorkflowArn: string;
  workflowArns: readonly string[];
  /** JSON object: API Gateway API key id → principal, for functions behind keyed routes. */
  apiKeyPrincipals: string;
  /** Base URL of tracking links and sandbox labels. */
  publicBaseUrl: string;
  logRetention: RetentionDays;
}

/** Powertools metric namespace and service name of every function; the dashboard reads the same names. */
export const METRICS_NAMESPACE = 'Orderflow';
export const SERVICE_NAME = 'orderflow';

const PROVIDER_CAPABILITIES: readonly Capability[] = ['paymentProvider', 'carrierProvider'];

/**
 * A function's timeout. Workflow steps get 30 s (their Tasks allow 60 s); API functions 10 s, or 25 s when they call
 * a provider (API Gateway gives up after 29 s). A function that calls a provider outlasts the longest run of provider
 * requests it may make, each abandoned as a TransientError after PROVIDER_REQUEST_TIMEOUT_MS, so a slow provider
 * is a retried typed error and not a Lambda timeout.
 */
export const functionTimeoutSeconds = (spec: FunctionSpec): number => {
  const isApi = (spec.routes ?? []).length > 0;
  const callsProvider = spec.capabilities.some((capability) => PROVIDER_CAPABILITIES.includes(capability));
  const seconds = isApi ? (callsProvider ? 25 : 10) : 30;
  const providerSeconds = (MAX_PROVIDER_REQUESTS_PER_INVOCATION * PROVIDER_REQUEST_TIMEOUT_MS) / 1000;
  if (callsProvider && seconds <= providerSeconds) {
    throw new Error(
      `${spec.id}: a ${seconds} s timeout does not outlast ${providerSeconds} s of provider requests`,
    );
  }
  return seconds;
};

/**
 * How long a handler keeps a secret it read from Secrets Manager (functions/runtime/parts/secrets.ts): a rotated
 * key reaches every warm container within this time, at one read per secret and container per period.
 */
export const SECRETS_MAX_AGE_SECONDS = 300;

export class OrderFunctions extends Construct {
  private readonly functions = new Map<string, OrderFunction>();

  constructor(scope: Construct, id: string, props: OrderFunctionsProps) {
    super(scope, id);
    const { config, storage } = props;

    // Settings every handler's config loader expects (table names are names, not permissions), and business
    // durations, which are stage policy rather than secrets.
    const common: Record<string, string> = {
      ORDERS_TABLE: storage.table('Orders').tableName,
      INVENTORY_TABLE: storage.table('Inventory').tableName,
      PAYMENT_PROVIDER: config.providers.payment.kind,
      CARRIER_PROVIDER: config.providers.carrier.kind,
      PUBLIC_BASE_URL: props.publicBaseUrl,
      AUTHORIZATION_VALIDITY_DAYS: String(config.durations.authorizationValidityDays),
      DELAY_GRACE_DAYS: String(config.durations.delayGraceDays),
      RETURN_WINDOW_DAYS: String(config.durations.returnWindowDays),
      REVIEW_TIMEOUT_DAYS: String(config.durations.reviewTimeoutDays),
      LOST_PARCEL_DAYS: String(config.durations.lostParcelDays),
      RISK_REVIEW_SCORE: String(config.risk.reviewScore),
      RISK_REJECT_SCORE: String(config.risk.rejectScore),
      CARRIER_SILENCE_DAYS: String(config.durations.carrierSilenceDays),
      SECRETS_MAX_AGE_SECONDS: String(SECRETS_MAX_AGE_SECONDS),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };

    for (const spec of props.catalog) {
      const keyed = (spec.routes ?? []).some((route) => route.auth === 'apiKey');
      const environment: Record<string, string> = {
        ...common,
        ...(keyed ? { API_KEY_PRINCIPALS: props.apiKeyPrincipals } : {}),
      };
      const grants: ((role: IRole) => void)[] = [];
      for (const capability of spec.capabilities) {
        const wiring = this.wire(capability, props);
        Object.assign(environment, wiring.environment);
        grants.push(wiring.grant);
      }

      const fn = new OrderFunction(this, spec.id, {
        spec,
        environment,
        timeout: Duration.seconds(functionTimeoutSeconds(spec)),
        memorySize: 512,
        logLevel: config.logLevel,
        logRetention: props.logRetention,
        retainLogs: config.data.retain,
      });
      for (const [table, access] of Object.entries(spec.tables)) {
        if (access) storage.grant(fn.role, table as TableId, access);
      }
      if (spec.stream) storage.grantStreamRead(fn.role, spec.stream.table);
      for (const grant of grants) grant(fn.role);
      this.functions.set(spec.id, fn);
    }
  }

  get(id: string): IFunction {
    return this.orderFunction(id).function;
  }

  orderFunction(id: string): OrderFunction {
    const fn = this.functions.get(id);
    if (!fn) throw new Error(`no function ${id} in catalog/functions.ts`);
    return fn;
  }

  all(): OrderFunction[] {
    return [...this.functions.values()];
  }

  /** A capability's environment and grant. */
  private wire(
    capability: Capability,
    props: OrderFunctionsProps,
  ): { environment: Record<string, string>; grant: (role: IRole) => void } {
    const { notifications, secrets, config, storage } = props;
    // The sandbox providers keep their payments and shipments as SANDBOX# items in the Orders table.
    const sandboxRecords = (role: IRole) =>
      storage.grant(role, 'Orders', { actions: ['GetItem', 'PutItem', 'UpdateItem'] });
    const statement = (actions: string[], resources: string[]) => (role: IRole) =>
      role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    switch (capability) {
      case 'startExecution':
        return {
          environment: {
            STATE_MACHINE_ARN: props.orderWorkflowArn,
            RETURN_STATE_MACHINE_ARN: props.returnWorkflowArn,
          },
          grant: statement(['states:StartExecution'], [props.orderWorkflowArn, props.returnWorkflowArn]),
        };
      case 'sendTaskResult':
        return {
          environment: {},
          grant: statement(['states:SendTaskSuccess', 'states:SendTaskFailure'], [...props.workflowArns]),
        };
      case 'sendEmail':
        return {
          environment: {
            SENDER_EMAIL: config.email.sender,
            SES_CONFIGURATION_SET: notifications.emailConfigurationSet.configurationSetName,
            // Who the customer buys from and where to get help, in every email.
            STORE_NAME: config.store.name,
            SUPPORT_EMAIL: config.store.supportEmail,
            ...(config.store.supportUrl ? { SUPPORT_URL: config.store.supportUrl } : {}),
            // The tracking-link HMAC key stays in Secrets Manager; handlers get its name.
            TRACKING_LINK_SECRET_NAME: secrets.trackingLinks.secretId,
          },
          grant: (role) => {
            notifications.grantSendEmail(role);
            secrets.trackingLinks.secret.grantRead(role);
          },
        };
      case 'sendSms':
        return { environment: {}, grant: (role) => notifications.grantSendSms(role) };
      case 'opsAlerts':
        return {
          environment: { OPS_TOPIC_ARN: notifications.opsTopic.topicArn },
          grant: (role) => notifications.grantPublish(role, notifications.opsTopic),
        };
      case 'orderEvents':
        return {
          environment: { ORDER_EVENTS_TOPIC_ARN: notifications.orderEventsTopic.topicArn },
          grant: (role) => notifications.grantPublish(role, notifications.orderEventsTopic),
        };
      case 'paymentProvider': {
        const secret = secrets.stripeApiKey;
        return secret
          ? {
              environment: { STRIPE_SECRET_NAME: secret.secretId },
              grant: (role) => secret.secret.grantRead(role),
            }
          : { environment: {}, grant: sandboxRecords };
      }
      case 'carrierProvider': {
        const secret = secrets.easyPostApiKey;
        const shipFrom = { SHIP_FROM_ADDRESS: JSON.stringify(config.shipFrom) };
        return secret
          ? {
              environment: { ...shipFrom, EASYPOST_SECRET_NAME: secret.secretId },
              grant: (role) => secret.secret.grantRead(role),
            }
          : { environment: shipFrom, grant: sandboxRecords };
      }
      case 'trackingLinks':
        return {
          environment: { TRACKING_LINK_SECRET_NAME: secrets.trackingLinks.secretId },
          grant: (role) => secrets.trackingLinks.secret.grantRead(role),
        };
      case 'riskFingerprints':
        return {
          environment: { RISK_HASH_KEY_NAME: secrets.riskFingerprints.secretId },
          grant: (role) => secrets.riskFingerprints.secret.grantRead(role),
        };
      case 'webhookSecret':
        return {
          environment: { WEBHOOK_SECRET_NAME: secrets.webhookSigning.secretId },
          grant: (role) => secrets.webhookSigning.secret.grantRead(role),
        };
      case 'paymentWebhookSecret': {
        // Without Stripe no one sends payment webhooks: no secret, nothing granted, and the route answers 404.
        const secret = secrets.stripeWebhookSigning;
        return secret
          ? {
              environment: { STRIPE_WEBHOOK_SECRET_NAME: secret.secretId },
              grant: (role) => secret.secret.grantRead(role),
            }
          : { environment: {}, grant: () => undefined };
      }
    }
  }
}
