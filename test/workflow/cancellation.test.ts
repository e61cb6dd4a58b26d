// Cancelling at every stage: before the label (compensation), with a label (also voided), after shipment
// (carrier intercept, refund when back at the sender), delivered anyway (a return opens by itself), and never for
// orders that are done. Each path ends with the money, the stock and the notices telling one consistent story.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('cancelling an order', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  const cancel = (orderId: string, reason = 'changed_mind', comment?: string) =>
    api.request<{ status: string; error?: { code: string } }>('POST', `/orders/${orderId}/cancel`, {
      body: { reason, ...(comment ? { comment } : {}) },
    });
  const emails = async (orderId: string) =>
    (await api.outbox(orderId)).filter((m) => m.channel === 'email').map((m) => m.template);
  const freshSku = async (sku: string, available = 10) => {
    await api.setStock(sku, available);
    return withTotal(anOrderRequest({ items: [{ sku, name: sku, quantity: 2, unitPrice: 1000 }] }));
  };

  it('before the label: voids the authorization, releases the stock, CANCELLED with the reason kept', async () => {
    const request = await freshSku('SKU-C1');
    const { body } = await api.postOrder(request);

    const accepted = await cancel(body.orderId, 'long_shipping_time', 'found it faster elsewhere');
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));

    expect(accepted.status).toBe(202);
    expect(cancelled.cancellation).toMatchObject({
      reason: 'long_shipping_time',
      by: 'customer',
      stage: 'completed',
    });
    expect(['VOIDED', 'PENDING']).toContain(cancelled.payment.status);
    expect(cancelled.payment.capturedAmount).toBe(0);
    expect(await api.stock('SKU-C1')).toEqual({ sku: 'SKU-C1', available: 10, reserved: 0 });
    expect((await emails(body.orderId)).filter((t) => t === 'cancellation_confirmation')).toHaveLength(1);
  });

  it("by an operator: recorded as the operator's, not the customer's", async () => {
    const { body } = await api.postOrder(await freshSku('SKU-C9'));

    const accepted = await api.request('POST', `/orders/${body.orderId}/cancel`, {
      body: { reason: 'other', comment: 'customer called support' },
      key: api.keys.ops,
    });
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));

    expect(accepted.status).toBe(202);
    expect(cancelled.cancellation).toMatchObject({ reason: 'other', by: 'operator', stage: 'completed' });
  });

  it('with a label bought: also voids the label', async () => {
    const request = await freshSku('SKU-C2');
    const { body } = await api.postOrder(request);
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    await cancel(body.orderId);
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));

    expect(cancelled.shipment?.status).toBe('voided');
    expect(cancelled.payment).toMatchObject({ status: 'VOIDED', capturedAmount: 0 });
    expect(await api.stock('SKU-C2')).toEqual({ sku: 'SKU-C2', available: 10, reserved: 0 });
    expect(await emails(body.orderId)).toEqual(['order_confirmation', 'cancellation_confirmation']);
  });

  it('twice: the second request changes nothing and sends nothing', async () => {
    const { body } = await api.postOrder(await freshSku('SKU-C3'));
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    const first = await cancel(body.orderId, 'changed_mind');
    const second = await cancel(body.orderId, 'other');
    await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));
    const third = await cancel(body.orderId);

    expect([first.status, second.status, third.status]).toEqual([202, 202, 409]);
    expect(third.body.error?.code).toBe('NOT_CANCELLABLE');
    expect((await api.order(body.orderId)).cancellation?.reason).toBe('changed_mind');
    expect((await emails(body.orderId)).filter((t) => t === 'cancellation_confirmation')).toHaveLength(1);
  });

  it('after shipment: intercepts the parcel, and refunds and restocks once it is back at the sender', async () => {
    const { body } = await api.postOrder(await freshSku('SKU-C4'));
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    await api.ship(body.orderId);
    await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));
    await api.carrierEvent(scan(tracking, 'in_transit'));
    await waitForOrder(api, system, body.orderId, hasStatus('IN_TRANSIT'));

    await cancel(body.orderId, 'changed_mind');
    const intercepting = await waitForOrder(api, system, body.orderId, hasStatus('INTERCEPT_REQUESTED'));
    await api.carrierEvent(scan(tracking, 'return_to_sender'));
    await api.carrierEvent(scan(tracking, 'delivered'));
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));

    expect(intercepting.cancellation?.stage).toBe('intercept_requested');
    expect(cancelled.payment).toMatchObject({
      status: 'REFUNDED',
      capturedAmount: 2500,
      refundedAmount: 2500,
    });
    expect(await api.stock('SKU-C4')).toEqual({ sku: 'SKU-C4', available: 10, reserved: 0 });
    expect(await emails(body.orderId)).toEqual([
      'order_confirmation',
      'shipping_confirmation',
      'intercept_requested',
      'refund_issued',
      'cancellation_confirmation',
    ]);
  });

  it('after shipment, delivered anyway: opens a return by itself and emails its label', async () => {
    const { body } = await api.postOrder(await freshSku('SKU-C5'));
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    await api.ship(body.orderId);
    await api.carrierEvent(scan(tracking, 'out_for_delivery'));
    await waitForOrder(api, system, body.orderId, hasStatus('OUT_FOR_DELIVERY'));

    await cancel(body.orderId, 'inaccurate_product_info');
    await waitForOrder(api, system, body.orderId, (o) => o.cancellation?.stage === 'intercept_refused');
    await api.carrierEvent(scan(tracking, 'delivered'));
    const returning = await waitForOrder(api, system, body.orderId, hasStatus('RETURN_REQUESTED'));
    await waitForOrder(api, system, body.orderId, () => true);
    const returnLabel = await waitForOrder(api, system, body.orderId, (o) =>
      o.notifications.some((n) => n.template === 'return_label'),
    );

    expect(returning.returns).toHaveLength(1);
    expect(returning.returns[0]).toMatchObject({
      automatic: true,
      includesShipping: true,
      refundAmount: 2500,
    });
    expect(returning.cancellation?.stage).toBe('return_opened');
    expect(
      returnLabel.notifications.filter((n) => n.template === 'return_label' && n.channel === 'email'),
    ).toHaveLength(1);
  });

  it('refuses delivered, cancelled and rejected orders with 409 NOT_CANCELLABLE', async () => {
    const declined = await api.postOrder(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
    );
    await waitForOrder(api, system, declined.body.orderId, hasStatus('REJECTED'));
    const { body } = await api.postOrder(await freshSku('SKU-C6'));
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    await waitForOrder(api, system, body.orderId, hasStatus('DELIVERED'));

    const rejected = await cancel(declined.body.orderId);
    const delivered = await cancel(body.orderId);
    const badReason = await cancel(body.orderId, 'bored');

    expect([rejected.status, delivered.status, badReason.status]).toEqual([409, 409, 400]);
    expect(delivered.body.error?.code).toBe('NOT_CANCELLABLE');
  });

  it('racing a ship call ends in one story: cancelled with nothing captured, or shipped then intercepted', async () => {
    for (let round = 0; round < 4; round += 1) {
      const { body } = await api.postOrder(await freshSku(`SKU-RACE${round}`));
      const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

      const [cancelled, shipped] = await Promise.all([cancel(body.orderId), api.ship(body.orderId)]);
      const settled = await waitForOrder(
        api,
        system,
        body.orderId,
        hasStatus('CANCELLED', 'INTERCEPT_REQUESTED'),
      );

      expect(cancelled.status).toBe(202);
      expect([200, 202, 409]).toContain(shipped.status);
      if (settled.status === 'CANCELLED') {
        expect(settled.payment).toMatchObject({ status: 'VOIDED', capturedAmount: 0 });
        expect(await api.stock(`SKU-RACE${round}`)).toEqual({
          sku: `SKU-RACE${round}`,
          available: 10,
          reserved: 0,
        });
      } else {
        expect(settled.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: settled.total });
        expect(settled.timeline.map((t) => t.type)).toEqual(
          expect.arrayContaining(['SHIPPED', 'INTERCEPT_REQUESTED']),
        );
        await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'return_to_sender'));
        await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
        const back = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED'));
        expect(back.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: back.total });
      }
    }
  });
});
