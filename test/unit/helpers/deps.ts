// `Deps` for tests of the workflow steps and the API handlers: a dynalite-backed store, the sandbox payment
// provider and sandbox carrier on the same table, recording messaging and workflow fakes, and a fixed clock that a
// test may move. `useStepWorld()` starts the store once per file and gives every test fresh recordings, the clock
// back at T0 and the sandbox payment provider in place.
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { SandboxCarrier } from '../../../functions/adapters/carrier/sandbox-carrier';
import { createOrder, putOrderVersion, requireOrder, type Db } from '../../../functions/adapters/order-store';
import { SandboxPaymentProvider } from '../../../functions/adapters/payment/sandbox-payment';
import type { Workflow, ReturnWorkflowInput } from '../../../functions/adapters/workflow';
import type {
  EmailMessage,
  Messaging,
  OpsAlert,
  OrderEvent,
  SmsMessage,
} from '../../../functions/domain/notices';
import type { OrderRecord, PaymentState } from '../../../functions/domain/order';
import type { PaymentProvider } from '../../../functions/domain/providers';
import type { WakeSignal } from '../../../functions/domain/waits';
import { loadConfig, type Config } from '../../../functions/runtime/config';
import type { Deps } from '../../../functions/runtime/deps';
import { startLocalDynamo, type LocalDynamo } from './dynamo';
import { anOrder, DAY_SECONDS, noticeContext, T0 } from './orders';

/** The API keys the test configuration knows: the operator's and the example storefront's. */
export const OPS_KEY = 'ops-test-key';
export const STOREFRONT_KEY = 'demo-store-test-key';

/** Everything a step sent out, in order. */
export interface RecordingMessaging extends Messaging {
  emails: EmailMessage[];
  sms: SmsMessage[];
  alerts: OpsAlert[];
  events: OrderEvent[];
}

export const recordingMessaging = (): RecordingMessaging => {
  const sent: Pick<RecordingMessaging, 'emails' | 'sms' | 'alerts' | 'events'> = {
    emails: [],
    sms: [],
    alerts: [],
    events: [],
  };
  return {
    ...sent,
    sendEmail: (message) => Promise.resolve(void sent.emails.push(message)),
    sendSms: (message) => Promise.resolve(void sent.sms.push(message)),
    alertOps: (alert) => Promise.resolve(void sent.alerts.push(alert)),
    publishOrderEvent: (event) => Promise.resolve(void sent.events.push(event)),
  };
};

/** The executions a step started and the parked executions it resumed. */
export interface RecordingWorkflow extends Workflow {
  started: string[];
  startedReturns: ReturnWorkflowInput[];
  resumed: { token: string; output: WakeSignal }[];
}

export const recordingWorkflow = (): RecordingWorkflow => {
  const started: string[] = [];
  const startedReturns: ReturnWorkflowInput[] = [];
  const resumed: { token: string; output: WakeSignal }[] = [];
  return {
    started,
    startedReturns,
    resumed,
    start: (orderId) => Promise.resolve(void started.push(orderId)),
    startReturn: (input) => Promise.resolve(void startedReturns.push(input)),
    resume: (token, output) => Promise.resolve(resumed.push({ token, output }) > 0),
  };
};

/** A clock that stands still until a test moves it. */
export class FixedClock {
  private at = new Date(T0);
  readonly now = (): Date => new Date(this.at);
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

/** The configuration of the test stage: sandbox providers, real-length days, the helpers' tracking-link key. */
export const testConfig = (db: Db): Config =>
  loadConfig({
    ORDERS_TABLE: db.tables.orders,
    INVENTORY_TABLE: db.tables.inventory,
    PUBLIC_BASE_URL: noticeContext.publicBaseUrl,
    TRACKING_LINK_SECRET: noticeContext.trackingLinkSecret,
    WEBHOOK_SECRET: 'test-webhook-secret',
    STRIPE_WEBHOOK_SECRET: 'whsec_test_orderflow',
    RISK_HASH_KEY: 'test-risk-hash-key',
    DAY_SECONDS: String(DAY_SECONDS),
    API_KEYS: `ops:${OPS_KEY},demo-store:${STOREFRONT_KEY}`,
  });

let sequence = 0;

/** A fresh order id, so that tests sharing a store never share an order (or its sandbox payment). */
export const anOrderId = (): string => `ord_${(sequence += 1).toString(16).padStart(24, '0')}`;

export interface StockRecord {
  available: number;
  reserved: number;
  sold: number;
  holds: string[];
}

/** A fresh SKU, so that tests sharing the inventory table never share stock. */
export const anSku = (): string => `SKU-T${(sequence += 1).toString().padStart(4, '0')}`;

/** The store, the providers and the fakes one test file shares; see `useStepWorld`. */
export class StepWorld {
  readonly clock = new FixedClock();
  messaging = recordingMessaging();
  workflow = recordingWorkflow();
  /** The payment providers by the name an order gives (`sandbox` unless a test puts in another). */
  readonly payments = new Map<string, PaymentProvider>();
  private dynamo: LocalDynamo | undefined;
  private built: { deps: Deps; payment: SandboxPaymentProvider; carrier: SandboxCarrier } | undefined;

  async start(): Promise<void> {
    this.dynamo = await startLocalDynamo();
    const { db } = this.dynamo;
    const config = testConfig(db);
    const options = { doc: db.doc, table: db.tables.orders, daySeconds: DAY_SECONDS, clock: this.clock.now };
    const payment = new SandboxPaymentProvider({
      ...options,
      authorizationValidityDays: config.durations.authorizationValidityDays,
    });
    const carrier = new SandboxCarrier({ ...options, baseUrl: config.publicBaseUrl });
    const deps: Deps = {
      config,
      db,
      payment: (name) => {
        const provider = this.payments.get(name);
        if (!provider) throw new Error(`payment provider ${name} is not enabled in this stage`);
        return provider;
      },
      carrier,
      webhookParsers: {},
      webhookSecret: () => Promise.resolve(config.webhookSecret),
      paymentWebhookSecret: () => Promise.resolve(config.stripeWebhookSecret),
      trackingLinkSecret: () => Promise.resolve(config.trackingLinkSecret),
      riskHashKey: () => Promise.resolve(config.riskHashKey),
      // Through the world, so that each test sees its own recordings.
      messaging: {
        sendEmail: (message) => this.messaging.sendEmail(message),
        sendSms: (message) => this.messaging.sendSms(message),
        alertOps: (alert) => this.messaging.alertOps(alert),
        publishOrderEvent: (event) => this.messaging.publishOrderEvent(event),
      },
      workflow: {
        start: (orderId) => this.workflow.start(orderId),
        startReturn: (input) => this.workflow.startReturn(input),
        resume: (token, output) => this.workflow.resume(token, output),
      },
      now: this.clock.now,
    };
    this.built = { deps, payment, carrier };
  }

  /** Fresh recordings, the clock at T0 and only the sandbox payment provider. */
  reset(): void {
    this.messaging = recordingMessaging();
    this.workflow = recordingWorkflow();
    this.clock.set(T0);
    this.payments.clear();
    this.payments.set('sandbox', this.payment);
  }

  async close(): Promise<void> {
    await this.dynamo?.close();
  }

  private get parts() {
    if (!this.built) throw new Error('the step world has not started (use it inside a test)');
    return this.built;
  }

  get deps(): Deps {
    return this.parts.deps;
  }

  get db(): Db {
    return this.parts.deps.db;
  }

  get payment(): SandboxPaymentProvider {
    return this.parts.payment;
  }

  get carrier(): SandboxCarrier {
    return this.parts.carrier;
  }

  /**
   * Stores the example order (a fresh id unless the overrides name one) as intake would. The keys that derive from
   * the order id are derived again, so a whole order from the fixtures can be stored under another id.
   */
  async storeOrder(overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> {
    const { pk: _pk, createdKey: _createdKey, receivedBucket: _bucket, ...fields } = overrides;
    const order = anOrder({ orderId: anOrderId(), ...fields });
    if (!(await createOrder(this.db, order))) throw new Error(`order ${order.orderId} exists already`);
    return order;
  }

  /**
   * Stores the example order with its total authorized by the sandbox (as if AuthorizePayment had run), and
   * `overrides` on top.
   */
  async storeAuthorizedOrder(overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> {
    const orderId = overrides.orderId ?? anOrderId();
    const order = anOrder({ orderId, ...overrides });
    const authorization = await this.payment.authorize({
      orderId,
      amount: order.total,
      currency: order.currency,
      token: order.paymentToken,
      idempotencyKey: `test-setup:${orderId}`,
    });
    return this.storeOrder({
      ...order,
      payment: {
        ...order.payment,
        status: 'AUTHORIZED',
        paymentId: authorization.paymentId,
        authorizedAmount: authorization.amount,
        authorizationExpiresAt: authorization.expiresAt,
      },
      timeline: [...order.timeline, { at: T0, type: 'PAYMENT_AUTHORIZED', detail: { amount: order.total } }],
      ...overrides,
    });
  }

  /** Changes the stored order as another writer would (the next version); answers the order as stored. */
  async changeOrder(orderId: string, change: (order: OrderRecord) => OrderRecord): Promise<OrderRecord> {
    const current = await this.order(orderId);
    const next = { ...change(current), version: current.version + 1 };
    if (!(await putOrderVersion(this.db, next))) throw new Error(`order ${orderId} changed meanwhile`);
    return next;
  }

  /** The order as stored now. */
  order(orderId: string): Promise<OrderRecord> {
    return requireOrder(this.db, orderId);
  }

  /** The sandbox provider's own record of a payment (what the processor holds, captured or voided). */
  async providerPayment(paymentId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.tables.orders,
        Key: { pk: `SANDBOX#PAYMENT#${paymentId}`, sk: 'SANDBOX' },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** A SKU's stock as the inventory table holds it: on sale, reserved, sold, and which orders hold some. */
  async stock(sku: string): Promise<StockRecord> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.inventory, Key: { sku }, ConsistentRead: true }),
    );
    const item = (Item ?? {}) as {
      available?: number;
      reserved?: number;
      sold?: number;
      holds?: Set<string>;
    };
    return {
      available: item.available ?? 0,
      reserved: item.reserved ?? 0,
      sold: item.sold ?? 0,
      holds: [...(item.holds ?? [])].sort(),
    };
  }

  /** Every payment the sandbox processor holds for the order, however it came about. */
  async providerPaymentsOf(orderId: string): Promise<Record<string, unknown>[]> {
    const { Items } = await this.db.doc.send(
      new ScanCommand({
        TableName: this.db.tables.orders,
        FilterExpression: 'begins_with(pk, :payment) AND orderId = :orderId',
        ExpressionAttributeValues: { ':payment': 'SANDBOX#PAYMENT#', ':orderId': orderId },
        ConsistentRead: true,
      }),
    );
    return Items ?? [];
  }
}

/** A store and `Deps` for the tests of one file, with fresh recordings and the clock at T0 for each test. */
export const useStepWorld = (): StepWorld => {
  const world = new StepWorld();
  beforeAll(() => world.start());
  afterAll(() => world.close());
  beforeEach(() => world.reset());
  return world;
};

/** The order with some payment fields changed. */
export const withPayment = (order: OrderRecord, patch: Partial<PaymentState>): OrderRecord => ({
  ...order,
  payment: { ...order.payment, ...patch },
});

/** Event types on the order's timeline, in order. */
export const timelineTypes = (order: OrderRecord): string[] => order.timeline.map((entry) => entry.type);

/** Templates of what was sent, by channel (`order_confirmation by email`). */
export const sentTemplates = (messaging: RecordingMessaging): string[] => [
  ...messaging.emails.map((email) => `${email.template} by email`),
  ...messaging.sms.map((sms) => `${sms.template} by sms`),
];

/** The Lambda context an API handler gets (the logging middleware reads it). */
export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: `request-${functionName}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2030/03/04/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** An API Gateway (REST, proxy) event with only what the handlers read. */
export const anApiEvent = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent => ({
  resource: '/',
  path: '/',
  httpMethod: 'GET',
  headers: {},
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: {} as APIGatewayProxyEvent['requestContext'],
  body: null,
  isBase64Encoded: false,
  ...overrides,
});
