// Returns: what may still be returned, what it refunds, and how a return is identified. Opening one (label, stock
// expectation, record, workflow) is functions/services/open-return.ts.
//
// Refund policy (docs/returns.md): returned items at the price paid, plus their share of the tax (pro rata to
// item value; the last return gets exactly the tax left); shipping only when the return comes from a
// cancellation. Whatever the sum, a return never refunds more than is left of the capture after earlier and open
// returns.
import { sha256Hex } from './hash';
import { ConflictError, InvalidRequestError } from './errors';
import type { OrderRecord, ReturnLine, ReturnRecord } from './order';
import { itemsTotal } from './requests';
import { addDays } from './time';

export const openReturnStatuses: ReadonlySet<ReturnRecord['status']> = new Set([
  'label_created',
  'in_transit',
]);

/** Quantities per SKU already on their way back or refunded (expired returns give theirs back). */
export const returnedQuantities = (order: OrderRecord): Map<string, number> => {
  const returned = new Map<string, number>();
  for (const ret of order.returns ?? []) {
    if (ret.status === 'expired') continue;
    for (const line of ret.items) returned.set(line.sku, (returned.get(line.sku) ?? 0) + line.quantity);
  }
  return returned;
};

/** What is left to return, per SKU. */
export const returnableLines = (order: OrderRecord): ReturnLine[] => {
  const returned = returnedQuantities(order);
  return order.items
    .map((item) => ({ sku: item.sku, quantity: item.quantity - (returned.get(item.sku) ?? 0) }))
    .filter((line) => line.quantity > 0);
};

/** Money still refundable: captured, less refunds and credits given, less what open returns will refund. */
export const refundableAmount = (order: OrderRecord): number => {
  const { capturedAmount, refundedAmount, creditedAmount = 0 } = order.payment;
  const pending = (order.returns ?? [])
    .filter((r) => openReturnStatuses.has(r.status))
    .reduce((sum, r) => sum + r.refundAmount, 0);
  return Math.max(0, capturedAmount - refundedAmount - creditedAmount - pending);
};

export interface RefundQuote {
  amount: number;
  taxAmount: number;
}

/** The refund for returning `lines` (see the policy at the top of this file). */
export const quoteRefund = (
  order: OrderRecord,
  lines: ReturnLine[],
  includeShipping: boolean,
): RefundQuote => {
  const price = new Map(order.items.map((item) => [item.sku, item.unitPrice]));
  const orderedValue = itemsTotal(order.items);
  const value = lines.reduce((sum, line) => sum + (price.get(line.sku) ?? 0) * line.quantity, 0);
  const taxGiven = (order.returns ?? [])
    .filter((r) => r.status !== 'expired')
    .reduce((sum, r) => sum + r.taxAmount, 0);
  const remaining = returnableLines(order);
  const isLast =
    remaining.length === lines.length &&
    remaining.every((left) => lines.some((line) => line.sku === left.sku && line.quantity === left.quantity));
  const taxAmount = isLast
    ? order.tax - taxGiven
    : orderedValue > 0
      ? Math.round((order.tax * value) / orderedValue)
      : 0;
  const amount = value + taxAmount + (includeShipping ? order.shippingAmount : 0);
  const cap = refundableAmount(order);
  return { amount: Math.min(amount, cap), taxAmount: Math.min(taxAmount, cap) };
};

export interface OpenReturnRequest {
  reason: string;
  items?: ReturnLine[] | undefined;
  refundTo: ReturnRecord['refundTo'];
  idempotencyKey?: string | undefined;
  /** Opened by the system for a cancelled parcel delivered anyway: no window, shipping refunded. */
  automatic?: boolean;
}

const notReturnable = (message: string) => new ConflictError('NOT_RETURNABLE', message);

export interface ReturnPolicy {
  returnWindowDays: number;
  daySeconds: number;
}

/** Checks a return against the order as it is; returns the lines to return. */
export const checkReturn = (
  order: OrderRecord,
  request: OpenReturnRequest,
  now: Date,
  policy: ReturnPolicy,
): ReturnLine[] => {
  if (!request.automatic) {
    if (order.status !== 'DELIVERED' && order.status !== 'RETURN_REQUESTED') {
      throw notReturnable(`order ${order.orderId} is ${order.status}; only delivered orders can be returned`);
    }
    const deliveredAt = order.shipment?.deliveredAt ?? order.updatedAt;
    if (now.toISOString() > addDays(deliveredAt, policy.returnWindowDays, policy.daySeconds)) {
      throw notReturnable(`the return window of ${policy.returnWindowDays} days after delivery has closed`);
    }
  }
  const remaining = returnableLines(order);
  if (remaining.length === 0) throw notReturnable('every item of this order is already returned');
  if (!request.items) return remaining;
  return request.items.map((line, i) => {
    if (!order.items.some((item) => item.sku === line.sku)) {
      throw new InvalidRequestError('a returned item is not part of the order', [
        { path: `items.${i}.sku`, message: `${line.sku} is not in this order` },
      ]);
    }
    const left = remaining.find((r) => r.sku === line.sku)?.quantity ?? 0;
    if (line.quantity > left) throw notReturnable(`only ${left} of ${line.sku} can still be returned`);
    return line;
  });
};

/**
 * What a return request asks for, as one string: its idempotency key, else its exact items (or "all") and where
 * the refund goes. A return is identified by it, so a request is never answered with a return of other items.
 */
export const returnRequestSignature = (request: OpenReturnRequest): string => {
  const lines = request.items
    ? [...request.items]
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
        .map((line) => `${line.sku}*${line.quantity}`)
        .join(',')
    : 'all';
  return `items:${lines};refundTo:${request.refundTo}`;
};

/**
 * The id of the return a request opens. With an idempotency key: the key's. Without: its signature's, counting the
 * returns of the same signature that already ended (refunded or expired), so that asking again for the same items
 * while their return is open is a retry, and asking again once it ended opens a new return.
 */
export const returnIdFor = (order: OrderRecord, request: OpenReturnRequest): string => {
  const signature = returnRequestSignature(request);
  const identity =
    request.idempotencyKey === undefined
      ? `${signature};ended:${(order.returns ?? []).filter((r) => r.requestSignature === signature && !openReturnStatuses.has(r.status)).length}`
      : `key:${request.idempotencyKey}`;
  return `ret_${sha256Hex(`${order.orderId}\u0000${identity}`).slice(0, 20)}`;
};

/** The return of `returnId` if the order has it; a return of the same key but another request is a conflict. */
export const sameReturn = (
  order: OrderRecord,
  returnId: string,
  request: OpenReturnRequest,
): ReturnRecord | undefined => {
  const existing = order.returns?.find((r) => r.returnId === returnId);
  if (
    existing?.requestSignature !== undefined &&
    existing.requestSignature !== returnRequestSignature(request)
  ) {
    throw new ConflictError(
      'IDEMPOTENCY_CONFLICT',
      'a return with this Idempotency-Key exists for other items or another refund destination',
    );
  }
  return existing;
};
