// Order intake and reads for storefronts (and operators). Intake is idempotent: the order id is derived from the
// storefront and its idempotency key (externalId, else the Idempotency-Key header), and the order item itself is
// the idempotency record, written once with a condition. The order is stored before the answer is sent.
import { randomUUID } from 'node:crypto';
import type { CarrierDeps, CoreDeps, RiskFingerprintDeps, WorkflowDeps } from '../runtime/deps';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Principal } from '../runtime/http';
import { assertCancellable, withCancellationRequest } from '../domain/cancellation';
import { shipEventKey, withShipEvent } from '../domain/inbox';
import { recordOrderReceived } from '../runtime/metrics';
import {
  finalStatuses,
  indexBucketOf,
  toOrderView,
  withTimeline,
  type CancellationRequester,
  type OrderRecord,
  type OrderView,
} from '../domain/order';
import type {
  CancelRequest,
  CreateOrderRequest,
  KpisQuery,
  ListOrdersQuery,
  OrderStatus,
} from '../domain/requests';
import {
  createOrder,
  findOrderIdByTracking,
  getOrder,
  kpiRecords,
  listOrders,
} from '../adapters/order-store';
import { checkRange, computeKpis, kpiWindow, type KpiReport } from '../domain/kpis';
import { storefrontIds } from '../runtime/config';
import { recordAndWake } from '../services/record-and-wake';
import { customerHash, keyedHash, sha256Hex } from '../domain/hash';
import { withReviewDecision } from '../domain/review';
import type { ReviewRequest } from '../domain/requests';

/** The parts the orders API uses: starting and waking workflows, return labels, risk fingerprints. */
export type OrdersApiDeps = CoreDeps & WorkflowDeps & CarrierDeps & RiskFingerprintDeps;

/** JSON with sorted keys: the same order always hashes the same, however its keys were ordered. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** Order ids: `ord_` + 24 hex chars of a hash of storefront and idempotency key (random without a key). */
export const orderIdFor = (storefrontId: string, idempotencyKey: string | undefined): string =>
  `ord_${sha256Hex(`${storefrontId}\u0000${idempotencyKey ?? randomUUID()}`).slice(0, 24)}`;

export interface IntakeResult {
  created: boolean;
  view: OrderView;
}

/** The keyed hashes the risk velocity rules count by (never the IP or the payment token themselves). */
export interface RiskFingerprints {
  paymentFingerprint?: string | undefined;
  sourceIpHash?: string | undefined;
}

/** The keyed hashes of the request's payment method and, when the gateway gives one, its source IP. */
export const riskFingerprints = (
  key: string,
  request: CreateOrderRequest,
  sourceIp: string | undefined,
): RiskFingerprints => ({
  paymentFingerprint: keyedHash(key, 'payment', `${request.payment.provider}:${request.payment.token}`),
  sourceIpHash: sourceIp ? keyedHash(key, 'source-ip', sourceIp) : undefined,
});

export const newOrderRecord = (
  storefrontId: string,
  orderId: string,
  request: CreateOrderRequest,
  requestHash: string,
  at: string,
  fingerprints: RiskFingerprints = {},
): OrderRecord => ({
  ...{ pk: `ORDER#${orderId}`, sk: 'ORDER' as const },
  orderId,
  storefrontId,
  externalId: request.externalId,
  requestHash,
  createdAt: at,
  updatedAt: at,
  createdKey: `${at}#${orderId}`,
  customerKey: `${storefrontId}#${customerHash(request.customer.email)}`,
  receivedBucket: indexBucketOf(orderId),
  ...(fingerprints.paymentFingerprint ? { paymentFingerprint: fingerprints.paymentFingerprint } : {}),
  ...(fingerprints.sourceIpHash ? { sourceIpHash: fingerprints.sourceIpHash } : {}),
  status: 'RECEIVED',
  version: 1,
  customer: request.customer,
  shippingAddress: request.shippingAddress,
  billingAddress: request.billingAddress,
  items: request.items,
  currency: request.currency,
  shippingService: request.shipping.service,
  shippingAmount: request.shipping.amount,
  tax: request.tax,
  total: request.total,
  paymentToken: request.payment.token,
  payment: {
    provider: request.payment.provider,
    status: 'PENDING',
    authorizedAmount: 0,
    capturedAmount: 0,
    refundedAmount: 0,
  },
  timeline: [{ at, type: 'ORDER_RECEIVED', detail: {} }],
  notices: {},
  inbox: {},
});

export const submitOrder = async (
  deps: OrdersApiDeps,
  storefrontId: string,
  request: CreateOrderRequest,
  idempotencyKeyHeader: string | undefined,
  sourceIp?: string,
): Promise<IntakeResult> => {
  const key = request.externalId ?? idempotencyKeyHeader;
  const orderId = orderIdFor(storefrontId, key);
  const requestHash = sha256Hex(canonicalJson(request));
  const at = deps.now().toISOString();
  const fingerprints = riskFingerprints(await deps.riskHashKey(), request, sourceIp);
  const record = newOrderRecord(storefrontId, orderId, request, requestHash, at, fingerprints);
  if (await createOrder(deps.db, record)) {
    recordOrderReceived();
    await deps.workflow.start(orderId);
    return { created: true, view: toOrderView(record) };
  }
  const existing = await getOrder(deps.db, orderId);
  if (!existing) throw new Error(`order ${orderId} vanished after a conflicting write`);
  if (existing.requestHash !== requestHash) {
    throw new ConflictError(
      'IDEMPOTENCY_CONFLICT',
      `an order with this ${request.externalId ? 'externalId' : 'Idempotency-Key'} exists with a different body`,
    );
  }
  // The first attempt may have stored the order and died before starting its workflow: start it now. The
  // execution is named after the order, so this never starts a second one.
  if (existing.status === 'RECEIVED') await deps.workflow.start(orderId);
  return { created: false, view: toOrderView(existing) };
};

/** The order if the caller may see it; another storefront's order is indistinguishable from a missing one. */
export const visibleOrder = async (
  deps: OrdersApiDeps,
  principal: Principal,
  orderId: string,
): Promise<OrderRecord> => {
  const order = await getOrder(deps.db, orderId);
  if (!order || (principal.role !== 'ops' && order.storefrontId !== principal.id)) {
    throw new NotFoundError(`order ${orderId} not found`);
  }
  return order;
};

/** What `GET /orders` filters by, once the storefront is settled. */
export type OrderListFilters = Omit<ListOrdersQuery, 'storefrontId'>;

/**
 * One page of orders, newest first: of `storefrontId`, or of every storefront when it is undefined (operators only;
 * the storefront comes from the caller's key, never from a storefront's query). `q` finds an order by its id,
 * external id or tracking number; `email` lists a customer's orders; the other filters narrow either.
 */
export const findOrders = async (
  deps: OrdersApiDeps,
  storefrontId: string | undefined,
  filters: OrderListFilters,
): Promise<{ orders: OrderView[]; nextCursor: string | null }> => {
  checkRange(filters);
  if (filters.q !== undefined) {
    const found = await searchOrders(deps, storefrontId, filters.q);
    const orders = found.filter((order) => matchesFilters(order, filters)).slice(0, filters.limit);
    return { orders: orders.map(toOrderView), nextCursor: null };
  }
  const { email, status, from, to, limit, cursor } = filters;
  // A customer's orders are keyed by storefront and email hash: one partition per storefront searched.
  const searched = storefrontId ? [storefrontId] : storefrontIds(deps.config);
  const customerKeys = email ? searched.map((id) => `${id}#${customerHash(email)}`) : undefined;
  const page = await listOrders(deps.db, {
    storefrontId,
    customerKeys,
    statuses: status,
    from,
    to,
    limit,
    cursor,
  });
  return { orders: page.orders.map(toOrderView), nextCursor: page.nextCursor };
};

/**
 * The orders `q` names, newest first: the order of that id, the order of that tracking number (outbound or return
 * parcel), and the order each storefront searched took with that external id (its id derives from storefront and
 * external id). Only orders of `storefrontId`, when given.
 */
const searchOrders = async (
  deps: OrdersApiDeps,
  storefrontId: string | undefined,
  q: string,
): Promise<OrderRecord[]> => {
  const searched = storefrontId ? [storefrontId] : storefrontIds(deps.config);
  const byExternalId = searched.map(async (id) => {
    const order = await getOrder(deps.db, orderIdFor(id, q));
    return order?.externalId === q ? order : undefined;
  });
  const byTracking = findOrderIdByTracking(deps.db, q).then((id) =>
    id === undefined ? undefined : getOrder(deps.db, id),
  );
  const found = await Promise.all([getOrder(deps.db, q), byTracking, ...byExternalId]);
  const unique = new Map<string, OrderRecord>();
  for (const order of found) {
    if (order && (!storefrontId || order.storefrontId === storefrontId)) unique.set(order.orderId, order);
  }
  return [...unique.values()].sort((a, b) => (a.createdKey < b.createdKey ? 1 : -1));
};

/** Whether an order found by `q` passes the listing's other filters. */
const matchesFilters = (order: OrderRecord, filters: OrderListFilters): boolean =>
  (!filters.status || filters.status.includes(order.status)) &&
  (!filters.from || order.createdAt >= filters.from) &&
  (!filters.to || order.createdAt < filters.to) &&
  (!filters.email || customerHash(order.customer.email) === customerHash(filters.email));

/** The KPIs of the orders created in the requested window (ops), of one storefront or all. */
export const reportKpis = async (deps: OrdersApiDeps, query: KpisQuery): Promise<KpiReport> => {
  const window = kpiWindow(query, deps.now());
  const records = await kpiRecords(deps.db, { ...window, storefrontId: query.storefrontId });
  return computeKpis(records, window);
};

/** Before the label exists the handover is recorded and applied once the workflow waits for it. */
const notShippable: ReadonlySet<OrderStatus> = new Set([
  // Held for an operator's review: nothing leaves before the order is approved.
  'IN_REVIEW',
  'REJECTED',
  'CANCELLED',
  'FAILED',
  'RETURNED',
  'DELIVERY_FAILED',
  // The customer cancelled before the parcel left; the workflow is undoing label, payment and stock.
  'CANCELLATION_REQUESTED',
]);

const cannotShip = (order: OrderRecord): ConflictError =>
  new ConflictError('NOT_SHIPPABLE', `order ${order.orderId} is ${order.status} and cannot ship`);

/**
 * The warehouse handed the parcel to the carrier. Records the event in the order's inbox (once) and resumes the
 * workflow if it is waiting for it. Returns whether this call changed anything. Whether the order may ship is
 * decided on the order as the write finds it: a cancellation recorded first makes this `409 NOT_SHIPPABLE`.
 */
export const markShipped = async (
  deps: OrdersApiDeps,
  order: OrderRecord,
): Promise<{ accepted: boolean; view: OrderView }> => {
  if (notShippable.has(order.status)) throw cannotShip(order);
  const at = deps.now().toISOString();
  const { order: stored, changed } = await recordAndWake(deps, order.orderId, (current) => {
    if (current.shipment?.shippedAt || shipEventKey in current.inbox) return undefined;
    if (notShippable.has(current.status) || finalStatuses.has(current.status)) throw cannotShip(current);
    const next = withShipEvent(current, at);
    return next && withTimeline(next, at, 'SHIP_REQUESTED');
  });
  return { accepted: changed, view: toOrderView(stored) };
};

/**
 * Records a cancellation (once; a repeated request changes nothing) and wakes the workflow if it waits. What the
 * request does to the order, before and after shipment, is cancellation.ts `withCancellationRequest`.
 */
export const requestCancellation = async (
  deps: OrdersApiDeps,
  order: OrderRecord,
  request: CancelRequest,
  by: CancellationRequester,
): Promise<OrderView> => {
  assertCancellable(order);
  const at = deps.now().toISOString();
  const { order: stored } = await recordAndWake(deps, order.orderId, (current) =>
    withCancellationRequest(current, request, at, by),
  );
  return toOrderView(stored);
};

/**
 * An operator's decision on an order held for review. Recorded once in the order's inbox, where the parked review
 * finds it or is woken by it (review.ts `withReviewDecision` decides what the request may do).
 */
export const reviewOrder = async (
  deps: OrdersApiDeps,
  order: OrderRecord,
  request: ReviewRequest,
): Promise<{ changed: boolean; view: OrderView }> => {
  const at = deps.now().toISOString();
  withReviewDecision(order, request, at);
  const { order: stored, changed } = await recordAndWake(deps, order.orderId, (current) =>
    withReviewDecision(current, request, at),
  );
  return { changed, view: toOrderView(stored) };
};
