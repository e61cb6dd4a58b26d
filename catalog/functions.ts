// Every Lambda function of Orderflow: what it runs, what it touches and which routes or workflow states use it.
// The CDK stack builds functions and grants from this list; the local engine maps ASL placeholders and routes to
// the same handlers through it. Adding a function means adding it here, once.
import type { BusinessError } from './retry-policies';

/** The DynamoDB item actions the handlers' code calls (functions/adapters/: order-store.ts, inventory-store.ts, credit-store.ts, ...). */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem';

/**
 * What a function really calls on one table: item actions on the table, and `Query` on the named indexes only (no
 * function queries a table itself). Nothing calls DeleteItem, Scan or the batch and transaction actions, so none is
 * ever granted.
 */
export interface TableAccess {
  actions: ItemAction[];
  /** Indexes the function queries (catalog/tables.ts). */
  queries?: string[];
}

const read: TableAccess = { actions: ['GetItem'] };
/** The order item's whole-item, version-conditional writes (`commitStep`, `mutateOrder`): read, then put. */
const orderWrites: TableAccess = { actions: ['GetItem', 'PutItem'] };
/** Conditional per-SKU updates of stock (reserve, release, commit, expected returns). */
const stockUpdates: TableAccess = { actions: ['UpdateItem'] };

/** Capabilities a function needs beyond its tables; the stack turns each into environment and grants. */
export type Capability =
  | 'startExecution' // orders API starts the order workflow
  | 'sendTaskResult' // resumes a workflow waiting on a task token
  | 'sendEmail' // SES email to customers
  | 'sendSms' // SNS SMS to customers
  | 'opsAlerts' // publishes to the ops topic
  | 'orderEvents' // publishes status changes to the order-events topic (the stream's publisher only)
  | 'paymentProvider' // calls the payment provider (its secret when real)
  | 'carrierProvider' // calls the carrier (its secret when real)
  | 'webhookSecret' // verifies carrier webhooks
  | 'paymentWebhookSecret' // verifies Stripe webhooks (a stage with Stripe payments)
  | 'riskFingerprints' // hashes the source IP and payment method of an order (risk velocity)
  | 'trackingLinks'; // checks the token of customer tracking links

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  /** `apiKey`: storefront or ops key; `none`: open (health) or HMAC-checked in the handler (webhooks). */
  auth: 'apiKey' | 'none';
}

/**
 * How a function consumes a table's stream: the event source mapping in AWS (lib/constructs/stream-consumers.ts) and the
 * local engine's emulation of it (local/order-stream.ts) read the same settings.
 */
export interface StreamSource {
  table: 'Orders';
  /** Records per invocation, at most. */
  batchSize: number;
  /** Retries of a record that failed before it goes to the on-failure queue (AWS) or is set aside (locally). */
  retryAttempts: number;
  /** Records older than this are not handed any more (AWS: the stream keeps them a day). */
  maxRecordAgeHours: number;
}

export interface FunctionSpec {
  /** PascalCase id; the ASL refers to it as `${<id>FunctionArn}`. */
  id: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  entry: string;
  description: string;
  tables: { Orders?: TableAccess; Inventory?: TableAccess };
  capabilities: Capability[];
  routes?: Route[];
  /**
   * Run on a schedule (EventBridge Scheduler in AWS; a timer in the local engine). `businessTime`: the period is
   * business time, scaled locally by the day's length like the business durations (never below a second there).
   */
  schedule?: { everyMinutes: number; businessTime?: boolean };
  /** Invoked with the records of a table's stream (an event source mapping in AWS; emulated locally). */
  stream?: StreamSource;
  /**
   * Business errors the step throws on purpose (functions/domain/errors.ts); each has its own branch in the ASL,
   * and a state that retries every error (`States.ALL`) may only run a function that throws none.
   */
  raises?: BusinessError[];
}

const step = (
  id: string,
  folder: string,
  description: string,
  tables: FunctionSpec['tables'],
  capabilities: Capability[] = [],
  raises: BusinessError[] = [],
): FunctionSpec => ({
  id,
  entry: `functions/${folder}/handler.ts`,
  description,
  tables,
  capabilities,
  raises,
});

export const functionCatalog: readonly FunctionSpec[] = [
  // HTTP API
  {
    id: 'OrdersApi',
    entry: 'functions/orders-api/handler.ts',
    description:
      'Order intake, views and lists, KPIs, shipment handover, cancellations, risk reviews, returns, store credit',
    // Orders: intake, views, inbox events, return records; lists by storefront (byStorefront), across storefronts
    // (byCreation), by customer (byCustomer) and by tracking number (byTracking); KPIs (byCreation); store credit is
    // read only here. Inventory: returns tell it which items to expect back.
    tables: {
      Orders: {
        actions: ['GetItem', 'PutItem'],
        queries: ['byStorefront', 'byCreation', 'byCustomer', 'byTracking'],
      },
      Inventory: stockUpdates,
    },
    // The source IP and payment method are stored as keyed hashes only (riskFingerprints).
    capabilities: ['startExecution', 'sendTaskResult', 'carrierProvider', 'riskFingerprints'],
    routes: [
      { method: 'POST', path: '/orders', auth: 'apiKey' },
      { method: 'GET', path: '/orders', auth: 'apiKey' },
      { method: 'GET', path: '/orders/{orderId}', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/ship', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/cancel', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/review', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/returns', auth: 'apiKey' },
      { method: 'POST', path: '/store-credit/lookup', auth: 'apiKey' },
      { method: 'GET', path: '/kpis', auth: 'apiKey' },
    ],
  },
  {
    id: 'InventoryApi',
    entry: 'functions/inventory-api/handler.ts',
    description: 'Stock levels per SKU (ops)',
    tables: { Inventory: { actions: ['GetItem', 'UpdateItem'] } },
    capabilities: [],
    routes: [
      { method: 'GET', path: '/inventory/{sku}', auth: 'apiKey' },
      { method: 'PUT', path: '/inventory/{sku}', auth: 'apiKey' },
    ],
  },
  {
    id: 'CarrierWebhook',
    entry: 'functions/carrier-webhook/handler.ts',
    description:
      'Carrier tracking webhooks: verify, record (applying a milestone the workflow need not decide on), resume the waiting workflow',
    // The order of a tracking number (byTracking), its inbox, and UNMATCHED# records for operators. A milestone it
    // applies itself sends its customer notice.
    tables: { Orders: { actions: ['GetItem', 'PutItem'], queries: ['byTracking'] } },
    capabilities: ['sendTaskResult', 'opsAlerts', 'webhookSecret', 'sendEmail', 'sendSms'],
    routes: [{ method: 'POST', path: '/webhooks/carrier/{provider}', auth: 'none' }],
  },
  {
    id: 'PaymentWebhook',
    entry: 'functions/payment-webhook/handler.ts',
    description:
      'Stripe webhooks: verify, record lapsed authorizations, failed refunds and disputes, wake the workflow',
    // The order of a payment id (byPayment), then its whole-item conditional write.
    tables: { Orders: { actions: ['GetItem', 'PutItem'], queries: ['byPayment'] } },
    capabilities: ['sendTaskResult', 'opsAlerts', 'paymentWebhookSecret'],
    routes: [{ method: 'POST', path: '/webhooks/payment/stripe', auth: 'none' }],
  },
  {
    id: 'TrackingPage',
    entry: 'functions/tracking-page/handler.ts',
    description: "The customer's tracking page, opened from the link in every customer message",
    tables: { Orders: read },
    capabilities: ['trackingLinks'],
    routes: [{ method: 'GET', path: '/track/{orderId}', auth: 'none' }],
  },
  {
    id: 'Health',
    entry: 'functions/health/handler.ts',
    description: 'Liveness',
    tables: {},
    capabilities: [],
    routes: [{ method: 'GET', path: '/health', auth: 'none' }],
  },
  {
    id: 'ApiDocument',
    entry: 'functions/api-document/handler.ts',
    description: 'The OpenAPI document of the API',
    tables: {},
    capabilities: [],
    routes: [{ method: 'GET', path: '/openapi.json', auth: 'none' }],
  },
  {
    id: 'IntakeSweep',
    entry: 'functions/intake-sweep/handler.ts',
    description: 'Starts the workflow of orders left RECEIVED for over a minute without one',
    // Orders still RECEIVED after a minute (receivedOrders), each confirmed by reading it; it writes nothing.
    tables: { Orders: { actions: ['GetItem'], queries: ['receivedOrders'] } },
    capabilities: ['startExecution'],
    schedule: { everyMinutes: 1 },
  },
  {
    id: 'ReconcileParcels',
    entry: 'functions/reconcile-parcels/handler.ts',
    description:
      'Asks the carrier about parcels it has been silent about and records the scans webhooks did not bring',
    // Orders with a silent parcel (parcelsInFlight), each order read; the scans found go the webhooks' way
    // (byTracking, the order's inbox, UNMATCHED# records); the run's lease item is a conditional put.
    tables: { Orders: { actions: ['GetItem', 'PutItem'], queries: ['parcelsInFlight', 'byTracking'] } },
    capabilities: ['carrierProvider', 'sendTaskResult', 'opsAlerts', 'sendEmail', 'sendSms'],
    schedule: { everyMinutes: 30, businessTime: true },
  },
  {
    id: 'PublishOrderEvents',
    entry: 'functions/publish-order-events/handler.ts',
    description: "Publishes each committed status change of an order, read from the Orders table's stream",
    // It reads the stream only (granted by `stream`, not as a table access) and writes nothing.
    tables: {},
    capabilities: ['orderEvents'],
    stream: { table: 'Orders', batchSize: 25, retryAttempts: 10, maxRecordAgeHours: 24 },
  },
  // Workflow steps
  step(
    'ValidateOrder',
    'validate-order',
    'Deep validation of a received order',
    // Reads only: a valid order goes on unchanged, an invalid one is rejected by CloseOrder.
    { Orders: read, Inventory: read },
    [],
    ['OrderInvalidError', 'OrderCancelledError'],
  ),
  step(
    'AssessRisk',
    'assess-risk',
    'Explainable rule-based risk score: approve, review or reject',
    // Recent orders of the customer (byCustomer), of the payment method (byPaymentMethod) and of the source IP
    // (bySourceIp) for velocity; a review or reject assessment is stored with the order.
    { Orders: { ...orderWrites, queries: ['byCustomer', 'byPaymentMethod', 'bySourceIp'] } },
    [],
    ['FraudSuspectedError', 'OrderCancelledError'],
  ),
  step(
    'ReserveStock',
    'reserve-stock',
    'Reserves stock for every line',
    { Orders: read, Inventory: stockUpdates },
    [],
    ['OutOfStockError', 'OrderCancelledError'],
  ),
  step('ReleaseStock', 'release-stock', 'Releases reserved stock (compensation)', {
    Orders: read,
    Inventory: stockUpdates,
  }),
  step(
    'AuthorizePayment',
    'authorize-payment',
    'Authorizes the payment (capture later); confirms an approved order and tells the customer',
    { Orders: orderWrites },
    ['paymentProvider', 'sendEmail', 'sendSms'],
    ['PaymentDeclinedError', 'OrderCancelledError'],
  ),
  step(
    'ReauthorizePayment',
    'reauthorize-payment',
    'Renews an authorization about to lapse',
    { Orders: orderWrites },
    ['paymentProvider'],
    ['AuthorizationExpiredError'],
  ),
  step(
    'VoidAuthorization',
    'void-authorization',
    'Voids an uncaptured authorization (compensation)',
    { Orders: orderWrites },
    ['paymentProvider'],
  ),
  step(
    'ConfirmOrder',
    'confirm-order',
    'Confirms an order approved in review and tells the customer',
    { Orders: orderWrites },
    ['sendEmail', 'sendSms'],
    ['OrderCancelledError'],
  ),
  step(
    'BuyLabel',
    'buy-label',
    'Buys the carrier label and parks (task token) on the shipment wait in the same write',
    { Orders: orderWrites },
    ['carrierProvider', 'sendTaskResult'],
    ['AddressUndeliverableError', 'OrderCancelledError'],
  ),
  step('VoidLabel', 'void-label', 'Voids an unused label (compensation)', { Orders: orderWrites }, [
    'carrierProvider',
  ]),
  step(
    'AwaitReview',
    'await-review',
    'Waits (task token) for an operator to review an order the risk rules held; alerts operators once',
    { Orders: orderWrites },
    ['sendTaskResult', 'opsAlerts'],
  ),
  step(
    'AwaitShipment',
    'await-shipment',
    'Waits again (task token) for the parcel to ship after a renewal: the ship call or the first carrier scan',
    { Orders: orderWrites },
    ['sendTaskResult'],
  ),
  step(
    'CapturePayment',
    'capture-payment',
    'Captures the payment once the parcel ships, commits stock, sends the shipping notice, parks (task token) on the delivery wait',
    { Orders: orderWrites, Inventory: stockUpdates },
    ['sendTaskResult', 'paymentProvider', 'sendEmail', 'sendSms'],
    ['CaptureFailedError'],
  ),
  step(
    'TrackDelivery',
    'track-delivery',
    'Waits (task token) for delivery milestones; applies them with their notices, delays, failures and intercepts',
    { Orders: orderWrites, Inventory: stockUpdates },
    [
      'sendTaskResult',
      'startExecution',
      'paymentProvider',
      'carrierProvider',
      'sendEmail',
      'sendSms',
      'opsAlerts',
    ],
  ),
  step(
    'TrackReturn',
    'track-return',
    'Waits (task token) for a return parcel; refunds or credits and restocks when it is back',
    // Store credit is a conditional put of a new account or an update of an existing one (functions/adapters/credit-store.ts).
    { Orders: { actions: ['GetItem', 'PutItem', 'UpdateItem'] }, Inventory: stockUpdates },
    ['sendTaskResult', 'paymentProvider', 'sendEmail', 'sendSms'],
  ),
  step(
    'CloseOrder',
    'close-order',
    'Ends an order that will not be fulfilled: rejected, cancelled or failed, with its notice or alert',
    { Orders: orderWrites },
    ['sendEmail', 'sendSms', 'opsAlerts'],
  ),
  step(
    'ReopenOrder',
    'reopen-order',
    'Fails the execution of a FAILED order; on a redrive, reopens the order where its journey can go on',
    { Orders: orderWrites },
    [],
  ),
];

/** The ASL placeholder a function is referred to by. */
export const arnPlaceholder = (spec: FunctionSpec): string => `${spec.id}FunctionArn`;
