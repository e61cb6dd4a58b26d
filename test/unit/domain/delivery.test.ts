// planDelivery, the pure heart of the delivery wait: carrier milestones move the order forward (never back),
// each customer notice goes out once per cause, a later estimate or a passed deadline means a delay notice, and
// a failed or lost parcel is refunded and reported to operators.
import { describe, expect, it } from 'vitest';
import { withCarrierEvent } from '../../../functions/domain/inbox';
import type { OrderRecord } from '../../../functions/domain/order';
import { withNotices, withoutNotices } from '../../../functions/domain/notices';
import {
  planDelivery,
  receiverPlan,
  type DeliveryPlan,
  type DeliveryPolicy,
} from '../../../functions/domain/delivery';
import {
  aCarrierEvent,
  aScan,
  aShipment,
  aShippedOrder,
  DAY_SECONDS,
  daysAfter,
  noticeContext,
  PROMISED,
  SHIPPED_AT,
  withCustomer,
  withScans,
} from '../helpers/orders';

const policy: DeliveryPolicy = { daySeconds: DAY_SECONDS, delayGraceDays: 1, lostParcelDays: 30 };

/** A business day after shipment: well before the promised date. */
const DAY_2 = daysAfter(SHIPPED_AT, 1);
const DAY_3 = daysAfter(SHIPPED_AT, 2);

const plan = (order: OrderRecord, at: string): DeliveryPlan =>
  planDelivery(order, new Date(at), policy, noticeContext);

/** The order as the step stores it: the plan's next order with its notices recorded as sent. */
const stored = (delivery: DeliveryPlan): OrderRecord => withNotices(delivery.next, delivery.notices);

const noticeKeys = (delivery: DeliveryPlan): string[] => delivery.notices.map((notice) => notice.key);

/** What the customer is sent: each notice's template and channel. */
const templates = (delivery: DeliveryPlan): string[] =>
  delivery.notices.map((notice) => `${notice.entry.template} by ${notice.entry.channel}`);

/** The shipped order of a customer who gets email only. */
const anEmailOnlyOrder = (): OrderRecord => withCustomer(aShippedOrder(), { smsOptIn: false });

describe('planDelivery', () => {
  describe('on time', () => {
    it('moves a shipped order to IN_TRANSIT on an in_transit scan', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect([delivery.next.status, delivery.next.shipment?.status]).toEqual(['IN_TRANSIT', 'in_transit']);
    });

    it('waits until the estimate plus the grace period', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect([delivery.action, delivery.until]).toEqual(['wait', daysAfter(PROMISED, 1)]);
    });

    it('marks the carrier events it applied', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2), aScan('out_for_delivery', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(Object.values(delivery.next.inbox).every((event) => event.applied)).toBe(true);
    });

    it('sends nothing for an in_transit scan', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect(delivery.notices).toEqual([]);
    });
  });

  describe('out for delivery', () => {
    it('tells the customer the parcel is out for delivery', () => {
      // Prepare
      const order = withScans(anEmailOnlyOrder(), aScan('out_for_delivery', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect([delivery.next.status, templates(delivery)]).toEqual([
        'OUT_FOR_DELIVERY',
        ['out_for_delivery by email'],
      ]);
    });

    it('sends the notice a receiver applied the scan with but could not send', () => {
      // Prepare
      const first = plan(withScans(anEmailOnlyOrder(), aScan('out_for_delivery', DAY_3)), DAY_3);
      const handedOver = withoutNotices(stored(first), first.notices);

      // Act
      const delivery = plan(handedOver, daysAfter(DAY_3, 0.1));

      // Assess
      expect(templates(delivery)).toEqual(['out_for_delivery by email']);
    });

    it('does not tell the customer again when a second plan runs over the stored result', () => {
      // Prepare
      const first = plan(withScans(anEmailOnlyOrder(), aScan('out_for_delivery', DAY_3)), DAY_3);
      const order = withScans(stored(first), aScan('out_for_delivery', daysAfter(DAY_3, 0.2)));

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.2));

      // Assess
      expect(delivery.notices).toEqual([]);
    });
  });

  describe('delivered', () => {
    it('marks the order DELIVERED and ends the wait', () => {
      // Prepare
      const order = withScans(
        {
          ...aShippedOrder(),
          wait: { stage: 'delivery', token: 'task-token-1', until: daysAfter(PROMISED, 1) },
        },
        aScan('delivered', DAY_3),
      );

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect([delivery.next.status, delivery.action, delivery.next.wait]).toEqual([
        'DELIVERED',
        'delivered',
        undefined,
      ]);
    });

    it('records when the parcel was delivered', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('delivered', DAY_3));

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.1));

      // Assess
      expect(delivery.next.shipment?.deliveredAt).toBe(DAY_3);
    });

    it('tells the customer the parcel was delivered', () => {
      // Prepare
      const order = withScans(anEmailOnlyOrder(), aScan('delivered', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(templates(delivery)).toEqual(['delivered by email']);
    });

    it('refunds nothing', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('delivered', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.refund).toBe(0);
    });
  });

  describe('a later estimate', () => {
    const LATER = daysAfter(PROMISED, 2);
    const EVEN_LATER = daysAfter(PROMISED, 4);

    it('tells the customer of the delay, once for that estimate', () => {
      // Prepare
      const order = withScans(anEmailOnlyOrder(), aScan('in_transit', DAY_2, { estimatedDelivery: LATER }));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect(noticeKeys(delivery)).toEqual([`delay_notice:${LATER}:email`]);
    });

    it('marks the shipment delayed with the new estimate', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2, { estimatedDelivery: LATER }));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect(delivery.next.shipment).toMatchObject({
        delayed: true,
        estimatedDelivery: LATER,
        promisedDelivery: PROMISED,
      });
    });

    it('marks the shipment delayed, without a delay notice, when the delivery comes in the same plan', () => {
      // Prepare: the later estimate and the delivered scan are applied together (the delivered scan's receiver won
      // the race against the plan that took in the delay).
      const order = withScans(
        anEmailOnlyOrder(),
        aScan('in_transit', DAY_2, { estimatedDelivery: LATER }),
        aScan('delivered', DAY_3),
      );

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.next.status).toBe('DELIVERED');
      expect(delivery.next.shipment).toMatchObject({ delayed: true, estimatedDelivery: LATER });
      expect(templates(delivery)).toEqual(['delivered by email']);
    });

    it('waits until the new estimate plus the grace period', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('in_transit', DAY_2, { estimatedDelivery: LATER }));

      // Act
      const delivery = plan(order, DAY_2);

      // Assess
      expect(delivery.until).toBe(daysAfter(LATER, 1));
    });

    it('sends no second delay notice when the same estimate comes again', () => {
      // Prepare
      const first = plan(
        withScans(anEmailOnlyOrder(), aScan('in_transit', DAY_2, { estimatedDelivery: LATER })),
        DAY_2,
      );
      const order = withScans(stored(first), aScan('in_transit', DAY_3, { estimatedDelivery: LATER }));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.notices).toEqual([]);
    });

    it('sends another delay notice for an even later estimate', () => {
      // Prepare
      const first = plan(
        withScans(anEmailOnlyOrder(), aScan('in_transit', DAY_2, { estimatedDelivery: LATER })),
        DAY_2,
      );
      const order = withScans(stored(first), aScan('in_transit', DAY_3, { estimatedDelivery: EVEN_LATER }));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(noticeKeys(delivery)).toEqual([`delay_notice:${EVEN_LATER}:email`]);
    });

    it('keeps the latest estimate when an older scan arrives late', () => {
      // Prepare
      const first = plan(
        withScans(aShippedOrder(), aScan('in_transit', DAY_3, { estimatedDelivery: EVEN_LATER })),
        DAY_3,
      );
      const olderScan = aCarrierEvent('in_transit', { occurredAt: DAY_2, estimatedDelivery: LATER });
      const order = withCarrierEvent(stored(first), olderScan, daysAfter(DAY_3, 0.1));
      if (!order) throw new Error('the receiver did not record the older scan');

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.1));

      // Assess
      expect(delivery.next.shipment?.estimatedDelivery).toBe(EVEN_LATER);
    });
  });

  describe('past the deadline without news', () => {
    const PAST_DEADLINE = daysAfter(PROMISED, 1.5);

    const anOrderInTransit = (): OrderRecord => ({
      ...anEmailOnlyOrder(),
      status: 'IN_TRANSIT',
      shipment: aShipment({ status: 'in_transit' }),
    });

    it('tells the customer of the delay', () => {
      // Act
      const delivery = plan(anOrderInTransit(), PAST_DEADLINE);

      // Assess
      expect(noticeKeys(delivery)).toEqual([`delay_notice:${PROMISED}:email`]);
    });

    it('looks again one business day later', () => {
      // Act
      const delivery = plan(anOrderInTransit(), PAST_DEADLINE);

      // Assess
      expect([delivery.action, delivery.until]).toEqual(['wait', daysAfter(PAST_DEADLINE, 1)]);
    });

    it('sends no second delay notice when it looks again', () => {
      // Prepare
      const first = plan(anOrderInTransit(), PAST_DEADLINE);

      // Act
      const delivery = plan(stored(first), daysAfter(PAST_DEADLINE, 1));

      // Assess
      expect(delivery.notices).toEqual([]);
    });

    it('gives the parcel up as lost lostParcelDays after the promised day', () => {
      // Act
      const delivery = plan(anOrderInTransit(), daysAfter(PROMISED, policy.lostParcelDays));

      // Assess
      expect([delivery.next.status, delivery.action, delivery.alert?.kind]).toEqual([
        'DELIVERY_FAILED',
        'failed',
        'delivery_overdue',
      ]);
    });

    it('keeps waiting for a parcel just short of lostParcelDays late', () => {
      // Act
      const delivery = plan(anOrderInTransit(), daysAfter(PROMISED, policy.lostParcelDays - 0.5));

      // Assess
      expect([delivery.next.status, delivery.action]).toEqual(['IN_TRANSIT', 'wait']);
    });
  });

  describe('a failed delivery', () => {
    const failedScan = () => aScan('failure', DAY_3, { location: 'Sandbox Depot' });

    it('ends the order DELIVERY_FAILED with the payment refunded', () => {
      // Prepare
      const order = withScans(aShippedOrder(), failedScan());

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect([delivery.next.status, delivery.action, delivery.next.payment.status]).toEqual([
        'DELIVERY_FAILED',
        'failed',
        'REFUNDED',
      ]);
    });

    it('refunds what was captured less what was already refunded', () => {
      // Prepare
      const shipped = aShippedOrder();
      const order = withScans(
        { ...shipped, payment: { ...shipped.payment, refundedAmount: 1000 } },
        failedScan(),
      );

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect([delivery.refund, delivery.next.payment.refundedAmount]).toEqual([3498, 4498]);
    });

    it('alerts the operators', () => {
      // Prepare
      const order = withScans(aShippedOrder(), failedScan());

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.alert).toMatchObject({ kind: 'delivery_failed', orderId: order.orderId });
    });

    it('tells the customer', () => {
      // Prepare
      const order = withScans(anEmailOnlyOrder(), failedScan());

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(templates(delivery)).toEqual(['delivery_failed by email']);
    });

    it('refunds nothing more when planned again', () => {
      // Prepare
      const first = plan(withScans(aShippedOrder(), failedScan()), DAY_3);

      // Act
      const delivery = plan(stored(first), daysAfter(DAY_3, 1));

      // Assess
      expect([delivery.refund, delivery.notices, delivery.alert]).toEqual([0, [], undefined]);
    });
  });

  describe('events out of order', () => {
    it('ends DELIVERED when an earlier in_transit scan arrives after the delivered one', () => {
      // Prepare
      const order = withScans(
        aShippedOrder(),
        aScan('delivered', DAY_3, { receivedAt: DAY_3 }),
        aScan('in_transit', DAY_2, { receivedAt: daysAfter(DAY_3, 0.1) }),
      );

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.1));

      // Assess
      expect([delivery.next.status, delivery.next.shipment?.status]).toEqual(['DELIVERED', 'delivered']);
    });

    it('keeps a delivered order DELIVERED when an in_transit scan follows', () => {
      // Prepare
      const delivered = stored(plan(withScans(aShippedOrder(), aScan('delivered', DAY_3)), DAY_3));
      const order = withScans(delivered, aScan('in_transit', daysAfter(DAY_3, 0.1)));

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.2));

      // Assess
      expect([delivery.next.status, delivery.next.shipment?.status, delivery.notices]).toEqual([
        'DELIVERED',
        'delivered',
        [],
      ]);
    });

    it('keeps OUT_FOR_DELIVERY when an in_transit scan with a new estimate follows', () => {
      // Prepare
      const out = stored(plan(withScans(aShippedOrder(), aScan('out_for_delivery', DAY_3)), DAY_3));
      const order = withScans(
        out,
        aScan('in_transit', daysAfter(DAY_3, 0.1), { estimatedDelivery: daysAfter(PROMISED, 1) }),
      );

      // Act
      const delivery = plan(order, daysAfter(DAY_3, 0.2));

      // Assess
      expect([delivery.next.status, delivery.next.shipment?.status]).toEqual([
        'OUT_FOR_DELIVERY',
        'out_for_delivery',
      ]);
    });
  });

  describe('SMS', () => {
    it('texts a customer who opted in, besides the email', () => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('delivered', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.notices.map((notice) => [notice.entry.channel, notice.entry.to])).toEqual([
        ['email', 'ada@example.com'],
        ['sms', '+14155550100'],
      ]);
    });

    it('only emails a customer who did not opt in', () => {
      // Prepare
      const order = withScans(anEmailOnlyOrder(), aScan('delivered', DAY_3));

      // Act
      const delivery = plan(order, DAY_3);

      // Assess
      expect(delivery.notices.map((notice) => notice.entry.channel)).toEqual(['email']);
    });
  });
});

describe('receiverPlan', () => {
  /** The shipped order parked on the delivery wait until `until` (CapturePayment's deadline by default). */
  const parked = (order: OrderRecord, until = daysAfter(PROMISED, 1)): OrderRecord => ({
    ...order,
    wait: { stage: 'delivery', token: 'delivery-token', until },
  });
  const receive = (order: OrderRecord, at: string) =>
    receiverPlan(order, new Date(at), policy, noticeContext);

  it('applies a milestone that keeps the deadline, with its notice, and keeps the wait parked', () => {
    // Prepare
    const order = withScans(parked(anEmailOnlyOrder()), aScan('out_for_delivery', DAY_3));

    // Act
    const delivery = receive(order, DAY_3);

    // Assess
    expect([delivery?.action, delivery?.next.status, delivery?.next.wait?.token]).toEqual([
      'wait',
      'OUT_FOR_DELIVERY',
      'delivery-token',
    ]);
    expect(delivery && templates(delivery)).toEqual(['out_for_delivery by email']);
  });

  it('applies a delivery, which ends the wait', () => {
    // Prepare
    const order = withScans(parked(anEmailOnlyOrder()), aScan('delivered', DAY_3));

    // Act
    const delivery = receive(order, DAY_3);

    // Assess
    expect([delivery?.action, delivery?.next.status, delivery?.next.wait]).toEqual([
      'delivered',
      'DELIVERED',
      undefined,
    ]);
  });

  it('leaves to the workflow a scan that moves the deadline, a failure, and a wait not parked', () => {
    // Prepare
    const later = aScan('in_transit', DAY_2, { estimatedDelivery: daysAfter(PROMISED, 2) });
    const orders = [
      withScans(parked(aShippedOrder()), later),
      withScans(parked(aShippedOrder()), aScan('failure', DAY_2)),
      withScans(aShippedOrder(), aScan('in_transit', DAY_2)),
      withScans(parked(aShippedOrder(), daysAfter(PROMISED, 3)), aScan('in_transit', DAY_2)),
    ];

    // Act
    const plans = orders.map((order) => receive(order, DAY_2));

    // Assess
    expect(plans).toEqual([undefined, undefined, undefined, undefined]);
  });
});
