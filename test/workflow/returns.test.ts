// Returns after delivery: whole or by items, a label and tracking number at once, the refund (or store credit)
// and the restock when the parcel is back, never more money back than was captured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

interface ReturnAnswer {
  returnId: string;
  status: string;
  trackingNumber: string;
  labelUrl: string;
  refundAmount: number;
  error?: { code: string };
}

describe('returns', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  /** An order of 2 × SKU (1000 each) and 1 × SKU-B (500), tax 250, shipping 500, delivered. */
  const deliveredOrder = async (sku: string): Promise<OrderView> => {
    await api.setStock(sku, 10);
    await api.setStock(`${sku}-B`, 10);
    const request = withTotal(
      anOrderRequest({
        items: [
          { sku, name: 'Shirt', quantity: 2, unitPrice: 1000 },
          { sku: `${sku}-B`, name: 'Badge', quantity: 1, unitPrice: 500 },
        ],
        tax: 250,
      }),
    );
    const { body } = await api.postOrder(request);
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    return waitForOrder(api, system, body.orderId, hasStatus('DELIVERED'));
  };
  const openReturn = (orderId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request<ReturnAnswer>('POST', `/orders/${orderId}/returns`, { body, headers });
  const bringBack = async (trackingNumber: string) => {
    await api.carrierEvent(scan(trackingNumber, 'in_transit'));
    await api.carrierEvent(scan(trackingNumber, 'delivered'));
  };

  it('refunds part, then the rest, restocks each time, and ends RETURNED', async () => {
    const order = await deliveredOrder('SKU-R1');

    const first = await openReturn(order.orderId, {
      reason: 'too small',
      items: [{ sku: 'SKU-R1', quantity: 1 }],
    });
    await bringBack(first.body.trackingNumber);
    const partly = await waitForOrder(api, system, order.orderId, (o) => o.returns[0]?.status === 'refunded');
    const second = await openReturn(order.orderId, { reason: 'changed my mind' });
    await bringBack(second.body.trackingNumber);
    const returned = await waitForOrder(api, system, order.orderId, hasStatus('RETURNED'));

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'label_created', refundAmount: 1000 + 100 });
    expect(first.body.trackingNumber).toMatch(/\w+/);
    expect(first.body.labelUrl).toContain('/_local/carrier/labels/');
    expect(partly.status).toBe('DELIVERED');
    expect(partly.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: 1100 });
    expect(second.body.refundAmount).toBe(1000 + 500 + 150);
    expect(returned.payment.refundedAmount).toBe(order.total - 500);
    expect(returned.payment.refundedAmount).toBeLessThanOrEqual(returned.payment.capturedAmount);
    expect(await api.stock('SKU-R1')).toMatchObject({ available: 10, reserved: 0 });
    expect(await api.stock('SKU-R1-B')).toMatchObject({ available: 10, reserved: 0 });
    const templates = (await api.outbox(order.orderId))
      .filter((m) => m.channel === 'email')
      .map((m) => m.template);
    expect(templates.filter((t) => t === 'return_label')).toHaveLength(2);
    expect(templates.filter((t) => t === 'refund_issued')).toHaveLength(2);
  });

  it('refunds once however often the carrier repeats the return scans', async () => {
    const order = await deliveredOrder('SKU-R2');
    const { body } = await openReturn(order.orderId, { reason: 'broken' });

    const delivered = scan(body.trackingNumber, 'delivered');
    await Promise.all([
      api.carrierEvent(delivered),
      api.carrierEvent(delivered),
      api.carrierEvent(delivered),
    ]);
    const returned = await waitForOrder(api, system, order.orderId, hasStatus('RETURNED'));
    await api.carrierEvent(delivered);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(returned.payment.refundedAmount).toBe(order.total - 500);
    expect(
      (await api.outbox(order.orderId)).filter(
        (m) => m.template === 'refund_issued' && m.channel === 'email',
      ),
    ).toHaveLength(1);
    expect(await api.stock('SKU-R2')).toMatchObject({ available: 10 });
  });

  it('refuses more than is left, an item not in the order, and an order not delivered', async () => {
    const order = await deliveredOrder('SKU-R3');
    const labelledOnly = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, labelledOnly.body.orderId, hasStatus('LABEL_CREATED'));

    const tooMany = await openReturn(order.orderId, { reason: 'x', items: [{ sku: 'SKU-R3', quantity: 3 }] });
    const foreign = await openReturn(order.orderId, {
      reason: 'x',
      items: [{ sku: 'SKU-OTHER', quantity: 1 }],
    });
    const notDelivered = await openReturn(labelledOnly.body.orderId, { reason: 'x' });
    const noReason = await openReturn(order.orderId, {});

    expect([tooMany.status, foreign.status, notDelivered.status, noReason.status]).toEqual([
      409, 400, 409, 400,
    ]);
    expect(tooMany.body.error?.code).toBe('NOT_RETURNABLE');
    expect((await api.order(order.orderId)).returns).toEqual([]);
  });

  it('answers a retried request with the same Idempotency-Key with the same return', async () => {
    const order = await deliveredOrder('SKU-R4');
    const headers = { 'Idempotency-Key': 'return-attempt-1' };

    const first = await openReturn(
      order.orderId,
      { reason: 'x', items: [{ sku: 'SKU-R4', quantity: 1 }] },
      headers,
    );
    const again = await openReturn(
      order.orderId,
      { reason: 'x', items: [{ sku: 'SKU-R4', quantity: 1 }] },
      headers,
    );

    expect(again.body.returnId).toBe(first.body.returnId);
    expect((await api.order(order.orderId)).returns).toHaveLength(1);
  });

  it('credits the customer instead when asked, readable by the storefront', async () => {
    const order = await deliveredOrder('SKU-R5');
    const { body } = await openReturn(order.orderId, {
      reason: 'gift',
      items: [{ sku: 'SKU-R5-B', quantity: 1 }],
      refundTo: 'store_credit',
    });

    await bringBack(body.trackingNumber);
    const credited = await waitForOrder(
      api,
      system,
      order.orderId,
      (o) => o.returns[0]?.status === 'refunded',
    );
    const credit = await api.request<{ balances: Record<string, number>; entries: { returnId: string }[] }>(
      'POST',
      '/store-credit/lookup',
      { body: { email: order.customer.email } },
    );

    expect(credited.payment.refundedAmount).toBe(0);
    expect(credited.payment.creditedAmount).toBe(500 + 50);
    expect(credit.body.balances.USD).toBeGreaterThanOrEqual(550);
    expect(credit.body.entries.map((e) => e.returnId)).toContain(body.returnId);
  });
});

describe('the return window', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // One business day = 0.2 s: the 30-day window closes in 6 s (and the 7-day authorization lasts until shipment).
    system = await startTestSystem({ simulation: 'off', daySeconds: 0.2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('closes: a late return is 409 NOT_RETURNABLE', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    await waitForOrder(api, system, body.orderId, hasStatus('DELIVERED'));
    await new Promise((resolve) => setTimeout(resolve, 6_500));

    const late = await api.request<{ error: { code: string } }>('POST', `/orders/${body.orderId}/returns`, {
      body: { reason: 'late' },
    });

    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('NOT_RETURNABLE');
  });
});
