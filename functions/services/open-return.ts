// Opens a return: buys the return label, tells inventory to expect the items, records the return with the order
// and starts its workflow. Used by the returns API and by the delivery step when a cancelled parcel was delivered
// anyway. What may be returned and what it refunds is the domain's (functions/domain/returns.ts).
import type { CarrierDeps, CoreDeps, WorkflowDeps } from '../runtime/deps';
import { cancellationAfterReturn } from '../domain/cancellation';
import { ConflictError, InvalidRequestError } from '../domain/errors';
import { withTimeline, type OrderRecord, type ReturnLine, type ReturnRecord } from '../domain/order';
import { parcelWeightGrams } from '../domain/parcel';
import {
  checkReturn,
  quoteRefund,
  returnIdFor,
  returnRequestSignature,
  sameReturn,
  type OpenReturnRequest,
} from '../domain/returns';
import { addDays } from '../domain/time';
import { wakeSignal } from '../domain/waits';
import { abandonReturn, expectReturn } from '../adapters/inventory-store';
import { mutateOrder, putReturnTracking, requireOrder } from '../adapters/order-store';
import { recordOrderChange } from '../runtime/metrics';

/** The parts opening a return uses: the return label, the return workflow. */
type OpenReturnDeps = CoreDeps & CarrierDeps & WorkflowDeps;

/**
 * Opens a return: buys the label, tells inventory to expect the items, records the return with the order and
 * starts its workflow. Every part is idempotent by the return id, so a retry completes what a crash interrupted.
 * Whether the return is accepted is decided by the conditional write that records it, against the order as it
 * then is: a concurrent return that took the items first makes this one `409 NOT_RETURNABLE`, and its label and
 * stock expectation are given back.
 */
export const openReturn = async (
  deps: OpenReturnDeps,
  orderId: string,
  request: OpenReturnRequest,
): Promise<ReturnRecord> => {
  const order = await requireOrder(deps.db, orderId);
  const now = deps.now();
  const returnId = returnIdFor(order, request);
  const existing = sameReturn(order, returnId, request);
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
  const label = await deps.carrier.returnLabel({
    orderId,
    returnId,
    from: { ...order.shippingAddress, name: order.customer.name },
    weightGrams: parcelWeightGrams(lines),
    idempotencyKey: `return-label:${returnId}`,
  });
  for (const line of lines) await expectReturn(deps.db, returnId, line.sku);
  await putReturnTracking(deps.db, orderId, returnId, label.trackingNumber);
  const at = now.toISOString();
  const recordFor = (current: OrderRecord): ReturnRecord => {
    // Quoted against the latest order: a return recorded meanwhile lowers what is left to refund.
    const quote = quoteRefund(current, lines, includesShipping);
    return {
      returnId,
      status: 'label_created',
      reason: request.reason,
      items: lines,
      requestSignature: returnRequestSignature(request),
      refundTo: request.refundTo,
      refundAmount: quote.amount,
      taxAmount: quote.taxAmount,
      includesShipping,
      automatic: request.automatic === true,
      shipmentId: label.shipmentId,
      trackingNumber: label.trackingNumber,
      ...(label.trackerId ? { trackerId: label.trackerId } : {}),
      labelUrl: label.labelUrl,
      trackingStatus: 'label_created',
      createdAt: at,
      expiresAt: addDays(now, deps.config.durations.returnWindowDays, deps.config.daySeconds),
    };
  };
  let stored: OrderRecord;
  try {
    ({ order: stored } = await mutateOrder(
      deps.db,
      orderId,
      (current) => {
        if (sameReturn(current, returnId, request)) return { next: undefined, result: undefined };
        // Checked again against the latest order: a concurrent return may have taken the same items.
        checkReturn(current, request, now, policy);
        const record = recordFor(current);
        const next = withTimeline(
          {
            ...current,
            status: 'RETURN_REQUESTED',
            returns: [...(current.returns ?? []), record],
            cancellation: cancellationAfterReturn(current, request),
          },
          at,
          'RETURN_REQUESTED',
          {
            returnId,
            items: lines.reduce((sum, line) => sum + line.quantity, 0),
            automatic: record.automatic,
          },
        );
        return { next, result: undefined };
      },
      deps.now,
      undefined,
      { afterWrite: (next, previous) => Promise.resolve(recordOrderChange(previous, next)) },
    ));
  } catch (error) {
    // Lost the race: this return is refused, so nothing it prepared may stay behind.
    if (error instanceof ConflictError || error instanceof InvalidRequestError)
      await abandonPreparedReturn(deps, returnId, label.shipmentId, lines);
    throw error;
  }
  const opened = stored.returns?.find((r) => r.returnId === returnId);
  if (!opened) throw new Error(`return ${returnId} of order ${orderId} vanished after it was recorded`);
  await startReturnWorkflow(deps, stored, opened, now);
  return opened;
};

/** Voids the label of a refused return and stops expecting its items (both idempotent). */
const abandonPreparedReturn = async (
  deps: OpenReturnDeps,
  returnId: string,
  shipmentId: string,
  lines: ReturnLine[],
): Promise<void> => {
  await deps.carrier.voidLabel({ shipmentId, idempotencyKey: `void-return-label:${returnId}` });
  for (const line of lines) await abandonReturn(deps.db, returnId, line.sku);
};

const startReturnWorkflow = (
  deps: OpenReturnDeps,
  order: OrderRecord,
  ret: ReturnRecord,
  now: Date,
): Promise<void> =>
  deps.workflow.startReturn({
    orderId: order.orderId,
    returnId: ret.returnId,
    flow: wakeSignal('wait', ret.expiresAt, now),
  });
