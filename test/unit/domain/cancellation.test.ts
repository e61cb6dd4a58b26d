// The cancellation rules: which orders can still be cancelled, what a request does before and after shipment, how
// a shipment wait ends when a ship trigger and a cancellation meet, the intercept (whether to ask, what the answer
// does, the parcel back at the sender), the automatic return of a parcel delivered anyway, and how CloseOrder ends
// an order whose cancellation won.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/domain/errors';
import {
  automaticReturnFor,
  cancelEventKey,
  cancellationAfterReturn,
  cancelOnError,
  completeIntercept,
  hasPendingCancel,
  honourCancellation,
  interceptQuestion,
  interceptStockKey,
  isIntercepting,
  pausesDelayNotices,
  shipmentWakeAction,
  withCancellationRequest,
  withInterceptAnswer,
} from '../../../functions/domain/cancellation';
import { withShipEvent } from '../../../functions/domain/inbox';
import type { OrderRecord } from '../../../functions/domain/order';
import type { CancelRequest, OrderStatus } from '../../../functions/domain/requests';
import {
  aCancellation,
  aDeliveredOrder,
  anOrder,
  aScan,
  aShipment,
  aShippedOrder,
  CANCEL_REQUESTED_AT,
  daysAfter,
  ORDER_ID,
  withCancelRequest,
  withScans,
} from '../helpers/orders';

const request: CancelRequest = { reason: 'changed_mind', comment: 'Found it cheaper elsewhere' };
const AT = daysAfter(CANCEL_REQUESTED_AT, 0.01);

/** The example order with a label, waiting for the warehouse to hand the parcel over. */
const aLabelledOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }), ...overrides });

/** The parcel in transit, with a cancellation the workflow has not acted on. */
const aCancelledOrderInTransit = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  withCancelRequest(
    aShippedOrder({ status: 'IN_TRANSIT', shipment: aShipment({ status: 'in_transit' }), ...overrides }),
  );

/** The order with the customer's request recorded, failing the test if it was not. */
const requested = (order: OrderRecord): OrderRecord => {
  const next = withCancellationRequest(order, request, CANCEL_REQUESTED_AT);
  if (!next) throw new Error('the cancellation was not recorded');
  return next;
};

describe('withCancellationRequest', () => {
  it("records an operator's request as the operator's", () => {
    const next = withCancellationRequest(aLabelledOrder(), request, CANCEL_REQUESTED_AT, 'operator');

    expect(next?.cancellation).toMatchObject({ reason: 'changed_mind', by: 'operator' });
  });

  it('makes an order that has not shipped CANCELLATION_REQUESTED, with the reason kept', () => {
    // Act
    const next = requested(aLabelledOrder());

    // Assess
    expect(next.status).toBe('CANCELLATION_REQUESTED');
    expect(next.cancellation).toEqual({
      reason: 'changed_mind',
      comment: 'Found it cheaper elsewhere',
      by: 'customer',
      requestedAt: CANCEL_REQUESTED_AT,
      stage: 'requested',
    });
    expect(hasPendingCancel(next)).toBe(true);
    expect(next.timeline.at(-1)).toEqual({
      at: CANCEL_REQUESTED_AT,
      type: 'CANCELLATION_REQUESTED',
      detail: { reason: 'changed_mind' },
    });
  });

  it('keeps the status of a parcel on its way: the workflow asks for an intercept', () => {
    // Act
    const next = requested(aShippedOrder({ status: 'IN_TRANSIT' }));

    // Assess
    expect(next.status).toBe('IN_TRANSIT');
    expect(next.cancellation?.stage).toBe('requested');
    expect(hasPendingCancel(next)).toBe(true);
  });

  it('treats an order whose ship call is already in as shipped', () => {
    // Prepare
    const shipping = withShipEvent(aLabelledOrder(), daysAfter(CANCEL_REQUESTED_AT, -0.1));
    if (!shipping) throw new Error('the ship call was not recorded');

    // Act
    const next = requested(shipping);

    // Assess
    expect(next.status).toBe('LABEL_CREATED');
  });

  it('changes nothing for a repeated request', () => {
    // Prepare
    const order = requested(aLabelledOrder());

    // Act
    const next = withCancellationRequest(order, { reason: 'other' }, daysAfter(CANCEL_REQUESTED_AT, 0.1));

    // Assess
    expect(next).toBeUndefined();
  });

  it.each<OrderStatus>([
    'DELIVERED',
    'CANCELLED',
    'REJECTED',
    'FAILED',
    'RETURNED',
    'DELIVERY_FAILED',
    'RETURN_REQUESTED',
  ])('refuses to cancel a %s order with 409 NOT_CANCELLABLE', (status) => {
    // Prepare
    const order = aShippedOrder({ status });

    // Act
    const attempt = () => withCancellationRequest(order, request, CANCEL_REQUESTED_AT);

    // Assess
    expect(attempt).toThrow(ConflictError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'NOT_CANCELLABLE' }));
  });
});

describe('shipmentWakeAction', () => {
  it('ends the shipment wait with cancel when only a cancellation came in', () => {
    // Act
    const action = shipmentWakeAction(requested(aLabelledOrder()));

    // Assess
    expect(action).toBe('cancel');
  });

  it('lets a carrier scan of the parcel win over a cancellation that came with it', () => {
    // Prepare
    const order = withScans(requested(aLabelledOrder()), aScan('in_transit', CANCEL_REQUESTED_AT));

    // Act
    const action = shipmentWakeAction(order);

    // Assess
    expect(action).toBe('ship');
  });

  it('keeps waiting with neither', () => {
    // Act
    const action = shipmentWakeAction(aLabelledOrder());

    // Assess
    expect(action).toBeUndefined();
  });
});

describe('interceptQuestion', () => {
  it('asks the carrier to intercept a parcel in transit, once per order', () => {
    // Act
    const question = interceptQuestion(aCancelledOrderInTransit());

    // Assess
    expect(question).toEqual({
      kind: 'ask',
      request: {
        shipmentId: 'shp_sbx_0001',
        trackingNumber: 'SBX100000000001',
        idempotencyKey: `intercept:${ORDER_ID}`,
      },
    });
  });

  it.each(['out_for_delivery', 'available_for_pickup', 'delivered'] as const)(
    'knows a parcel reported %s cannot be stopped, without asking',
    (status) => {
      // Prepare
      const order = aCancelledOrderInTransit({ shipment: aShipment({ status }) });

      // Act
      const question = interceptQuestion(order);

      // Assess
      expect(question).toEqual({ kind: 'answered', answer: { accepted: false, reason: status } });
    },
  );

  it('asks nothing once the cancellation was acted on', () => {
    // Prepare
    const order = withInterceptAnswer(aCancelledOrderInTransit(), { accepted: true }, AT)?.next;
    if (!order) throw new Error('the answer was not applied');

    // Act
    const question = interceptQuestion(order);

    // Assess
    expect(question).toEqual({ kind: 'none' });
  });

  it('asks nothing for a parcel that has not left', () => {
    // Act
    const question = interceptQuestion(withCancelRequest(aLabelledOrder()));

    // Assess
    expect(question).toEqual({ kind: 'none' });
  });
});

describe('withInterceptAnswer', () => {
  it('makes an accepted intercept INTERCEPT_REQUESTED, tells the customer and expects the items back', () => {
    // Act
    const outcome = withInterceptAnswer(aCancelledOrderInTransit(), { accepted: true }, AT);

    // Assess
    expect(outcome?.next.status).toBe('INTERCEPT_REQUESTED');
    expect(outcome?.next.cancellation?.stage).toBe('intercept_requested');
    expect(outcome?.next.inbox[cancelEventKey]?.applied).toBe(true);
    expect(outcome?.notices).toEqual([{ template: 'intercept_requested', cause: 'intercept' }]);
    expect(outcome?.expectBack).toBe(interceptStockKey(ORDER_ID));
    expect(isIntercepting(outcome!.next)).toBe(true);
  });

  it('lets a refused intercept go on, with the reason on the timeline and nothing expected back', () => {
    // Act
    const outcome = withInterceptAnswer(
      aCancelledOrderInTransit(),
      { accepted: false, reason: 'out_for_delivery' },
      AT,
    );

    // Assess
    expect(outcome?.next.status).toBe('IN_TRANSIT');
    expect(outcome?.next.cancellation?.stage).toBe('intercept_refused');
    expect(outcome?.next.timeline.at(-1)).toEqual({
      at: AT,
      type: 'INTERCEPT_REFUSED',
      detail: { reason: 'out_for_delivery' },
    });
    expect(outcome?.notices).toEqual([]);
    expect(outcome?.expectBack).toBeUndefined();
    expect(isIntercepting(outcome!.next)).toBe(false);
  });

  it('does nothing without a pending cancellation', () => {
    // Act
    const outcome = withInterceptAnswer(aShippedOrder({ status: 'IN_TRANSIT' }), { accepted: true }, AT);

    // Assess
    expect(outcome).toBeUndefined();
  });
});

describe('completeIntercept', () => {
  it('cancels the order back at the sender, refunds what is left of the capture and restocks', () => {
    // Prepare
    const order = aShippedOrder({
      status: 'INTERCEPT_REQUESTED',
      cancellation: aCancellation({ stage: 'intercept_requested' }),
    });
    const partlyRefunded = { ...order, payment: { ...order.payment, refundedAmount: 500 } };

    // Act
    const completed = completeIntercept(partlyRefunded, partlyRefunded, AT);

    // Assess
    const refund = order.total - 500;
    expect(completed?.refund).toBe(refund);
    expect(completed?.restock).toBe(interceptStockKey(ORDER_ID));
    expect(completed?.next.status).toBe('CANCELLED');
    expect(completed?.next.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: order.total });
    expect(completed?.next.cancellation).toMatchObject({ stage: 'completed', completedAt: AT });
    expect(completed?.notices.map((notice) => [notice.template, notice.detail?.amount])).toEqual([
      ['refund_issued', refund],
      ['cancellation_confirmation', refund],
    ]);
  });

  it('does nothing for a parcel back at the sender that nobody cancelled', () => {
    // Act
    const completed = completeIntercept(aShippedOrder(), aShippedOrder(), AT);

    // Assess
    expect(completed).toBeUndefined();
  });
});

describe('pausesDelayNotices', () => {
  it('pauses delay notices while a cancellation is in progress, not otherwise', () => {
    // Act
    const paused = [pausesDelayNotices(aCancelledOrderInTransit()), pausesDelayNotices(aShippedOrder())];

    // Assess
    expect(paused).toEqual([true, false]);
  });
});

describe('automaticReturnFor', () => {
  it('opens a return, shipping included and without a window, for a cancelled parcel delivered anyway', () => {
    // Prepare
    const order = aDeliveredOrder({ cancellation: aCancellation({ stage: 'intercept_refused' }) });

    // Act
    const opened = automaticReturnFor(order);

    // Assess
    expect(opened).toEqual({
      reason: 'cancelled after shipment (changed_mind)',
      refundTo: 'original_payment',
      idempotencyKey: 'cancellation',
      automatic: true,
    });
  });

  it.each(['completed', 'return_opened'] as const)('opens none once the cancellation is %s', (stage) => {
    // Prepare
    const order = aDeliveredOrder({ cancellation: aCancellation({ stage }) });

    // Act
    const opened = automaticReturnFor(order);

    // Assess
    expect(opened).toBeUndefined();
  });

  it('opens none for a delivered order nobody cancelled, nor for a cancelled parcel still travelling', () => {
    // Act
    const opened = [automaticReturnFor(aDeliveredOrder()), automaticReturnFor(aCancelledOrderInTransit())];

    // Assess
    expect(opened).toEqual([undefined, undefined]);
  });
});

describe('cancellationAfterReturn', () => {
  it('hands the cancellation over to the automatic return, and leaves it alone for a customer return', () => {
    // Prepare
    const order = aDeliveredOrder({ cancellation: aCancellation({ stage: 'intercept_refused' }) });
    const automatic = { reason: 'cancelled', refundTo: 'original_payment', automatic: true } as const;
    const customer = { reason: 'too small', refundTo: 'original_payment' } as const;

    // Act
    const stages = [
      cancellationAfterReturn(order, automatic)?.stage,
      cancellationAfterReturn(order, customer)?.stage,
    ];

    // Assess
    expect(stages).toEqual(['return_opened', 'intercept_refused']);
  });
});

describe('honourCancellation', () => {
  /** Cancelled by its customer before the parcel left; the workflow compensated and calls CloseOrder. */
  const aCancelledOrder = (): OrderRecord =>
    withCancelRequest(aLabelledOrder({ status: 'CANCELLATION_REQUESTED' }), aCancellation());

  it('cancels with the customer reason when a step found the cancellation', () => {
    // Act
    const closing = honourCancellation(aCancelledOrder(), 'OrderCancelledError', undefined, AT);

    // Assess
    expect(closing?.next.status).toBe('CANCELLED');
    expect(closing?.next.cancellation).toMatchObject({ reason: 'changed_mind', stage: 'completed' });
    expect(closing?.next.inbox[cancelEventKey]?.applied).toBe(true);
    expect(closing?.next.failure).toBeUndefined();
    expect(closing?.alert).toBe(false);
  });

  it('still cancels when a decline came first, keeping the rejection on the timeline', () => {
    // Act
    const closing = honourCancellation(aCancelledOrder(), 'PaymentDeclinedError', 'PAYMENT_DECLINED', AT);

    // Assess
    expect(closing?.next.status).toBe('CANCELLED');
    expect(closing?.next.timeline.at(-1)).toEqual({
      at: AT,
      type: 'ORDER_CANCELLED',
      detail: { reason: 'changed_mind', alsoRejected: 'PAYMENT_DECLINED' },
    });
    expect(closing?.alert).toBe(false);
  });

  it('still cancels after an unexpected failure, but records it and alerts operators', () => {
    // Act
    const closing = honourCancellation(aCancelledOrder(), 'TransientError', undefined, AT);

    // Assess
    expect(closing?.next.status).toBe('CANCELLED');
    expect(closing?.next.failure).toEqual({ error: 'TransientError', at: AT });
    expect(closing?.alert).toBe(true);
  });

  it('leaves an order without a cancellation request to the other closings', () => {
    // Act
    const closing = honourCancellation(aLabelledOrder(), 'PaymentDeclinedError', 'PAYMENT_DECLINED', AT);

    // Assess
    expect(closing).toBeUndefined();
  });
});

describe('cancelOnError', () => {
  it('cancels for the system when the authorization lapsed, and says why', () => {
    // Act
    const closing = cancelOnError(aLabelledOrder(), 'AuthorizationExpiredError', AT);

    // Assess
    expect(closing?.next.status).toBe('CANCELLED');
    expect(closing?.next.cancellation).toEqual({
      reason: 'authorization_expired',
      by: 'system',
      requestedAt: AT,
      stage: 'completed',
      completedAt: AT,
    });
    expect(closing?.noticeReason).toBe('the payment authorization expired before the parcel shipped');
  });

  it("completes the customer's cancellation when a step found it", () => {
    // Act
    const closing = cancelOnError(withCancelRequest(aLabelledOrder()), 'OrderCancelledError', AT);

    // Assess
    expect(closing?.next.cancellation).toMatchObject({ reason: 'changed_mind', by: 'customer' });
    expect(closing?.next.inbox[cancelEventKey]?.applied).toBe(true);
    expect(closing?.noticeReason).toBeUndefined();
  });

  it('cancels nothing for other errors', () => {
    // Act
    const closing = cancelOnError(aLabelledOrder(), 'TransientError', AT);

    // Assess
    expect(closing).toBeUndefined();
  });
});
