// Returns: what may still be returned, what it refunds, and opening one (return label, stock expectation, record,
// return workflow). Used by the returns API and by the delivery step when a cancelled parcel was delivered anyway.
//
// Refund policy (docs/returns.md): returned items at the price paid, plus their share of the tax (pro rata to
// item value; the last return gets exactly the tax left); shipping only when the return comes from a
// cancellation. Whatever the sum, a return never refunds more than is left of the capture after earlier and open
// returns.
import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from './deps';
import { HttpError } from './errors';
import { expectReturn } from './inventory';
import { withTimeline, type OrderRecord, type ReturnLine, type ReturnRecord } from './model';
import { mutateOrder, requireOrder } from './store';
import { addDays } from './time';
import { wakeSignal } from './workflow';

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
  const itemsTotal = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
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
    : itemsTotal > 0
      ? Math.round((order.tax * value) / itemsTotal)
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

const notReturnable = (message: string) => new HttpError(409, 'NOT_RETURNABLE', message);

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
      throw new HttpError(400, 'VALIDATION_FAILED', 'a returned item is not part of the order', [
        { path: `items.${i}.sku`, message: `${line.sku} is not in this order` },
      ]);
    }
    const left = remaining.find((r) => r.sku === line.sku)?.quantity ?? 0;
    if (line.quantity > left) throw notReturnable(`only ${left} of ${line.sku} can still be returned`);
    return line;
  });
};

export const returnIdFor = (order: OrderRecord, key: string | undefined): string =>
  `ret_${createHash('sha256')
    .update(
      `${order.orderId}\u0000${key === undefined ? `count:${(order.returns ?? []).length}` : `key:${key}`}`,
    )
    .digest('hex')
    .slice(0, 20)}`;

/**
 * Opens a return: buys the label, tells inventory to expect the items, records the return with the order and
 * starts its workflow. Every part is idempotent by the return id, so a retry completes what a crash interrupted.
 */
export const openReturn = async (
  deps: Deps,
  orderId: string,
  request: OpenReturnRequest,
): Promise<ReturnRecord> => {
  const order = await requireOrder(deps.db, orderId);
  const now = deps.now();
  const returnId = returnIdFor(order, request.idempotencyKey);
  const existing = order.returns?.find((r) => r.returnId === returnId);
  if (existing) {
    await startReturnWorkflow(deps, order, existing, now);
    return existing;
  }
  const policy = {
    returnWindowDays: deps.config.durations.returnWindowDays,
    daySeconds: deps.config.daySeconds,
  };
  const lines = checkReturn(order, request, now, policy);
  const includesShipping = request.automatic === true;
  const quote = quoteRefund(order, lines, includesShipping);
  const label = await deps.carrier.returnLabel({
    orderId,
    returnId,
    from: { ...order.shippingAddress, name: order.customer.name },
    weightGrams: lines.reduce((sum, line) => sum + line.quantity * 500, 0),
    idempotencyKey: `return-label:${returnId}`,
  });
  for (const line of lines) await expectReturn(deps.db, returnId, line.sku);
  // The return parcel's tracking number must lead webhooks to this order (byTracking index).
  await deps.db.doc.send(
    new PutCommand({
      TableName: deps.db.tables.orders,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: `RETURN#${returnId}`,
        orderId,
        returnId,
        trackingNumber: label.trackingNumber,
      },
    }),
  );
  const at = now.toISOString();
  const record: ReturnRecord = {
    returnId,
    status: 'label_created',
    reason: request.reason,
    items: lines,
    refundTo: request.refundTo,
    refundAmount: quote.amount,
    taxAmount: quote.taxAmount,
    includesShipping,
    automatic: request.automatic === true,
    shipmentId: label.shipmentId,
    trackingNumber: label.trackingNumber,
    labelUrl: label.labelUrl,
    trackingStatus: 'label_created',
    createdAt: at,
    expiresAt: addDays(now, deps.config.durations.returnWindowDays, deps.config.daySeconds),
  };
  const { order: stored } = await mutateOrder(
    deps.db,
    orderId,
    (current) => {
      if (current.returns?.some((r) => r.returnId === returnId))
        return { next: undefined, result: undefined };
      // Checked again against the latest order: a concurrent return may have taken the same items.
      checkReturn(current, request, now, policy);
      const next = withTimeline(
        {
          ...current,
          status: 'RETURN_REQUESTED',
          returns: [...(current.returns ?? []), record],
          cancellation:
            request.automatic && current.cancellation
              ? { ...current.cancellation, stage: 'return_opened' }
              : current.cancellation,
        },
        at,
        'RETURN_REQUESTED',
        { returnId, items: lines.reduce((sum, line) => sum + line.quantity, 0), automatic: record.automatic },
      );
      return { next, result: undefined };
    },
    deps.now,
  );
  const opened = stored.returns?.find((r) => r.returnId === returnId) ?? record;
  await startReturnWorkflow(deps, stored, opened, now);
  return opened;
};

const startReturnWorkflow = (deps: Deps, order: OrderRecord, ret: ReturnRecord, now: Date): Promise<void> =>
  deps.workflow.startReturn({
    orderId: order.orderId,
    returnId: ret.returnId,
    flow: wakeSignal('wait', ret.expiresAt, now),
  });
