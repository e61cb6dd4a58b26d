// Every Lambda function of Orderflow: what it runs, what it touches and which routes or workflow states use it.
// The CDK stack builds functions and grants from this list; the local engine maps ASL placeholders and routes to
// the same handlers through it. Adding a function means adding it here, once.
import type { BusinessError } from './retry-policies';

export type TableAccess = 'read' | 'readWrite';

/** Capabilities a function needs beyond its tables; the stack turns each into environment and grants. */
export type Capability =
  | 'startExecution' // orders API starts the order workflow
  | 'sendTaskResult' // resumes a workflow waiting on a task token
  | 'sendEmail' // SES email to customers
  | 'sendSms' // SNS SMS to customers
  | 'opsAlerts' // publishes to the ops topic
  | 'orderEvents' // publishes status changes to the order-events topic
  | 'paymentProvider' // calls the payment provider (its secret when real)
  | 'carrierProvider' // calls the carrier (its secret when real)
  | 'webhookSecret' // verifies carrier webhooks
  | 'trackingLinks'; // checks the token of customer tracking links

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  /** `apiKey`: storefront or ops key; `none`: open (health) or HMAC-checked in the handler (webhooks). */
  auth: 'apiKey' | 'none';
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
   * Business errors the step throws on purpose (functions/shared/errors.ts); each has its own branch in the ASL,
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
    description: 'Order intake, views and lists, shipment handover, cancellations, returns, store credit',
    tables: { Orders: 'readWrite', Inventory: 'readWrite' },
    capabilities: ['startExecution', 'sendTaskResult', 'carrierProvider'],
    routes: [
      { method: 'POST', path: '/orders', auth: 'apiKey' },
      { method: 'GET', path: '/orders', auth: 'apiKey' },
      { method: 'GET', path: '/orders/{orderId}', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/ship', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/cancel', auth: 'apiKey' },
      { method: 'POST', path: '/orders/{orderId}/returns', auth: 'apiKey' },
      { method: 'POST', path: '/store-credit/lookup', auth: 'apiKey' },
    ],
  },
  {
    id: 'InventoryApi',
    entry: 'functions/inventory-api/handler.ts',
    description: 'Stock levels per SKU (ops)',
    tables: { Inventory: 'readWrite' },
    capabilities: [],
    routes: [
      { method: 'GET', path: '/inventory/{sku}', auth: 'apiKey' },
      { method: 'PUT', path: '/inventory/{sku}', auth: 'apiKey' },
    ],
  },
  {
    id: 'CarrierWebhook',
    entry: 'functions/carrier-webhook/handler.ts',
    description: 'Carrier tracking webhooks: verify, record, resume the waiting workflow',
    tables: { Orders: 'readWrite' },
    capabilities: ['sendTaskResult', 'opsAlerts', 'webhookSecret'],
    routes: [{ method: 'POST', path: '/webhooks/carrier/{provider}', auth: 'none' }],
  },
  {
    id: 'TrackingPage',
    entry: 'functions/tracking-page/handler.ts',
    description: "The customer's tracking page, opened from the link in every customer message",
    tables: { Orders: 'read' },
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
  // Workflow steps
  step(
    'ValidateOrder',
    'validate-order',
    'Deep validation of a received order',
    { Orders: 'readWrite', Inventory: 'read' },
    [],
    ['OrderInvalidError', 'OrderCancelledError'],
  ),
  step(
    'AssessRisk',
    'assess-risk',
    'Explainable rule-based risk score',
    { Orders: 'readWrite' },
    [],
    ['FraudSuspectedError', 'OrderCancelledError'],
  ),
  step(
    'ReserveStock',
    'reserve-stock',
    'Reserves stock for every line',
    { Orders: 'read', Inventory: 'readWrite' },
    [],
    ['OutOfStockError', 'OrderCancelledError'],
  ),
  step('ReleaseStock', 'release-stock', 'Releases reserved stock (compensation)', {
    Orders: 'read',
    Inventory: 'readWrite',
  }),
  step(
    'AuthorizePayment',
    'authorize-payment',
    'Authorizes the payment (capture later)',
    { Orders: 'readWrite' },
    ['paymentProvider'],
    ['PaymentDeclinedError', 'OrderCancelledError'],
  ),
  step(
    'ReauthorizePayment',
    'reauthorize-payment',
    'Renews an authorization about to lapse',
    { Orders: 'readWrite' },
    ['paymentProvider'],
    ['AuthorizationExpiredError'],
  ),
  step(
    'VoidAuthorization',
    'void-authorization',
    'Voids an uncaptured authorization (compensation)',
    { Orders: 'readWrite' },
    ['paymentProvider'],
  ),
  step(
    'ConfirmOrder',
    'confirm-order',
    'Confirms the order and tells the customer',
    { Orders: 'readWrite' },
    ['sendEmail', 'sendSms', 'orderEvents'],
    ['OrderCancelledError'],
  ),
  step(
    'BuyLabel',
    'buy-label',
    'Buys the carrier label',
    { Orders: 'readWrite' },
    ['carrierProvider', 'orderEvents'],
    ['AddressUndeliverableError', 'OrderCancelledError'],
  ),
  step('VoidLabel', 'void-label', 'Voids an unused label (compensation)', { Orders: 'readWrite' }, [
    'carrierProvider',
  ]),
  step(
    'AwaitShipment',
    'await-shipment',
    'Waits (task token) for the parcel to ship: the ship call or the first carrier scan',
    { Orders: 'readWrite' },
    ['sendTaskResult'],
  ),
  step(
    'CapturePayment',
    'capture-payment',
    'Captures the payment once the parcel ships, commits stock, sends the shipping notice',
    { Orders: 'readWrite', Inventory: 'readWrite' },
    ['paymentProvider', 'sendEmail', 'sendSms', 'orderEvents'],
    ['CaptureFailedError'],
  ),
  step(
    'TrackDelivery',
    'track-delivery',
    'Waits (task token) for delivery milestones; applies them with their notices, delays, failures and intercepts',
    { Orders: 'readWrite', Inventory: 'readWrite' },
    [
      'sendTaskResult',
      'startExecution',
      'paymentProvider',
      'carrierProvider',
      'sendEmail',
      'sendSms',
      'opsAlerts',
      'orderEvents',
    ],
  ),
  step(
    'TrackReturn',
    'track-return',
    'Waits (task token) for a return parcel; refunds or credits and restocks when it is back',
    { Orders: 'readWrite', Inventory: 'readWrite' },
    ['sendTaskResult', 'paymentProvider', 'sendEmail', 'sendSms', 'orderEvents'],
  ),
  step(
    'CloseOrder',
    'close-order',
    'Ends an order that will not be fulfilled: rejected, cancelled or failed, with its notice or alert',
    { Orders: 'readWrite' },
    ['sendEmail', 'sendSms', 'opsAlerts', 'orderEvents'],
  ),
];

/** The ASL placeholder a function is referred to by. */
export const arnPlaceholder = (spec: FunctionSpec): string => `${spec.id}FunctionArn`;
