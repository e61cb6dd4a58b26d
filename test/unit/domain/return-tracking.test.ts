// planReturn, the pure heart of the return workflow: the return label goes out once, scans move the return
// forward, the parcel's arrival refunds (or credits) the amount quoted when the return opened and restocks the
// items, a parcel that never comes back expires the return, and the order's status follows from all its returns.
import { describe, expect, it } from 'vitest';
import type { OrderRecord, ReturnRecord } from '../../../functions/domain/order';
import { withNotices } from '../../../functions/domain/notices';
import { planReturn, statusAfterReturns, type ReturnPlan } from '../../../functions/domain/return-tracking';
import {
  aDeliveredOrder,
  aReturn,
  aReturnScan,
  daysAfter,
  noticeContext,
  RETURN_ID,
  RETURN_OPENED_AT,
  withCustomer,
  withReturns,
  withReturnScans,
} from '../helpers/orders';

const DAY_1 = daysAfter(RETURN_OPENED_AT, 1);
const DAY_3 = daysAfter(RETURN_OPENED_AT, 3);
const EXPIRES_AT = aReturn().expiresAt;

const plan = (order: OrderRecord, at: string, returnId = RETURN_ID): ReturnPlan =>
  planReturn(order, returnId, new Date(at), noticeContext);

/** The order as the step stores it: the plan's next order with its notices recorded as sent. */
const stored = (result: ReturnPlan): OrderRecord => withNotices(result.next, result.notices);

/** What the customer is sent: each notice's template and channel. */
const templates = (result: ReturnPlan): string[] =>
  result.notices.map((notice) => `${notice.entry.template} by ${notice.entry.channel}`);

/** The delivered order, of a customer who gets email only, with the given returns open. */
const anOrderReturning = (...returns: ReturnRecord[]): OrderRecord =>
  withReturns(withCustomer(aDeliveredOrder(), { smsOptIn: false }), ...returns);

/** The return of `returnId` in the plan's order. */
const returnOf = (result: ReturnPlan, returnId = RETURN_ID): ReturnRecord | undefined =>
  result.next.returns?.find((r) => r.returnId === returnId);

/** The order whose return parcel was just delivered back to the warehouse. */
const arrived = (...returns: ReturnRecord[]): OrderRecord =>
  withReturnScans(anOrderReturning(...returns), aReturnScan(RETURN_ID, 'delivered', DAY_3));

const ONE_SHIRT = [{ sku: 'SKU-TSHIRT', quantity: 1 }];

describe('planReturn', () => {
  describe('the return label', () => {
    it('sends the customer the return label on the first plan', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), RETURN_OPENED_AT);

      // Assess
      expect(templates(result)).toEqual(['return_label by email']);
    });

    it("puts the return's label and refund in the message", () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), RETURN_OPENED_AT);

      // Assess
      const text = result.notices[0]?.text ?? '';
      expect(text).toContain(`Print your return label: ${aReturn().labelUrl}`);
      expect(text).toContain('Return tracking number: SBX900000000001');
      expect(text).toContain('Once the parcel is back with us we refund $39.98.');
    });

    it('sends no second label when a plan runs over the stored result', () => {
      // Prepare
      const order = stored(plan(anOrderReturning(aReturn()), RETURN_OPENED_AT));

      // Act
      const result = plan(order, DAY_1);

      // Assess
      expect(result.notices).toEqual([]);
    });

    it('sends a label for each return of the order', () => {
      // Prepare
      const first = aReturn({ items: ONE_SHIRT, refundAmount: 1999 });
      const second = aReturn({ returnId: 'ret_second', items: ONE_SHIRT, refundAmount: 1999 });
      const order = stored(plan(anOrderReturning(first, second), RETURN_OPENED_AT));

      // Act
      const result = plan(order, RETURN_OPENED_AT, 'ret_second');

      // Assess
      expect(result.notices.map((n) => n.key)).toEqual(['return_label:ret_second:email']);
    });

    it('waits until the return expires', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), RETURN_OPENED_AT);

      // Assess
      expect([result.action, result.until]).toEqual(['wait', EXPIRES_AT]);
    });
  });

  describe('on the way back', () => {
    it('marks the return in_transit on an in_transit scan', () => {
      // Prepare
      const order = withReturnScans(anOrderReturning(aReturn()), aReturnScan(RETURN_ID, 'in_transit', DAY_1));

      // Act
      const result = plan(order, DAY_1);

      // Assess
      expect([returnOf(result)?.status, returnOf(result)?.trackingStatus, result.action]).toEqual([
        'in_transit',
        'in_transit',
        'wait',
      ]);
    });

    it('marks the scan applied and records it on the timeline', () => {
      // Prepare
      const order = withReturnScans(anOrderReturning(aReturn()), aReturnScan(RETURN_ID, 'in_transit', DAY_1));

      // Act
      const result = plan(order, DAY_1);

      // Assess
      expect([
        Object.values(result.next.inbox).every((event) => event.applied),
        result.next.timeline.at(-1),
      ]).toEqual([true, { at: DAY_1, type: 'RETURN_IN_TRANSIT', detail: { returnId: RETURN_ID } }]);
    });

    it('marks the return in_transit when its first scan is out_for_delivery (the in_transit scan was lost)', () => {
      // Prepare
      // Webhooks may be lost or overtaken; the receiver drops an in_transit that comes after out_for_delivery.
      const order = withReturnScans(
        anOrderReturning(aReturn()),
        aReturnScan(RETURN_ID, 'out_for_delivery', DAY_1),
      );

      // Act
      const result = plan(order, DAY_1);

      // Assess
      expect([returnOf(result)?.status, returnOf(result)?.trackingStatus]).toEqual([
        'in_transit',
        'out_for_delivery',
      ]);
    });

    it('leaves the scans of another return for that return', () => {
      // Prepare
      const other = aReturn({ returnId: 'ret_other', items: ONE_SHIRT });
      const order = withReturnScans(
        anOrderReturning(aReturn({ items: ONE_SHIRT }), other),
        aReturnScan('ret_other', 'delivered', DAY_1),
      );

      // Act
      const result = plan(order, DAY_1);

      // Assess
      expect([
        result.action,
        returnOf(result, 'ret_other')?.status,
        Object.values(result.next.inbox).filter((event) => event.kind === 'return'),
      ]).toEqual([
        'wait',
        'label_created',
        [expect.objectContaining({ returnId: 'ret_other', applied: false })],
      ]);
    });
  });

  describe('back at the warehouse', () => {
    it('refunds the quoted amount to the original payment', () => {
      // Act
      const result = plan(arrived(aReturn()), DAY_3);

      // Assess
      expect([result.action, result.refund, returnOf(result)?.status, returnOf(result)?.refundedAt]).toEqual([
        'refunded',
        { amount: 3998, to: 'original_payment' },
        'refunded',
        DAY_3,
      ]);
    });

    it('records a part of the capture refunded as PARTIALLY_REFUNDED', () => {
      // Act
      const result = plan(arrived(aReturn()), DAY_3);

      // Assess
      expect(result.next.payment).toEqual(
        expect.objectContaining({ status: 'PARTIALLY_REFUNDED', capturedAmount: 4498, refundedAmount: 3998 }),
      );
    });

    it('adds the refund to what was refunded before', () => {
      // Prepare
      const order = arrived(aReturn({ items: ONE_SHIRT, refundAmount: 1999 }));
      const earlier = { ...order, payment: { ...order.payment, refundedAmount: 500 } };

      // Act
      const result = plan(earlier, DAY_3);

      // Assess
      expect(result.next.payment.refundedAmount).toBe(2499);
    });

    it('records the whole capture refunded as REFUNDED', () => {
      // Prepare
      const order = arrived(aReturn({ refundAmount: 4498, includesShipping: true, automatic: true }));

      // Act
      const result = plan(order, DAY_3);

      // Assess
      expect([result.next.payment.status, result.next.payment.refundedAmount]).toEqual(['REFUNDED', 4498]);
    });

    it('credits a store-credit refund without touching the payment', () => {
      // Prepare
      const order = arrived(aReturn({ refundTo: 'store_credit' }));

      // Act
      const result = plan(order, DAY_3);

      // Assess
      expect([result.refund, result.next.payment]).toEqual([
        { amount: 3998, to: 'store_credit' },
        { ...order.payment, creditedAmount: 3998 },
      ]);
    });

    it('adds a store credit to what was credited before', () => {
      // Prepare
      const order = arrived(aReturn({ refundTo: 'store_credit', items: ONE_SHIRT, refundAmount: 1999 }));
      const earlier = { ...order, payment: { ...order.payment, creditedAmount: 1999 } };

      // Act
      const result = plan(earlier, DAY_3);

      // Assess
      expect([result.next.payment.creditedAmount, result.next.payment.status]).toEqual([3998, 'CAPTURED']);
    });

    it('tells the customer of the refund and its amount', () => {
      // Prepare
      const order = stored(plan(anOrderReturning(aReturn()), RETURN_OPENED_AT));
      const back = withReturnScans(order, aReturnScan(RETURN_ID, 'delivered', DAY_3));

      // Act
      const result = plan(back, DAY_3);

      // Assess
      expect([templates(result), result.notices[0]?.text]).toEqual([
        ['refund_issued by email'],
        expect.stringContaining('We have refunded $39.98 for order 1001 to your original payment method.'),
      ]);
    });

    it('tells the customer a store credit is store credit', () => {
      // Act
      const result = plan(arrived(aReturn({ refundTo: 'store_credit' })), DAY_3);

      // Assess
      expect(result.notices.find((n) => n.entry.template === 'refund_issued')?.text).toContain(
        'We have refunded $39.98 for order 1001 as store credit.',
      );
    });

    it('puts the returned lines back in stock', () => {
      // Act
      const result = plan(arrived(aReturn({ items: ONE_SHIRT, refundAmount: 1999 })), DAY_3);

      // Assess
      expect([result.restock, result.abandon]).toEqual([ONE_SHIRT, undefined]);
    });

    it('ends the order RETURNED when every item is back', () => {
      // Act
      const result = plan(arrived(aReturn()), DAY_3);

      // Assess
      expect(result.next.status).toBe('RETURNED');
    });

    it('puts the order back to DELIVERED when some items are not returned', () => {
      // Act
      const result = plan(arrived(aReturn({ items: ONE_SHIRT, refundAmount: 1999 })), DAY_3);

      // Assess
      expect(result.next.status).toBe('DELIVERED');
    });

    it('keeps the order RETURN_REQUESTED while another return is open', () => {
      // Prepare
      const other = aReturn({ returnId: 'ret_other', items: ONE_SHIRT, refundAmount: 1999 });
      const order = arrived(aReturn({ items: ONE_SHIRT, refundAmount: 1999 }), other);

      // Act
      const result = plan(order, DAY_3);

      // Assess
      expect(result.next.status).toBe('RETURN_REQUESTED');
    });

    it('ends the order RETURNED when the last items come back after an earlier return', () => {
      // Prepare
      const earlier = aReturn({
        returnId: 'ret_earlier',
        items: ONE_SHIRT,
        refundAmount: 1999,
        status: 'refunded',
      });
      const order = arrived(earlier, aReturn({ items: ONE_SHIRT, refundAmount: 1999 }));

      // Act
      const result = plan(order, DAY_3);

      // Assess
      expect(result.next.status).toBe('RETURNED');
    });

    it('refunds even after the expiry when the parcel arrived in time', () => {
      // Prepare
      const order = withReturnScans(
        anOrderReturning(aReturn()),
        aReturnScan(RETURN_ID, 'delivered', daysAfter(EXPIRES_AT, -0.5)),
      );

      // Act
      const result = plan(order, daysAfter(EXPIRES_AT, 0.1));

      // Assess
      expect(result.action).toBe('refunded');
    });
  });

  describe('a parcel that never comes back', () => {
    it('expires the return at expiresAt', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), EXPIRES_AT);

      // Assess
      expect([result.action, returnOf(result)?.status]).toEqual(['expired', 'expired']);
    });

    it('expires the return after expiresAt', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), daysAfter(EXPIRES_AT, 2));

      // Assess
      expect(result.action).toBe('expired');
    });

    it('keeps waiting just before expiresAt', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), daysAfter(EXPIRES_AT, -0.01));

      // Assess
      expect([result.action, result.until]).toEqual(['wait', EXPIRES_AT]);
    });

    it('forgets the expected lines without restocking or refunding', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), EXPIRES_AT);

      // Assess
      expect([result.abandon, result.restock, result.refund, result.next.payment.refundedAmount]).toEqual([
        aReturn().items,
        undefined,
        undefined,
        0,
      ]);
    });

    it('puts the order back to DELIVERED', () => {
      // Act
      const result = plan(anOrderReturning(aReturn()), EXPIRES_AT);

      // Assess
      expect(result.next.status).toBe('DELIVERED');
    });

    it('ends the return wait', () => {
      // Prepare
      const waiting = aReturn({ wait: { stage: 'return', token: 'task-token-1', until: EXPIRES_AT } });

      // Act
      const result = plan(anOrderReturning(waiting), EXPIRES_AT);

      // Assess
      expect(returnOf(result)?.wait).toBeUndefined();
    });
  });

  describe('a return that has ended', () => {
    it.each(['refunded', 'expired'] as const)('plans nothing more for a %s return', (status) => {
      // Prepare
      const order = withReturnScans(
        anOrderReturning(aReturn({ status })),
        aReturnScan(RETURN_ID, 'delivered', DAY_3),
      );

      // Act
      const result = plan(order, DAY_3);

      // Assess
      expect(result).toEqual({ next: order, notices: [], action: status, until: DAY_3 });
    });

    it('refunds nothing more when planned again over the stored result', () => {
      // Prepare
      const order = stored(plan(arrived(aReturn()), DAY_3));

      // Act
      const result = plan(order, daysAfter(DAY_3, 0.1));

      // Assess
      expect([result.action, result.refund, result.restock, result.notices]).toEqual([
        'refunded',
        undefined,
        undefined,
        [],
      ]);
    });
  });

  it('refuses a return the order does not have', () => {
    // Act
    const act = () => plan(anOrderReturning(aReturn()), DAY_1, 'ret_unknown');

    // Assess
    expect(act).toThrow('order ord_0123456789abcdef01234567 has no return ret_unknown');
  });
});

describe('statusAfterReturns', () => {
  it('is RETURN_REQUESTED while a return has its label', () => {
    // Act
    const status = statusAfterReturns(anOrderReturning(aReturn()));

    // Assess
    expect(status).toBe('RETURN_REQUESTED');
  });

  it('is RETURN_REQUESTED while a return is in transit, even with everything else refunded', () => {
    // Prepare
    const order = anOrderReturning(
      aReturn({ returnId: 'ret_a', items: ONE_SHIRT, status: 'refunded' }),
      aReturn({ returnId: 'ret_b', items: ONE_SHIRT, status: 'in_transit' }),
    );

    // Act
    const status = statusAfterReturns(order);

    // Assess
    expect(status).toBe('RETURN_REQUESTED');
  });

  it('is RETURNED when refunded returns cover every item, across several returns', () => {
    // Prepare
    const order = anOrderReturning(
      aReturn({ returnId: 'ret_a', items: ONE_SHIRT, status: 'refunded' }),
      aReturn({ returnId: 'ret_b', items: ONE_SHIRT, status: 'refunded' }),
    );

    // Act
    const status = statusAfterReturns(order);

    // Assess
    expect(status).toBe('RETURNED');
  });

  it('is DELIVERED when only some items came back', () => {
    // Prepare
    const order = anOrderReturning(aReturn({ items: ONE_SHIRT, status: 'refunded' }));

    // Act
    const status = statusAfterReturns(order);

    // Assess
    expect(status).toBe('DELIVERED');
  });

  it('is DELIVERED when the items of an expired return never came back', () => {
    // Prepare
    const order = anOrderReturning(
      aReturn({ returnId: 'ret_a', items: ONE_SHIRT, status: 'refunded' }),
      aReturn({ returnId: 'ret_b', items: ONE_SHIRT, status: 'expired' }),
    );

    // Act
    const status = statusAfterReturns(order);

    // Assess
    expect(status).toBe('DELIVERED');
  });
});
