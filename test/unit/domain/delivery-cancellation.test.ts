// planDelivery when the customer cancels after shipment: the carrier's answer to the intercept request (accepted:
// the parcel comes back and the stock is expected; refused: it goes on), the parcel's way back (return_to_sender is
// no failure, `delivered` after it means back at the sender: refund and cancel), a parcel delivered anyway, no
// delay notices while a cancellation is in progress, and orders whose delivery tracking is over.
import { describe, expect, it } from 'vitest';
import { cancelEventKey, interceptStockKey } from '../../../functions/domain/cancellation';
import { withCarrierEvent } from '../../../functions/domain/inbox';
import type { OrderRecord } from '../../../functions/domain/order';
import { withNotices } from '../../../functions/domain/notices';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  planDelivery,
  type DeliveryAction,
  type DeliveryPlan,
  type DeliveryPolicy,
} from '../../../functions/domain/delivery';
import type { InterceptResult } from '../../../functions/domain/providers';
import {
  aCancellation,
  aCarrierEvent,
  aScan,
  aShipment,
  aShippedOrder,
  CANCEL_REQUESTED_AT,
  DAY_SECONDS,
  daysAfter,
  noticeContext,
  ORDER_ID,
  PROMISED,
  withCancelRequest,
  withCustomer,
  withScans,
} from '../helpers/orders';

const policy: DeliveryPolicy = { daySeconds: DAY_SECONDS, delayGraceDays: 1, lostParcelDays: 30 };

/** The workflow looks again right after the cancel call woke it. */
const ASKED_AT = daysAfter(CANCEL_REQUESTED_AT, 0.01);
const RETURN_SCAN_AT = daysAfter(CANCEL_REQUESTED_AT, 0.5);
const BACK_AT = daysAfter(CANCEL_REQUESTED_AT, 2);

const accepted: InterceptResult = { accepted: true };
const refused: InterceptResult = { accepted: false, reason: 'out_for_delivery' };

const plan = (order: OrderRecord, at: string, intercept?: InterceptResult): DeliveryPlan =>
  planDelivery(order, new Date(at), policy, noticeContext, intercept);

/** The order as the step stores it: the plan's next order with its notices recorded as sent. */
const stored = (delivery: DeliveryPlan): OrderRecord => withNotices(delivery.next, delivery.notices);

/** What the customer is sent: each notice's template and channel. */
const templates = (delivery: DeliveryPlan): string[] =>
  delivery.notices.map((notice) => `${notice.entry.template} by ${notice.entry.channel}`);

/** The order with a carrier webhook recorded as the receiver does, failing the test if it was not. */
const received = (order: OrderRecord, event: ReturnType<typeof aCarrierEvent>, at: string): OrderRecord => {
  const next = withCarrierEvent(order, event, at);
  if (!next) throw new Error(`the receiver did not record the ${event.status} scan`);
  return next;
};

/** A parcel in transit, of a customer who gets email only. */
const anOrderInTransit = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  withCustomer(
    aShippedOrder({ status: 'IN_TRANSIT', shipment: aShipment({ status: 'in_transit' }), ...overrides }),
    { smsOptIn: false },
  );

/** The parcel in transit with a cancellation the workflow has not acted on. */
const aCancelledOrderInTransit = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  withCancelRequest(anOrderInTransit(overrides));

/** The order as stored once the carrier accepted to bring the parcel back. */
const anInterceptedOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  stored(plan(aCancelledOrderInTransit(overrides), ASKED_AT, accepted));

/** The intercepted order with the carrier's return_to_sender scan applied. */
const anOrderOnItsWayBack = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  stored(
    plan(
      received(
        anInterceptedOrder(overrides),
        aCarrierEvent('return_to_sender', { occurredAt: RETURN_SCAN_AT }),
        RETURN_SCAN_AT,
      ),
      RETURN_SCAN_AT,
    ),
  );

/** The plan once the carrier reports the parcel delivered back at the sender. */
const backAtSender = (order: OrderRecord): DeliveryPlan =>
  plan(received(order, aCarrierEvent('delivered', { occurredAt: BACK_AT }), BACK_AT), BACK_AT);

describe('planDelivery with a cancellation after shipment', () => {
  describe('the carrier accepts the intercept', () => {
    it('moves the order to INTERCEPT_REQUESTED', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect([delivery.next.status, delivery.next.cancellation?.stage]).toEqual([
        'INTERCEPT_REQUESTED',
        'intercept_requested',
      ]);
    });

    it("keeps the customer's reason and comment with the cancellation", () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect(delivery.next.cancellation).toEqual(aCancellation({ stage: 'intercept_requested' }));
    });

    it('tells the customer once that the parcel is being stopped', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect(templates(delivery)).toEqual(['intercept_requested by email']);
    });

    it('expects the items back in stock under the cancellation key of the order', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect([delivery.expectBack, delivery.restock]).toEqual([interceptStockKey(ORDER_ID), undefined]);
    });

    it('marks the cancellation applied', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect(delivery.next.inbox[cancelEventKey]?.applied).toBe(true);
    });

    it('records the intercept request on the timeline', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect(delivery.next.timeline.at(-1)).toEqual({
        at: ASKED_AT,
        type: 'INTERCEPT_REQUESTED',
        detail: {},
      });
    });

    it('keeps waiting for the parcel, refunding nothing yet', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, accepted);

      // Assess
      expect([delivery.action, delivery.refund, delivery.next.payment.status]).toEqual([
        'wait',
        0,
        'CAPTURED',
      ]);
    });

    it('sends nothing new when a second plan runs over the stored result', () => {
      // Act
      const delivery = plan(anInterceptedOrder(), daysAfter(ASKED_AT, 0.1), accepted);

      // Assess
      expect([delivery.notices, delivery.expectBack]).toEqual([[], undefined]);
    });
  });

  describe('the carrier refuses the intercept', () => {
    it('records the refusal with the cancellation and leaves the status as it was', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, refused);

      // Assess
      expect([delivery.next.status, delivery.next.cancellation?.stage]).toEqual([
        'IN_TRANSIT',
        'intercept_refused',
      ]);
    });

    it('tells the customer nothing yet', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, refused);

      // Assess
      expect(delivery.notices).toEqual([]);
    });

    it("records the carrier's reason on the timeline", () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, refused);

      // Assess
      expect(delivery.next.timeline.at(-1)).toEqual({
        at: ASKED_AT,
        type: 'INTERCEPT_REFUSED',
        detail: { reason: 'out_for_delivery' },
      });
    });

    it('marks the cancellation applied and expects nothing back', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT, refused);

      // Assess
      expect([delivery.next.inbox[cancelEventKey]?.applied, delivery.expectBack]).toEqual([true, undefined]);
    });
  });

  describe('the carrier was not asked', () => {
    it('leaves the cancellation pending for the next look', () => {
      // Act
      const delivery = plan(aCancelledOrderInTransit(), ASKED_AT);

      // Assess
      expect([delivery.next.inbox[cancelEventKey]?.applied, delivery.next.cancellation?.stage]).toEqual([
        false,
        'requested',
      ]);
    });
  });

  describe('the parcel on its way back', () => {
    it('takes a return_to_sender scan for the way back, not for a failed delivery', () => {
      // Prepare
      const order = received(
        anInterceptedOrder(),
        aCarrierEvent('return_to_sender', { occurredAt: RETURN_SCAN_AT }),
        RETURN_SCAN_AT,
      );

      // Act
      const delivery = plan(order, RETURN_SCAN_AT);

      // Assess
      expect([delivery.action, delivery.next.status, delivery.next.shipment?.status]).toEqual([
        'wait',
        'INTERCEPT_REQUESTED',
        'return_to_sender',
      ]);
    });

    it('neither refunds, alerts the operators nor tells the customer of a failed delivery', () => {
      // Prepare
      const order = received(
        anInterceptedOrder(),
        aCarrierEvent('return_to_sender', { occurredAt: RETURN_SCAN_AT }),
        RETURN_SCAN_AT,
      );

      // Act
      const delivery = plan(order, RETURN_SCAN_AT);

      // Assess
      expect([delivery.refund, delivery.alert, delivery.notices]).toEqual([0, undefined, []]);
    });
  });

  describe('the parcel back at the sender', () => {
    it('cancels the order', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect([delivery.action, delivery.next.status]).toEqual(['cancelled', 'CANCELLED']);
    });

    it('completes the cancellation', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect(delivery.next.cancellation).toEqual(aCancellation({ stage: 'completed', completedAt: BACK_AT }));
    });

    it('refunds the whole capture', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect([delivery.refund, delivery.next.payment]).toEqual([
        4498,
        expect.objectContaining({ status: 'REFUNDED', capturedAmount: 4498, refundedAmount: 4498 }),
      ]);
    });

    it('refunds what was captured less what was already refunded', () => {
      // Prepare
      const shipped = aShippedOrder();
      const order = anOrderOnItsWayBack({ payment: { ...shipped.payment, refundedAmount: 500 } });

      // Act
      const delivery = backAtSender(order);

      // Assess
      expect([delivery.refund, delivery.next.payment.refundedAmount]).toEqual([3998, 4498]);
    });

    it('puts the items back in stock under the key they were expected under', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect(delivery.restock).toBe(interceptStockKey(ORDER_ID));
    });

    it('tells the customer of the refund and confirms the cancellation', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect(templates(delivery)).toEqual(['refund_issued by email', 'cancellation_confirmation by email']);
    });

    it('tells the customer the amount refunded', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      expect(delivery.notices[0]?.text).toContain('We have refunded $44.98 for order 1001');
    });

    it('does not tell the refunded customer that they were never charged', () => {
      // Act
      const delivery = backAtSender(anOrderOnItsWayBack());

      // Assess
      const confirmation = delivery.notices.find((n) => n.entry.template === 'cancellation_confirmation');
      expect(confirmation?.text).not.toContain('You have not been charged');
    });

    it('ends the delivery wait', () => {
      // Prepare
      const order: OrderRecord = {
        ...anOrderOnItsWayBack(),
        wait: { stage: 'delivery', token: 'task-token-1', until: daysAfter(PROMISED, 1) },
      };

      // Act
      const delivery = backAtSender(order);

      // Assess
      expect(delivery.next.wait).toBeUndefined();
    });

    it('also cancels when return_to_sender and delivered arrive together', () => {
      // Prepare
      const order = withScans(
        anInterceptedOrder(),
        aScan('return_to_sender', RETURN_SCAN_AT),
        aScan('delivered', BACK_AT),
      );

      // Act
      const delivery = plan(order, BACK_AT);

      // Assess
      expect([delivery.action, delivery.next.status, delivery.refund]).toEqual([
        'cancelled',
        'CANCELLED',
        4498,
      ]);
    });

    it('refunds and tells nothing more when planned again over the stored result', () => {
      // Prepare
      const order = stored(backAtSender(anOrderOnItsWayBack()));

      // Act
      const delivery = plan(order, daysAfter(BACK_AT, 0.1));

      // Assess
      expect([delivery.action, delivery.refund, delivery.notices]).toEqual(['cancelled', 0, []]);
    });
  });

  describe('the parcel delivered anyway', () => {
    it('ends the intercepted order DELIVERED when no return_to_sender came first', () => {
      // Prepare
      const order = received(
        anInterceptedOrder(),
        aCarrierEvent('delivered', { occurredAt: RETURN_SCAN_AT }),
        RETURN_SCAN_AT,
      );

      // Act
      const delivery = plan(order, RETURN_SCAN_AT);

      // Assess
      expect([delivery.action, delivery.next.status, delivery.refund, delivery.restock]).toEqual([
        'delivered',
        'DELIVERED',
        0,
        undefined,
      ]);
    });

    it('keeps the cancellation open for the return the step then opens', () => {
      // Prepare
      const order = received(
        anInterceptedOrder(),
        aCarrierEvent('delivered', { occurredAt: RETURN_SCAN_AT }),
        RETURN_SCAN_AT,
      );

      // Act
      const delivery = plan(order, RETURN_SCAN_AT);

      // Assess
      expect(delivery.next.cancellation?.stage).toBe('intercept_requested');
    });
  });

  describe('delays while a cancellation is in progress', () => {
    const LATER = daysAfter(PROMISED, 2);

    it('sends no delay notice for a later estimate while the parcel is intercepted', () => {
      // Prepare
      const order = received(
        anInterceptedOrder(),
        aCarrierEvent('in_transit', { occurredAt: RETURN_SCAN_AT, estimatedDelivery: LATER }),
        RETURN_SCAN_AT,
      );

      // Act
      const delivery = plan(order, RETURN_SCAN_AT);

      // Assess
      expect([delivery.notices, delivery.next.shipment?.delayed]).toEqual([[], false]);
    });

    it('sends no delay notice past the deadline while the parcel is intercepted', () => {
      // Act
      const delivery = plan(anInterceptedOrder(), daysAfter(PROMISED, 1.5));

      // Assess
      expect(delivery.notices).toEqual([]);
    });

    it('sends no delay notice after a refused intercept either', () => {
      // Prepare
      const order = withScans(
        aCancelledOrderInTransit(),
        aScan('in_transit', ASKED_AT, { estimatedDelivery: LATER }),
      );

      // Act
      const delivery = plan(order, ASKED_AT, refused);

      // Assess
      expect(delivery.notices).toEqual([]);
    });
  });

  describe('estimates arriving out of order', () => {
    const LATER = daysAfter(PROMISED, 1);
    const EVEN_LATER = daysAfter(PROMISED, 3);

    it('keeps the newer estimate when an older scan arrives in a later look', () => {
      // Prepare
      const first = stored(
        plan(
          received(
            anInterceptedOrder(),
            aCarrierEvent('in_transit', { occurredAt: RETURN_SCAN_AT, estimatedDelivery: EVEN_LATER }),
            RETURN_SCAN_AT,
          ),
          RETURN_SCAN_AT,
        ),
      );
      const order = received(
        first,
        aCarrierEvent('in_transit', { occurredAt: ASKED_AT, estimatedDelivery: LATER }),
        daysAfter(RETURN_SCAN_AT, 0.1),
      );

      // Act
      const delivery = plan(order, daysAfter(RETURN_SCAN_AT, 0.1));

      // Assess
      expect([delivery.next.shipment?.estimatedDelivery, delivery.next.shipment?.estimatedAt]).toEqual([
        EVEN_LATER,
        RETURN_SCAN_AT,
      ]);
    });

    it('keeps the newer estimate when both scans arrive together, the older one received last', () => {
      // Prepare
      const order = withScans(
        anInterceptedOrder(),
        aScan('in_transit', RETURN_SCAN_AT, { estimatedDelivery: EVEN_LATER }),
        aScan('in_transit', ASKED_AT, {
          estimatedDelivery: LATER,
          receivedAt: daysAfter(RETURN_SCAN_AT, 0.1),
        }),
      );

      // Act
      const delivery = plan(order, daysAfter(RETURN_SCAN_AT, 0.1));

      // Assess
      expect(delivery.next.shipment?.estimatedDelivery).toBe(EVEN_LATER);
    });
  });

  describe('an order whose delivery tracking is over', () => {
    it.each<[OrderStatus, DeliveryAction]>([
      ['CANCELLED', 'cancelled'],
      ['RETURN_REQUESTED', 'delivered'],
      ['RETURNED', 'delivered'],
    ])('leaves a %s order as it is and tells the workflow %s', (status, action) => {
      // Prepare
      const order = withScans(aCancelledOrderInTransit({ status }), aScan('delivered', ASKED_AT));

      // Act
      const delivery = plan(order, ASKED_AT, accepted);

      // Assess
      expect(delivery).toEqual({ next: order, notices: [], action, until: ASKED_AT, refund: 0 });
    });

    it('returns the very order it was given', () => {
      // Prepare
      const order = aCancelledOrderInTransit({ status: 'CANCELLED' });

      // Act
      const delivery = plan(order, ASKED_AT, accepted);

      // Assess
      expect(delivery.next).toBe(order);
    });
  });
});
