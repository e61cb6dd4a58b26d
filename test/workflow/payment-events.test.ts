// Stripe's payment webhooks as Stripe sends them, posted to the local engine: signed with the SDK's test header,
// sometimes twice, sometimes for payments no order holds. The local engine authorizes with the sandbox provider,
// whose payment ids (`pi_sbx_...`) the same lookup finds. A lapsed authorization is renewed at once and the order
// still ships and captures once; a dispute or a failed refund flags the order and alerts operators once; nothing
// unsigned, stale or irrelevant changes an order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import { stripeEvent } from '../../local/api-client';
import { signStripeWebhook } from '../../functions/adapters/payment/stripe-webhooks';
import { getOrder } from '../../functions/adapters/order-store';
import type { OrderView } from '../../functions/domain/order';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  stripeWebhookSecret,
  waitForOrder,
  waitForParked,
  withTotal,
} from '../helpers/local-system';

// A minute a day: the authorization (7 days) is renewed on its own only after 6 minutes, so a renewal within
// seconds of a lapse event is the event's doing.
const DAY_SECONDS = 60;

describe('payment webhooks', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: DAY_SECONDS });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  /** An order parked waiting for shipment, and the id of its payment at the provider. */
  const parkedOrder = async (): Promise<{ order: OrderView; paymentId: string }> => {
    const { body } = await api.postOrder(anOrderRequest());
    const order = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await waitForParked(system, order.orderId);
    const stored = await getOrder(system.deps.db, order.orderId);
    return { order, paymentId: stored!.payment.paymentId! };
  };

  /** A shipped order (payment captured) and its payment id. */
  const shippedOrder = async (): Promise<{ order: OrderView; paymentId: string }> => {
    const { order, paymentId } = await parkedOrder();
    await api.ship(order.orderId);
    const shipped = await waitForOrder(api, system, order.orderId, (o) => o.payment.status === 'CAPTURED');
    return { order: shipped, paymentId };
  };

  const opsAlerts = async (orderId: string) =>
    (await api.outbox(orderId)).filter((message) => message.channel === 'ops');

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('renews a lapsed authorization at once; the order still ships and captures once', async () => {
    // Prepare
    const { order, paymentId } = await parkedOrder();
    const plannedExpiry = order.payment.authorizationExpiresAt!;
    const lapse = stripeEvent('charge.expired', {
      id: 'ch_local_1',
      object: 'charge',
      payment_intent: paymentId,
      amount: order.total,
    });

    // Act
    const response = await api.paymentEvent(lapse);
    const renewed = await waitForOrder(api, system, order.orderId, (o) =>
      o.timeline.some((t) => t.type === 'PAYMENT_REAUTHORIZED'),
    );
    // The same lapse again, and Stripe's other event of it (the PaymentIntent cancelled), change nothing more.
    const again = await api.paymentEvent(lapse);
    const canceled = await api.paymentEvent(
      stripeEvent('payment_intent.canceled', { id: paymentId, object: 'payment_intent' }),
    );
    await waitForParked(system, order.orderId);
    await api.ship(order.orderId);
    const shipped = await waitForOrder(api, system, order.orderId, (o) => o.payment.status === 'CAPTURED');

    // Assess
    expect(response).toMatchObject({ status: 200, body: { received: 1, outcome: 'recorded' } });
    expect(again.body).toEqual({ received: 1, outcome: 'ignored' });
    expect(canceled.body).toEqual({ received: 1, outcome: 'ignored' });
    const types = renewed.timeline.map((t) => t.type);
    expect(types.indexOf('PAYMENT_AUTHORIZATION_LAPSED')).toBeGreaterThan(-1);
    expect(types.indexOf('PAYMENT_REAUTHORIZED')).toBeGreaterThan(
      types.indexOf('PAYMENT_AUTHORIZATION_LAPSED'),
    );
    // Renewed for a full validity from now, not left at the lapse nor at the planned expiry.
    expect(Date.parse(renewed.payment.authorizationExpiresAt!)).toBeGreaterThan(Date.parse(plannedExpiry));
    expect(renewed.payment.status).toBe('AUTHORIZED');
    expect(shipped.timeline.filter((t) => t.type === 'PAYMENT_REAUTHORIZED')).toHaveLength(1);
    expect(shipped.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    expect(shipped.payment.capturedAmount).toBe(order.total);
    expect(shipped.status).toBe('SHIPPED');
  });

  it('renews a lapse recorded while the order was in review once it waits for shipment, then captures once', async () => {
    // Prepare: an order the risk rules hold for review (1,005.00, billed in France, a new customer): its workflow
    // is parked on the review, which a lapse does not wake.
    const base = anOrderRequest();
    const request = withTotal({
      ...base,
      customer: { ...base.customer, email: `held-${Date.now().toString(36)}@example.com` },
      billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
      items: [{ sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 2, unitPrice: 50_000 }],
    });
    const { body } = await api.postOrder(request);
    await waitForOrder(api, system, body.orderId, hasStatus('IN_REVIEW'));
    const paymentId = (await getOrder(system.deps.db, body.orderId))!.payment.paymentId!;

    // Act: the hold lapses while the order is in review; an operator approves it; the warehouse ships it.
    const lapse = await api.paymentEvent(
      stripeEvent('payment_intent.canceled', { id: paymentId, object: 'payment_intent' }),
    );
    await api.review(body.orderId, { decision: 'approve' });
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await waitForParked(system, body.orderId);
    await api.ship(body.orderId);
    const shipped = await waitForOrder(api, system, body.orderId, (o) => o.payment.status === 'CAPTURED');

    // Assess
    expect(lapse.body).toEqual({ received: 1, outcome: 'recorded' });
    const types = shipped.timeline.map((t) => t.type);
    expect(types.indexOf('PAYMENT_REAUTHORIZED')).toBeGreaterThan(
      types.indexOf('PAYMENT_AUTHORIZATION_LAPSED'),
    );
    expect(types.indexOf('PAYMENT_CAPTURED')).toBeGreaterThan(types.indexOf('PAYMENT_REAUTHORIZED'));
    expect(types.filter((type) => type === 'PAYMENT_CAPTURED')).toHaveLength(1);
  });

  it('flags a dispute and alerts operators once, however often Stripe delivers it', async () => {
    // Prepare
    const { order, paymentId } = await shippedOrder();
    const dispute = stripeEvent('charge.dispute.created', {
      id: 'dp_local_1',
      object: 'dispute',
      amount: order.total,
      reason: 'fraudulent',
      status: 'warning_needs_response',
      payment_intent: paymentId,
    });

    // Act
    const first = await api.paymentEvent(dispute);
    const second = await api.paymentEvent(dispute);
    await settle();

    // Assess
    expect(first.body).toEqual({ received: 1, outcome: 'recorded' });
    expect(second.body).toEqual({ received: 1, outcome: 'ignored' });
    const flagged = await api.order(order.orderId);
    expect(flagged.paymentIssues).toEqual([
      {
        kind: 'dispute',
        eventId: dispute.id,
        at: new Date(dispute.created * 1000).toISOString(),
        amount: order.total,
        disputeId: 'dp_local_1',
        reason: 'fraudulent',
      },
    ]);
    // The operators' view shows it too.
    expect((await api.order(order.orderId, api.keys.ops)).paymentIssues).toHaveLength(1);
    const alerts = await opsAlerts(order.orderId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain('disputed');
    // No customer data in the alert.
    expect(alerts[0]!.text).not.toContain(order.customer.email);
    expect(alerts[0]!.text).not.toContain(order.customer.name);
  });

  it('flags a failed refund and alerts operators; other refund updates change nothing', async () => {
    // Prepare
    const { order, paymentId } = await shippedOrder();
    const refund = (status: string) => ({
      id: 're_local_1',
      object: 'refund',
      amount: 1999,
      status,
      payment_intent: paymentId,
      ...(status === 'failed' ? { failure_reason: 'expired_or_canceled_card' } : {}),
    });

    // Act
    const succeeded = await api.paymentEvent(stripeEvent('charge.refund.updated', refund('succeeded')));
    const failed = await api.paymentEvent(stripeEvent('charge.refund.updated', refund('failed')));
    await settle();

    // Assess
    expect(succeeded.body).toEqual({ received: 1, outcome: 'ignored' });
    expect(failed.body).toEqual({ received: 1, outcome: 'recorded' });
    const flagged = await api.order(order.orderId);
    expect(flagged.paymentIssues).toMatchObject([
      { kind: 'refund_failed', refundId: 're_local_1', amount: 1999, reason: 'expired_or_canceled_card' },
    ]);
    expect(flagged.timeline.map((t) => t.type)).toContain('PAYMENT_REFUND_FAILED');
    const alerts = await opsAlerts(order.orderId);
    expect(alerts.map((alert) => alert.subject)).toEqual([`Refund failed for order ${order.orderId}`]);
  });

  it('acknowledges an event type it does not act on, and one for an unknown payment, changing nothing', async () => {
    // Prepare
    const { order, paymentId } = await parkedOrder();
    const before = await getOrder(system.deps.db, order.orderId);

    // Act
    const unknownType = await api.paymentEvent(
      stripeEvent('payment_intent.succeeded', { id: paymentId, object: 'payment_intent' }),
    );
    const unknownPayment = await api.paymentEvent(
      stripeEvent('payment_intent.canceled', { id: 'pi_nobody_holds_this', object: 'payment_intent' }),
    );
    await settle();

    // Assess
    expect(unknownType).toMatchObject({ status: 200, body: { received: 1, outcome: 'ignored' } });
    expect(unknownPayment).toMatchObject({ status: 200, body: { received: 1, outcome: 'ignored' } });
    const after = await getOrder(system.deps.db, order.orderId);
    expect(after?.version).toBe(before?.version);
  });

  it('refuses an unsigned, wrongly signed, altered or stale webhook with 401 and changes nothing', async () => {
    // Prepare
    const { order, paymentId } = await parkedOrder();
    const before = await getOrder(system.deps.db, order.orderId);
    const event = stripeEvent('payment_intent.canceled', { id: paymentId, object: 'payment_intent' });
    const raw = JSON.stringify(event);
    const post = (body: string, signature?: string) =>
      api.request<{ error: { code: string } }>('POST', '/webhooks/payment/stripe', {
        key: null,
        raw: body,
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'stripe-signature': signature } : {}),
        },
      });

    // Act
    const answers = [
      await post(raw),
      await post(raw, signStripeWebhook(raw, 'whsec_not_this_endpoint')),
      await post(raw.replace(paymentId, 'pi_someone_else'), signStripeWebhook(raw, stripeWebhookSecret)),
      await post(raw, signStripeWebhook(raw, stripeWebhookSecret, Math.floor(Date.now() / 1000) - 301)),
    ];
    await settle();

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHORIZED');
    }
    const after = await getOrder(system.deps.db, order.orderId);
    expect(after?.version).toBe(before?.version);
    expect(after?.timeline).toEqual(before?.timeline);
  });

  it('answers 400 for a signed body that is not JSON', async () => {
    const raw = '{"id": "evt_broken",';

    const response = await api.request<{ error: { code: string } }>('POST', '/webhooks/payment/stripe', {
      key: null,
      raw,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signStripeWebhook(raw, stripeWebhookSecret),
      },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('changes nothing for a cancellation Orderflow made itself', async () => {
    // Prepare: the customer cancels; the workflow voids the authorization at the provider.
    const { order, paymentId } = await parkedOrder();
    await api.cancel(order.orderId, { reason: 'changed_mind' });
    const cancelled = await waitForOrder(api, system, order.orderId, hasStatus('CANCELLED'));

    // Act: the provider reports the PaymentIntent cancelled.
    const response = await api.paymentEvent(
      stripeEvent('payment_intent.canceled', { id: paymentId, object: 'payment_intent' }),
    );

    // Assess
    expect(response.body).toEqual({ received: 1, outcome: 'ignored' });
    expect((await api.order(order.orderId)).timeline).toEqual(cancelled.timeline);
  });

  it('keeps the lapse of an order in delivery from waking anything', async () => {
    // A captured payment holds nothing to lapse: a late cancellation event of its intent is ignored.
    const { order, paymentId } = await shippedOrder();
    await api.carrierEvent(scan(order.shipment!.trackingNumber, 'in_transit'));
    await waitForOrder(api, system, order.orderId, hasStatus('IN_TRANSIT'));

    const response = await api.paymentEvent(
      stripeEvent('charge.expired', { id: 'ch_late', object: 'charge', payment_intent: paymentId }),
    );

    expect(response.body).toEqual({ received: 1, outcome: 'ignored' });
  });
});
