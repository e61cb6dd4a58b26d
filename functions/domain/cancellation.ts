// Cancellation, from the customer's request to the order's end. Before shipment a request makes the order
// CANCELLATION_REQUESTED: every forward step stops at it and CloseOrder cancels once the compensations ran. After
// shipment (or once a ship event is in) the carrier is asked to intercept the parcel: accepted, it comes back and
// the order is cancelled and refunded when it is back at the sender; refused, or delivered anyway, the system
// opens a return on the customer's behalf. The steps and services do the I/O; every decision is here.
import { ConflictError, OrderCancelledError } from './errors';
import { hasShipTrigger, markApplied } from './inbox';
import {
  refundedInFull,
  withTimeline,
  type CancellationRequester,
  type CancellationState,
  type OrderRecord,
  type ShipmentState,
} from './order';
import type { NoticeDetail, NoticeTemplate } from './notices';
import { hasPendingLapse } from './payment-events';
import type { InterceptRequest, InterceptResult } from './providers';
import type { CancelRequest, OrderStatus } from './requests';
import type { OpenReturnRequest } from './returns';

export const cancelEventKey = 'cancel';

/** A customer notice a cancellation decision calls for; the step plans and sends it. */
export interface CancellationNotice {
  template: NoticeTemplate;
  cause: string;
  detail?: NoticeDetail;
}

// ---- The request -----------------------------------------------------------------------------------------

/** Statuses from which an order can no longer be cancelled (a return is the way back). */
const notCancellable: ReadonlySet<OrderStatus> = new Set([
  'DELIVERED',
  'CANCELLED',
  'REJECTED',
  'FAILED',
  'RETURNED',
  'DELIVERY_FAILED',
  'RETURN_REQUESTED',
]);

/** Throws `409 NOT_CANCELLABLE` when the order's status no longer allows a cancellation. */
export const assertCancellable = (order: OrderRecord): void => {
  if (notCancellable.has(order.status)) {
    throw new ConflictError(
      'NOT_CANCELLABLE',
      `order ${order.orderId} is ${order.status} and cannot be cancelled`,
    );
  }
};

export const withCancelEvent = (order: OrderRecord, at: string): OrderRecord | undefined =>
  cancelEventKey in order.inbox
    ? undefined
    : {
        ...order,
        inbox: {
          ...order.inbox,
          [cancelEventKey]: { kind: 'cancel', receivedAt: at, occurredAt: at, applied: false },
        },
      };

/**
 * The order with a customer's cancellation recorded, or undefined when one is recorded already (a repeated request
 * changes nothing). Before shipment the order becomes CANCELLATION_REQUESTED; once the parcel has left (or a ship
 * event is in) its status stays and the workflow asks the carrier to intercept the parcel. Throws
 * `409 NOT_CANCELLABLE` for an order past cancelling.
 */
export const withCancellationRequest = (
  order: OrderRecord,
  request: CancelRequest,
  at: string,
  by: CancellationRequester = 'customer',
): OrderRecord | undefined => {
  assertCancellable(order);
  const withCancel = withCancelEvent(order, at);
  if (!withCancel) return undefined;
  const shipping = order.shipment?.shippedAt !== undefined || hasShipTrigger(order);
  return withTimeline(
    {
      ...withCancel,
      status: shipping ? order.status : 'CANCELLATION_REQUESTED',
      cancellation: {
        reason: request.reason,
        comment: request.comment,
        by,
        requestedAt: at,
        stage: 'requested',
      },
    },
    at,
    'CANCELLATION_REQUESTED',
    { reason: request.reason },
  );
};

/** A cancellation request the workflow has not acted on yet. */
export const hasPendingCancel = (order: OrderRecord): boolean =>
  order.inbox[cancelEventKey]?.applied === false;

/** Steps before shipment stop here once a cancellation came in; the workflow then compensates and cancels. */
export const assertNotCancelled = (order: OrderRecord): void => {
  if (cancelEventKey in order.inbox)
    throw new OrderCancelledError(`order ${order.orderId} was cancelled on request`);
};

/**
 * How the shipment wait ends, if it does: a ship trigger wins over a cancellation that came with it (the parcel
 * has left, so the cancellation becomes an intercept); a cancellation alone ends it with `cancel`. An
 * authorization that lapsed at the payment provider (payment-events.ts) ends it with `renew`, before a ship
 * trigger (the capture needs a live authorization) but not before a cancellation alone (nothing is left to pay for).
 */
export const shipmentWakeAction = (order: OrderRecord): 'ship' | 'cancel' | 'renew' | undefined => {
  const lapsed = hasPendingLapse(order);
  if (hasShipTrigger(order)) return lapsed ? 'renew' : 'ship';
  if (hasPendingCancel(order)) return 'cancel';
  return lapsed ? 'renew' : undefined;
};

// ---- After shipment: the intercept ------------------------------------------------------------------------

/** The inventory key of an intercepted parcel's items (see inventory-store.ts `expectReturn`). */
export const interceptStockKey = (orderId: string): string => `cancel:${orderId}`;

/** Tracking statuses at which the parcel is on the van (or delivered): it can no longer be stopped. */
const unstoppable: ReadonlySet<ShipmentState['status']> = new Set([
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
]);

/**
 * What to do about the intercept of a shipped order: nothing (no pending cancellation, or not shipped), a known
 * answer (the parcel is already too far to stop), or a question for the carrier (asked once per order: the
 * idempotency key makes its first answer the answer).
 */
export type InterceptQuestion =
  | { kind: 'none' }
  | { kind: 'answered'; answer: InterceptResult }
  | { kind: 'ask'; request: InterceptRequest };

export const interceptQuestion = (order: OrderRecord): InterceptQuestion => {
  if (!hasPendingCancel(order) || !order.shipment?.shippedAt) return { kind: 'none' };
  if (unstoppable.has(order.shipment.status))
    return { kind: 'answered', answer: { accepted: false, reason: order.shipment.status } };
  return {
    kind: 'ask',
    request: {
      shipmentId: order.shipment.shipmentId,
      trackingNumber: order.shipment.trackingNumber,
      idempotencyKey: `intercept:${order.orderId}`,
    },
  };
};

export interface InterceptOutcome {
  next: OrderRecord;
  notices: CancellationNotice[];
  /** Inventory key under which the intercepted parcel's items are expected back. */
  expectBack?: string;
}

/**
 * The order once the carrier answered the intercept request (the cancellation is then applied): accepted, it is
 * INTERCEPT_REQUESTED, the customer is told and the items are expected back; refused, the parcel goes on and the
 * refusal is on the timeline. Undefined when there is no pending cancellation or no answer.
 */
export const withInterceptAnswer = (
  order: OrderRecord,
  intercept: InterceptResult | undefined,
  at: string,
): InterceptOutcome | undefined => {
  if (!hasPendingCancel(order) || !intercept || !order.cancellation) return undefined;
  const applied = markApplied(order, ['cancel']);
  if (intercept.accepted) {
    return {
      next: withTimeline(
        {
          ...applied,
          status: 'INTERCEPT_REQUESTED',
          cancellation: { ...order.cancellation, stage: 'intercept_requested' },
        },
        at,
        'INTERCEPT_REQUESTED',
      ),
      notices: [{ template: 'intercept_requested', cause: 'intercept' }],
      expectBack: interceptStockKey(order.orderId),
    };
  }
  return {
    next: withTimeline(
      { ...applied, cancellation: { ...order.cancellation, stage: 'intercept_refused' } },
      at,
      'INTERCEPT_REFUSED',
      { reason: intercept.reason ?? 'refused by the carrier' },
    ),
    notices: [],
  };
};

/** The carrier is bringing the parcel back on our request: its `return_to_sender` scan is no delivery failure. */
export const isIntercepting = (order: OrderRecord): boolean =>
  order.cancellation?.stage === 'intercept_requested';

/** While a cancellation is in progress the customer is not told of delivery delays. */
export const pausesDelayNotices = (order: OrderRecord): boolean => order.cancellation !== undefined;

export interface CompletedIntercept {
  next: OrderRecord;
  notices: CancellationNotice[];
  /** What is refunded: what is left of the capture. */
  refund: number;
  /** Inventory key under which the parcel's items go back on sale. */
  restock: string;
}

/**
 * The intercepted parcel is back at the sender: the order is CANCELLED, what is left of the capture refunded, the
 * items back on sale, and the customer gets the refund and the confirmation. `next` is the order with the scans
 * applied; `order` the order as the step found it (whose capture and refunds decide the amount).
 */
export const completeIntercept = (
  order: OrderRecord,
  next: OrderRecord,
  at: string,
): CompletedIntercept | undefined => {
  if (!next.cancellation) return undefined;
  const refund = order.payment.capturedAmount - order.payment.refundedAmount;
  return {
    next: withTimeline(
      {
        ...next,
        status: 'CANCELLED',
        payment: refundedInFull(next.payment),
        cancellation: { ...next.cancellation, stage: 'completed', completedAt: at },
        wait: undefined,
      },
      at,
      'ORDER_CANCELLED',
      { reason: next.cancellation.reason, refund },
    ),
    notices: [
      {
        template: 'refund_issued',
        cause: 'cancel',
        detail: { amount: refund, refundTo: 'original_payment' },
      },
      { template: 'cancellation_confirmation', cause: 'cancelled', detail: { amount: refund } },
    ],
    refund,
    restock: interceptStockKey(order.orderId),
  };
};

/**
 * The return the system opens when a cancelled parcel was delivered anyway (intercept refused or too late): no
 * return window, shipping refunded too. Undefined when none is due (no cancellation, not delivered, or the
 * cancellation is completed or its return already opened).
 */
export const automaticReturnFor = (order: OrderRecord): OpenReturnRequest | undefined => {
  const cancellation = order.cancellation;
  if (order.status !== 'DELIVERED' || !cancellation) return undefined;
  if (cancellation.stage === 'completed' || cancellation.stage === 'return_opened') return undefined;
  return {
    reason: `cancelled after shipment (${cancellation.reason})`,
    refundTo: 'original_payment',
    idempotencyKey: 'cancellation',
    automatic: true,
  };
};

/** The cancellation once a return is opened: an automatic return takes the cancellation over. */
export const cancellationAfterReturn = (
  order: OrderRecord,
  request: OpenReturnRequest,
): CancellationState | undefined =>
  request.automatic && order.cancellation
    ? { ...order.cancellation, stage: 'return_opened' }
    : order.cancellation;

// ---- Before shipment: CloseOrder ---------------------------------------------------------------------------

export interface CancelledClosing {
  next: OrderRecord;
  /** Why, in words for the customer's confirmation, when the system cancelled. */
  noticeReason?: string;
  /** An unexpected failure stopped the order too: operators are told. */
  alert: boolean;
}

/**
 * A cancellation accepted before shipment is honoured whatever else stopped the order meanwhile (a decline, no
 * stock, a failure): the customer was told it would be cancelled. The order is CANCELLED with the customer's
 * reason; a rejection code is kept on the timeline, and an unexpected error is recorded and alerts operators.
 * Undefined when the order has no such cancellation.
 */
export const honourCancellation = (
  order: OrderRecord,
  error: string,
  rejectionCode: string | undefined,
  at: string,
): CancelledClosing | undefined => {
  if (order.status !== 'CANCELLATION_REQUESTED' || !order.cancellation) return undefined;
  const cancellation: CancellationState = { ...order.cancellation, stage: 'completed', completedAt: at };
  const unexpected = !rejectionCode && error !== 'OrderCancelledError';
  const next = withTimeline(
    markApplied(
      {
        ...order,
        status: 'CANCELLED',
        cancellation,
        ...(unexpected ? { failure: { error, at } } : {}),
      },
      ['cancel'],
    ),
    at,
    'ORDER_CANCELLED',
    { reason: cancellation.reason, ...(rejectionCode ? { alsoRejected: rejectionCode } : {}) },
  );
  return { next, alert: unexpected };
};

/**
 * The errors that cancel an order: a step found the customer's cancellation (`OrderCancelledError`: their reason),
 * or the authorization lapsed before the parcel shipped (`AuthorizationExpiredError`: the system cancels with the
 * reason `authorization_expired`). Undefined for any other error.
 */
export const cancelOnError = (
  order: OrderRecord,
  error: string,
  at: string,
): CancelledClosing | undefined => {
  if (error !== 'AuthorizationExpiredError' && error !== 'OrderCancelledError') return undefined;
  const cancellation: CancellationState =
    error === 'OrderCancelledError' && order.cancellation
      ? { ...order.cancellation, stage: 'completed', completedAt: at }
      : {
          reason: 'authorization_expired',
          by: 'system',
          requestedAt: at,
          stage: 'completed',
          completedAt: at,
        };
  const next = withTimeline(
    markApplied({ ...order, status: 'CANCELLED', cancellation }, ['cancel']),
    at,
    'ORDER_CANCELLED',
    { reason: cancellation.reason },
  );
  return {
    next,
    alert: false,
    noticeReason:
      cancellation.reason === 'authorization_expired'
        ? 'the payment authorization expired before the parcel shipped'
        : undefined,
  };
};
