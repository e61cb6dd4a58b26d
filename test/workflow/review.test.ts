// Orders the risk rules hold for review: the workflow reserves the stock and authorizes the payment, parks the
// order IN_REVIEW and alerts the operators once, then goes on with the operator's decision. Approved, it ships as
// any order; rejected (or undecided by the review deadline) it gives everything back and ends REJECTED
// FRAUD_SUSPECTED; a cancellation while in review cancels it as before shipment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import { getOrder } from '../../functions/adapters/order-store';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

let customers = 0;

/**
 * An order that scores 70 and is held: 1,005.00 (very high value, 35), a customer never seen before (10), billed
 * in another country (25). Each gets its own customer; the card alternates between the two sandbox cards, so no
 * card is shared by enough customers in this file to add the shared-card rule.
 */
const aHeldOrder = (overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest => {
  customers += 1;
  const base = anOrderRequest();
  return withTotal({
    ...base,
    customer: { ...base.customer, email: `held-${customers}-${Date.now().toString(36)}@example.com` },
    billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    // A SKU of its own (stocked by `held`), so that its stock tells what this order holds.
    items: [{ sku: `SKU-HELD-${customers}`, name: 'Watch', quantity: 2, unitPrice: 50_000 }],
    payment: { provider: 'sandbox', token: customers % 2 === 0 ? 'tok_mastercard' : 'tok_visa' },
    ...overrides,
  });
};

describe('an order held for review', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // One business day = 3 s: the review timeout (2 days) passes in 6 s.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  /** Posts a held order, its SKU stocked with 5, and waits until the review (or an unexpected end). */
  const held = async (request = aHeldOrder()): Promise<OrderView> => {
    await api.setStock(request.items[0]!.sku, 5);
    const posted = await api.postOrder(request);
    expect(posted.status).toBe(202);
    return waitForOrder(api, system, posted.body.orderId, hasStatus('IN_REVIEW', 'REJECTED', 'FAILED'));
  };

  const reviewAlerts = async (orderId: string) =>
    (await api.outbox(orderId)).filter((m) => m.channel === 'ops' && m.subject.includes('needs a review'));

  it('waits IN_REVIEW with its stock reserved, its payment authorized and the operators told once', async () => {
    const order = await held();
    const stock = await api.stock(order.items[0]!.sku);

    expect(order.status).toBe('IN_REVIEW');
    expect(order.risk).toMatchObject({
      score: 70,
      decision: 'review',
      reasons: ['very_high_value', 'new_customer', 'billing_shipping_country_mismatch'],
      review: { decision: null, decidedBy: null },
    });
    expect(order.payment).toMatchObject({ status: 'AUTHORIZED', authorizedAmount: 100_500 });
    expect([stock.available, stock.reserved]).toEqual([3, 2]);
    expect(await reviewAlerts(order.orderId)).toHaveLength(1);
    expect((await api.outbox(order.orderId)).map((m) => m.template)).not.toContain('order_confirmation');
  });

  it('refuses to ship before it is approved', async () => {
    const order = await held();

    const shipped = await api.ship(order.orderId);

    expect(shipped.status).toBe(409);
    expect((await api.order(order.orderId)).status).toBe('IN_REVIEW');
  });

  it('approved, is confirmed and ships as any order; the review shows who decided, when and why', async () => {
    const order = await held();

    const approved = await api.review(order.orderId, { decision: 'approve', note: 'customer called back' });
    const labelled = await waitForOrder(api, system, order.orderId, hasStatus('LABEL_CREATED'));
    expect((await api.ship(order.orderId)).status).toBe(202);
    await waitForOrder(api, system, order.orderId, hasStatus('SHIPPED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    const delivered = await waitForOrder(api, system, order.orderId, hasStatus('DELIVERED'));

    expect(approved.status).toBe(202);
    expect(delivered.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: 100_500 });
    expect(delivered.risk?.review).toMatchObject({
      decision: 'approve',
      note: 'customer called back',
      decidedBy: 'ops',
    });
    expect(delivered.risk?.review?.decidedAt).toEqual(expect.any(String));
    const templates = (await api.outbox(order.orderId)).map((m) => `${m.channel}:${m.template}`);
    expect(templates).toEqual(expect.arrayContaining(['email:order_confirmation', 'email:delivered']));
    expect(await reviewAlerts(order.orderId)).toHaveLength(1);
  });

  it('takes the same decision twice harmlessly and refuses a different one', async () => {
    const order = await held();
    await api.review(order.orderId, { decision: 'approve' });

    const again = await api.review(order.orderId, { decision: 'approve' });
    const other = await api.review(order.orderId, { decision: 'reject' });
    await waitForOrder(api, system, order.orderId, hasStatus('LABEL_CREATED'));

    expect(again.status).toBe(202);
    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe('REVIEW_ALREADY_DECIDED');
  });

  it('rejected, voids the authorization, releases the stock and ends REJECTED FRAUD_SUSPECTED', async () => {
    const order = await held();

    const rejected = await api.review(order.orderId, { decision: 'reject', note: 'card reported stolen' });
    const closed = await waitForOrder(api, system, order.orderId, hasStatus('REJECTED', 'FAILED'));
    const after = await api.stock(order.items[0]!.sku);

    expect(rejected.status).toBe(202);
    expect(closed.status).toBe('REJECTED');
    expect(closed.rejection?.code).toBe('FRAUD_SUSPECTED');
    expect(closed.payment.status).toBe('VOIDED');
    expect([after.available, after.reserved]).toEqual([5, 0]);
    expect(closed.risk?.review).toMatchObject({ decision: 'reject', note: 'card reported stolen' });
    const templates = (await api.outbox(order.orderId)).map((m) => `${m.channel}:${m.template}`);
    expect(templates).toContain('email:order_rejected');
    expect(templates).not.toContain('email:order_confirmation');
    expect((await waitForExecutionEnd(system, order.orderId)).status).toBe('SUCCEEDED');
  });

  it('is rejected FRAUD_SUSPECTED, with everything given back, when nobody decides in time', async () => {
    const order = await held();

    const closed = await waitForOrder(api, system, order.orderId, hasStatus('REJECTED', 'FAILED'), 30_000);
    const after = await api.stock(order.items[0]!.sku);

    expect(closed.status).toBe('REJECTED');
    expect(closed.rejection?.code).toBe('FRAUD_SUSPECTED');
    expect(closed.payment.status).toBe('VOIDED');
    expect([after.available, after.reserved]).toEqual([5, 0]);
    expect(closed.risk?.review?.decision).toBeNull();
    expect((await api.outbox(order.orderId)).map((m) => m.template)).toContain('order_rejected');
  });

  it('cancelled by the customer while in review, is cancelled as before shipment', async () => {
    const order = await held();

    const cancelled = await api.cancel(order.orderId, { reason: 'changed_mind' });
    const closed = await waitForOrder(
      api,
      system,
      order.orderId,
      hasStatus('CANCELLED', 'FAILED', 'REJECTED'),
    );
    const after = await api.stock(order.items[0]!.sku);

    expect(cancelled.status).toBe(202);
    expect(closed.status).toBe('CANCELLED');
    expect(closed.payment.status).toBe('VOIDED');
    expect([after.available, after.reserved]).toEqual([5, 0]);
    expect((await api.outbox(order.orderId)).map((m) => m.template)).toContain('cancellation_confirmation');
    const late = await api.review(order.orderId, { decision: 'approve' });
    expect(late.body.error?.code).toBe('NOT_IN_REVIEW');
  });

  it('is reviewed with the ops key only, and only while IN_REVIEW', async () => {
    const plain = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, plain.body.orderId, hasStatus('LABEL_CREATED'));
    const order = await held();

    const byStorefront = await api.review(order.orderId, { decision: 'approve' }, api.keys.storefront);
    const notHeld = await api.review(plain.body.orderId, { decision: 'approve' });
    const badBody = await api.review(order.orderId, { decision: 'maybe' });

    expect(byStorefront.status).toBe(403);
    expect([notHeld.status, notHeld.body.error?.code]).toEqual([409, 'NOT_IN_REVIEW']);
    expect(badBody.status).toBe(400);
    expect((await api.order(order.orderId)).status).toBe('IN_REVIEW');
  });
});

describe('the velocity rules on the source IP and the payment method', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 60 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('flag the sixth customer from one IP and the fifth on one card, storing neither the IP nor the card', async () => {
    const ip = '203.0.113.77';
    const post = (n: number, token: string) =>
      api.postOrder(
        anOrderRequest({
          customer: { name: 'Buyer', email: `buyer-${n}@example.com`, smsOptIn: false },
          payment: { provider: 'sandbox', token },
        }),
        { headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } },
      );
    // Five customers from one IP, the first four on one card.
    for (let n = 1; n <= 5; n += 1) {
      const { body } = await post(n, n <= 4 ? 'tok_visa' : 'tok_mastercard');
      await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    }

    const fifthOnCard = await post(6, 'tok_visa');
    const order = await waitForOrder(api, system, fifthOnCard.body.orderId, hasStatus('LABEL_CREATED'));
    const fromElsewhere = await api.postOrder(
      anOrderRequest({ customer: { name: 'Other', email: 'other@example.com', smsOptIn: false } }),
      { headers: { 'x-forwarded-for': '198.51.100.5' } },
    );
    const elsewhere = await waitForOrder(api, system, fromElsewhere.body.orderId, hasStatus('LABEL_CREATED'));

    // new customer (10) + shared card (25) + shared IP (10): still approved on their own.
    expect(order.risk).toMatchObject({
      score: 45,
      decision: 'approve',
      reasons: ['new_customer', 'shared_payment_method', 'shared_source_ip'],
    });
    expect(elsewhere.risk?.reasons).not.toContain('shared_source_ip');
    const stored = await getOrder(system.deps.db, order.orderId);
    expect(JSON.stringify(stored)).not.toContain(ip);
    expect(stored?.sourceIpHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.paymentFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(`sandbox:tok_visa`);
  });
});
