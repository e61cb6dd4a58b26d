// Receiving a verified payment event against dynalite: the order is found by its current payment id (the byPayment
// index), a dispute is stored and alerts operators once, an alert that cannot be sent leaves the event unrecorded
// (so the provider's redelivery alerts), a lapse wakes the parked shipment wait with `renew`, and a payment no
// order holds (or no longer holds) is ignored.
import { describe, expect, it } from 'vitest';
import { getOrder, putOrderVersion } from '../../../functions/adapters/order-store';
import type { OrderRecord } from '../../../functions/domain/order';
import type { PaymentEvent } from '../../../functions/domain/payment-events';
import { receivePaymentEvent } from '../../../functions/services/receive-payment-event';
import { useLocalDynamo } from '../helpers/dynamo';
import { recordingDeps, storeFresh } from '../helpers/recording-deps';
import { anOrder, aShippedOrder, daysAfter, T0 } from '../helpers/orders';

const NOW = new Date(daysAfter(T0, 3));
const UNTIL = daysAfter(T0, 6);

const store = useLocalDynamo();

let sequence = 0;
/** A payment id no other test uses (tests share one store, and the index is keyed by it). */
const aPaymentId = () => `pi_unit_${(sequence += 1)}_${Date.now()}`;

const aDispute = (paymentId: string, eventId = `evt_${paymentId}`): PaymentEvent => ({
  kind: 'dispute_opened',
  eventId,
  type: 'charge.dispute.created',
  occurredAt: NOW.toISOString(),
  paymentId,
  disputeId: `dp_${paymentId}`,
  amount: 4498,
  reason: 'fraudulent',
});

const aShippedOrderPaidWith = (paymentId: string): Promise<OrderRecord> => {
  const order = aShippedOrder();
  return storeFresh(store.db, { ...order, payment: { ...order.payment, paymentId } });
};

describe('receivePaymentEvent', () => {
  it('records a dispute on the order of its payment and alerts operators once, however often it comes', async () => {
    // Prepare
    const paymentId = aPaymentId();
    const order = await aShippedOrderPaidWith(paymentId);
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    const first = await receivePaymentEvent(deps, aDispute(paymentId));
    const second = await receivePaymentEvent(deps, aDispute(paymentId));

    // Assess
    expect([first, second]).toEqual(['recorded', 'ignored']);
    expect((await getOrder(store.db, order.orderId))?.paymentIssues).toHaveLength(1);
    expect(recorded.alerts.map((alert) => [alert.kind, alert.orderId])).toEqual([
      ['payment_dispute', order.orderId],
    ]);
  });

  it('records nothing when the alert cannot be sent, so the redelivery alerts', async () => {
    // Prepare
    const paymentId = aPaymentId();
    const order = await aShippedOrderPaidWith(paymentId);
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const failing = {
      ...deps,
      messaging: { ...deps.messaging, alertOps: () => Promise.reject(new Error('SNS is down')) },
    };

    // Act
    const failed = receivePaymentEvent(failing, aDispute(paymentId));
    await expect(failed).rejects.toThrow('SNS is down');
    const redelivered = await receivePaymentEvent(deps, aDispute(paymentId));

    // Assess
    expect(redelivered).toBe('recorded');
    expect(recorded.alerts).toHaveLength(1);
    expect((await getOrder(store.db, order.orderId))?.paymentIssues).toHaveLength(1);
  });

  it('wakes the parked shipment wait with renew when the authorization lapsed', async () => {
    // Prepare
    const paymentId = aPaymentId();
    const order = await storeFresh(
      store.db,
      anOrder({
        status: 'LABEL_CREATED',
        payment: {
          provider: 'stripe',
          status: 'AUTHORIZED',
          paymentId,
          authorizedAmount: 4498,
          capturedAmount: 0,
          refundedAmount: 0,
          authorizationExpiresAt: daysAfter(T0, 7),
        },
        wait: { stage: 'shipment', token: 'shipment-token', until: UNTIL },
      }),
    );
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    const outcome = await receivePaymentEvent(deps, {
      kind: 'authorization_lapsed',
      eventId: `evt_lapse_${paymentId}`,
      type: 'payment_intent.canceled',
      occurredAt: NOW.toISOString(),
      paymentId,
    });

    // Assess
    expect(outcome).toBe('recorded');
    expect(
      recorded.resumed.map((resume) => [resume.token, resume.signal.action, resume.signal.wait.until]),
    ).toEqual([['shipment-token', 'renew', UNTIL]]);
    expect((await getOrder(store.db, order.orderId))?.payment.authorizationExpiresAt).toBe(NOW.toISOString());
    expect(recorded.alerts).toEqual([]);
  });

  it('ignores a payment no order holds, and one an order held before a renewal replaced it', async () => {
    // Prepare
    const oldId = aPaymentId();
    const order = await aShippedOrderPaidWith(oldId);
    const renewed = {
      ...order,
      version: order.version + 1,
      payment: { ...order.payment, paymentId: aPaymentId() },
    };
    expect(await putOrderVersion(store.db, renewed)).toBe(true);
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    const unknown = await receivePaymentEvent(deps, aDispute('pi_unit_nobody'));
    const old = await receivePaymentEvent(deps, aDispute(oldId));

    // Assess
    expect([unknown, old]).toEqual(['ignored', 'ignored']);
    expect((await getOrder(store.db, order.orderId))?.version).toBe(renewed.version);
    expect(recorded.alerts).toEqual([]);
  });
});
