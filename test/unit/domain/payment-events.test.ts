// What the payment provider's events do to an order: a lapse of the current authorization before shipment is
// recorded once and ends the shipment wait with `renew` (ahead of a ship trigger, not of a cancellation); a failed
// refund and a dispute flag the order with an operators' alert, once per event and per refund or dispute; events
// about another payment, redeliveries and lapses that no longer matter change nothing.
import { describe, expect, it } from 'vitest';
import { shipmentWakeAction, withCancellationRequest } from '../../../functions/domain/cancellation';
import { markApplied, withShipEvent } from '../../../functions/domain/inbox';
import type { OrderRecord } from '../../../functions/domain/order';
import {
  hasPendingLapse,
  paymentEventEffect,
  paymentEventKey,
  type PaymentEvent,
} from '../../../functions/domain/payment-events';
import { anOrder, aShippedOrder, daysAfter, ORDER_ID, T0 } from '../helpers/orders';

const PAYMENT_ID = 'pi_current';
const LAPSED_AT = daysAfter(T0, 3);
const RECEIVED_AT = daysAfter(T0, 3.001);

/** The example order parked waiting for shipment: authorized, label bought, its wait stored. */
const aParkedOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    status: 'LABEL_CREATED',
    version: 6,
    payment: {
      provider: 'stripe',
      status: 'AUTHORIZED',
      paymentId: PAYMENT_ID,
      authorizedAmount: 4498,
      capturedAmount: 0,
      refundedAmount: 0,
      authorizationExpiresAt: daysAfter(T0, 7),
    },
    wait: { stage: 'shipment', token: 'shipment-token', until: daysAfter(T0, 6) },
    ...overrides,
  });

const aLapse = (overrides: Partial<PaymentEvent> = {}): PaymentEvent =>
  ({
    kind: 'authorization_lapsed',
    eventId: 'evt_lapse',
    type: 'charge.expired',
    occurredAt: LAPSED_AT,
    paymentId: PAYMENT_ID,
    ...overrides,
  }) as PaymentEvent;

const aDispute = (overrides: Partial<PaymentEvent> = {}): PaymentEvent =>
  ({
    kind: 'dispute_opened',
    eventId: 'evt_dispute',
    type: 'charge.dispute.created',
    occurredAt: LAPSED_AT,
    paymentId: 'pay_sbx_0001',
    disputeId: 'dp_1',
    amount: 4498,
    reason: 'fraudulent',
    ...overrides,
  }) as PaymentEvent;

const aFailedRefund = (overrides: Partial<PaymentEvent> = {}): PaymentEvent =>
  ({
    kind: 'refund_failed',
    eventId: 'evt_refund',
    type: 'charge.refund.updated',
    occurredAt: LAPSED_AT,
    paymentId: 'pay_sbx_0001',
    refundId: 're_1',
    amount: 1999,
    reason: 'expired_or_canceled_card',
    ...overrides,
  }) as PaymentEvent;

describe('a lapsed authorization', () => {
  it('is recorded with the expiry moved to the lapse, a pending payment event and a timeline entry', () => {
    // Act
    const effect = paymentEventEffect(aParkedOrder(), aLapse(), RECEIVED_AT);

    // Assess
    expect(effect?.alert).toBeUndefined();
    const next = effect!.next;
    expect(next.payment).toMatchObject({ status: 'AUTHORIZED', authorizationExpiresAt: LAPSED_AT });
    expect(next.inbox[paymentEventKey('evt_lapse')]).toEqual({
      kind: 'payment',
      paymentId: PAYMENT_ID,
      receivedAt: RECEIVED_AT,
      occurredAt: LAPSED_AT,
      applied: false,
    });
    expect(next.timeline.at(-1)).toEqual({
      at: LAPSED_AT,
      type: 'PAYMENT_AUTHORIZATION_LAPSED',
      detail: { event: 'charge.expired' },
    });
    expect(hasPendingLapse(next)).toBe(true);
  });

  it('keeps an expiry that was already earlier than the event', () => {
    const order = aParkedOrder();
    const early = { ...order, payment: { ...order.payment, authorizationExpiresAt: daysAfter(T0, 2) } };

    expect(paymentEventEffect(early, aLapse(), RECEIVED_AT)?.next.payment.authorizationExpiresAt).toBe(
      daysAfter(T0, 2),
    );
  });

  it('ends the shipment wait with renew, before a ship trigger but after a cancellation alone', () => {
    // Prepare
    const lapsed = paymentEventEffect(aParkedOrder(), aLapse(), RECEIVED_AT)!.next;
    const lapsedAndShipped = withShipEvent(lapsed, RECEIVED_AT)!;
    const lapsedAndCancelled = withCancellationRequest(lapsed, { reason: 'changed_mind' }, RECEIVED_AT)!;

    // Act / Assess
    expect(shipmentWakeAction(aParkedOrder())).toBeUndefined();
    expect(shipmentWakeAction(lapsed)).toBe('renew');
    expect(shipmentWakeAction(lapsedAndShipped)).toBe('renew');
    expect(shipmentWakeAction(lapsedAndCancelled)).toBe('cancel');
    // Once the renewal marked it applied, the ship call is taken up.
    expect(shipmentWakeAction(markApplied(lapsedAndShipped, ['payment']))).toBe('ship');
  });

  it('is recorded once per payment: the same event again, or its other event, changes nothing', () => {
    // Prepare
    const lapsed = paymentEventEffect(aParkedOrder(), aLapse(), RECEIVED_AT)!.next;
    const renewed = markApplied(lapsed, ['payment']);

    // Act / Assess
    expect(paymentEventEffect(lapsed, aLapse(), RECEIVED_AT)).toBeUndefined();
    expect(
      paymentEventEffect(
        lapsed,
        aLapse({ eventId: 'evt_canceled', type: 'payment_intent.canceled' }),
        RECEIVED_AT,
      ),
    ).toBeUndefined();
    // Also after the renewal (a provider that keeps the payment id, like the sandbox, reports the old lapse late).
    expect(paymentEventEffect(renewed, aLapse({ eventId: 'evt_late' }), RECEIVED_AT)).toBeUndefined();
  });

  it('changes nothing for a payment the order no longer holds (renewed since under a new id)', () => {
    expect(paymentEventEffect(aParkedOrder(), aLapse({ paymentId: 'pi_before_renewal' }), RECEIVED_AT)).toBe(
      undefined,
    );
  });

  it('changes nothing once the payment is captured, voided or expired, or the order is cancelled or over', () => {
    const parked = aParkedOrder();
    const orders: OrderRecord[] = [
      { ...parked, payment: { ...parked.payment, status: 'CAPTURED' } },
      { ...parked, payment: { ...parked.payment, status: 'VOIDED' } },
      { ...parked, payment: { ...parked.payment, status: 'EXPIRED' } },
      withCancellationRequest(parked, { reason: 'changed_mind' }, RECEIVED_AT)!,
      { ...parked, status: 'REJECTED' },
    ];

    for (const order of orders) expect(paymentEventEffect(order, aLapse(), RECEIVED_AT)).toBeUndefined();
  });

  it('is no pending lapse once the order holds another payment', () => {
    const lapsed = paymentEventEffect(aParkedOrder(), aLapse(), RECEIVED_AT)!.next;
    const renewedElsewhere = { ...lapsed, payment: { ...lapsed.payment, paymentId: 'pi_new' } };

    expect(hasPendingLapse(renewedElsewhere)).toBe(false);
  });
});

describe('a dispute', () => {
  it('flags the order, adds a timeline entry and alerts operators without customer data', () => {
    // Prepare
    const order = aShippedOrder();

    // Act
    const effect = paymentEventEffect(order, aDispute(), RECEIVED_AT);

    // Assess
    expect(effect?.next.paymentIssues).toEqual([
      {
        kind: 'dispute',
        eventId: 'evt_dispute',
        at: LAPSED_AT,
        amount: 4498,
        disputeId: 'dp_1',
        reason: 'fraudulent',
      },
    ]);
    expect(effect?.next.timeline.at(-1)).toMatchObject({
      type: 'PAYMENT_DISPUTED',
      detail: { amount: 4498, disputeId: 'dp_1', reason: 'fraudulent' },
    });
    expect(effect?.alert).toMatchObject({
      kind: 'payment_dispute',
      orderId: ORDER_ID,
      subject: `Payment disputed for order ${ORDER_ID}`,
    });
    expect(effect?.alert?.text).toContain('$44.98');
    expect(effect?.alert?.text).not.toContain(order.customer.email);
    expect(effect?.alert?.text).not.toContain(order.customer.name);
  });

  it('is flagged once: the same event, or another event of the same dispute, changes nothing', () => {
    const flagged = paymentEventEffect(aShippedOrder(), aDispute(), RECEIVED_AT)!.next;

    expect(paymentEventEffect(flagged, aDispute(), RECEIVED_AT)).toBeUndefined();
    expect(paymentEventEffect(flagged, aDispute({ eventId: 'evt_other' }), RECEIVED_AT)).toBeUndefined();
  });

  it('is flagged whatever the order status, a delivered order included', () => {
    const delivered = aShippedOrder({ status: 'DELIVERED' });

    expect(paymentEventEffect(delivered, aDispute(), RECEIVED_AT)?.next.paymentIssues).toHaveLength(1);
  });
});

describe('a failed refund', () => {
  it('flags the order beside an earlier dispute and alerts operators', () => {
    // Prepare
    const disputed = paymentEventEffect(aShippedOrder(), aDispute(), RECEIVED_AT)!.next;

    // Act
    const effect = paymentEventEffect(disputed, aFailedRefund(), RECEIVED_AT);

    // Assess
    expect(effect?.next.paymentIssues?.map((issue) => issue.kind)).toEqual(['dispute', 'refund_failed']);
    expect(effect?.next.paymentIssues?.[1]).toEqual({
      kind: 'refund_failed',
      eventId: 'evt_refund',
      at: LAPSED_AT,
      amount: 1999,
      refundId: 're_1',
      reason: 'expired_or_canceled_card',
    });
    expect(effect?.next.timeline.at(-1)?.type).toBe('PAYMENT_REFUND_FAILED');
    expect(effect?.alert).toMatchObject({ kind: 'refund_failed', orderId: ORDER_ID });
    expect(effect?.alert?.text).toContain('re_1');
  });

  it('is flagged once per refund, and another refund that fails is flagged too', () => {
    const flagged = paymentEventEffect(aShippedOrder(), aFailedRefund(), RECEIVED_AT)!.next;

    expect(paymentEventEffect(flagged, aFailedRefund({ eventId: 'evt_again' }), RECEIVED_AT)).toBeUndefined();
    expect(
      paymentEventEffect(flagged, aFailedRefund({ eventId: 'evt_2', refundId: 're_2' }), RECEIVED_AT)?.next
        .paymentIssues,
    ).toHaveLength(2);
  });

  it('changes nothing for a payment the order does not hold', () => {
    expect(paymentEventEffect(aShippedOrder(), aFailedRefund({ paymentId: 'pi_other' }), RECEIVED_AT)).toBe(
      undefined,
    );
  });
});
