// DynamoDB table definitions: the single source for the CDK stack and for the local engine's table creation,
// so the two cannot drift. See docs/data-model.md for the items and access patterns.

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexSpec {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /**
   * The non-key attributes the index holds besides the table's and its own keys (projection `INCLUDE`); absent, it
   * holds whole items (`ALL`). A narrow projection is written only when one of these attributes or a key changes.
   * Every attribute its readers in functions/adapters/ project or filter on must be here: a query of an attribute
   * an index does not hold gets nothing back, silently (test/unit/adapters/index-projections.test.ts).
   */
  include?: readonly string[];
}

export interface TableSpec {
  /** Logical id in the stack and environment variable suffix (`ORDERS_TABLE`). */
  id: 'Orders' | 'Inventory';
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes: IndexSpec[];
  timeToLiveAttribute?: string;
  /** The table's stream: every write of an item, with its image before and after (DynamoDB Streams). */
  stream?: 'NEW_AND_OLD_IMAGES';
}

/**
 * Orders: one partition per order (`ORDER#<id>`), holding the order item and nothing else on the hot path; plus
 * sandbox-provider records (`SANDBOX#...`) and operator records (`UNMATCHED#...`).
 */
export const ordersTable: TableSpec = {
  id: 'Orders',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    // A storefront's orders, newest first.
    {
      indexName: 'byStorefront',
      partitionKey: { name: 'storefrontId', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
    },
    // Webhooks find the order of a tracking number (outbound and return parcels): the order id, and the return's
    // id for a return parcel (its `RETURN#` item).
    {
      indexName: 'byTracking',
      partitionKey: { name: 'trackingNumber', type: 'S' },
      include: ['orderId', 'returnId'],
    },
    // Orders still RECEIVED, oldest first, spread over a few buckets (sparse: the key is removed when the order
    // leaves RECEIVED). The intake sweep starts the workflow of any order found there for over a minute, by its id.
    {
      indexName: 'receivedOrders',
      partitionKey: { name: 'receivedBucket', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      include: ['orderId'],
    },
    // Orders with a parcel with the carrier (outbound, or a return on its way back), by when their last carrier
    // event was received, over the same buckets (sparse: the keys exist only while a parcel is in flight). Parcel
    // reconciliation asks the carrier about parcels found silent there for longer than the stage's interval, and
    // reads those orders by id.
    {
      indexName: 'parcelsInFlight',
      partitionKey: { name: 'parcelBucket', type: 'S' },
      sortKey: { name: 'lastCarrierEventAt', type: 'S' },
      include: ['orderId'],
    },
    // Every order by creation time, over the same buckets, holding only what the KPIs and the operators' list filter
    // on (no PII): `GET /kpis` reads a window of it, the ops list across storefronts pages through it newest first.
    // `creationBucket` and `kpi` are derived in every put of the order item, so the index costs no write of its own.
    {
      indexName: 'byCreation',
      partitionKey: { name: 'creationBucket', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      include: ['orderId', 'storefrontId', 'createdAt', 'status', 'kpi'],
    },
    // Payment webhooks find the order of a payment (PaymentIntent) id. Sparse: `currentPaymentId` is derived from
    // the order's payment in every put of the order item (no write of its own), present once a payment is
    // authorized and replaced by a renewal's new id; only the order id is projected.
    {
      indexName: 'byPayment',
      partitionKey: { name: 'currentPaymentId', type: 'S' },
      include: ['orderId'],
    },
    // Risk velocity: a customer's (hashed email) recent orders within a storefront.
    {
      indexName: 'byCustomer',
      partitionKey: { name: 'customerKey', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    },
    // Risk velocity: recent orders paid with one payment method, and recent orders from one source IP. Both keys
    // are keyed hashes (never the card token or the IP), and sparse: an order without them is not in the index.
    // The rules count the distinct customers among them, so only the customer key is projected.
    {
      indexName: 'byPaymentMethod',
      partitionKey: { name: 'paymentFingerprint', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      include: ['customerKey'],
    },
    {
      indexName: 'bySourceIp',
      partitionKey: { name: 'sourceIpHash', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      include: ['customerKey'],
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  // The order-events publisher reads it (functions/publish-order-events/): a status change is published from the
  // committed write itself.
  stream: 'NEW_AND_OLD_IMAGES',
};

/** Inventory: one item per SKU with `available`, `reserved` and the set of orders holding a reservation. */
export const inventoryTable: TableSpec = {
  id: 'Inventory',
  partitionKey: { name: 'sku', type: 'S' },
  globalSecondaryIndexes: [],
};

export const tableSpecs: readonly TableSpec[] = [ordersTable, inventoryTable];
