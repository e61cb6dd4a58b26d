// Carrier webhooks as carriers send them: signed, sometimes twice, sometimes out of order, sometimes for parcels
// we do not know. None of it may move an order backwards, duplicate a notice, or change anything unsigned.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import { getOrder } from '../../functions/adapters/order-store';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForOrder,
  webhookSecret,
} from '../helpers/local-system';
import { loadFixture } from '../providers/fixtures';

interface EasyPostEvent {
  id: string;
  result: { tracking_code: string; tracking_details: Array<{ datetime: string }> };
}

describe('carrier webhooks', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  const labelledOrder = async () => {
    const { body } = await api.postOrder(anOrderRequest());
    return waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
  };

  it('rejects a wrong signature with 401 and changes nothing', async () => {
    const order = await labelledOrder();
    const before = await api.order(order.orderId);

    const wrong = await api.carrierEvent(
      scan(order.shipment!.trackingNumber, 'in_transit'),
      'sha256=' + '0'.repeat(64),
    );
    const missing = await api.request('POST', '/webhooks/carrier/sandbox', {
      key: null,
      body: scan(order.shipment!.trackingNumber, 'in_transit'),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    const after = await api.order(order.orderId);
    // (The workflow may still store its wait token meanwhile: compare what an event would change.)
    expect(after.status).toBe(before.status);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.shipment?.status).toBe(before.shipment?.status);
    expect(Object.keys((await getOrder(system.deps.db, order.orderId))?.inbox ?? {})).toEqual([]);
    expect(after.payment.capturedAmount).toBe(0);
  });

  it('answers 400 for a signed body of the wrong shape', async () => {
    const response = await api.carrierEvent({ eventId: 'x', status: 'teleported' });

    expect(response.status).toBe(400);
  });

  it('treats a repeated event as one: one capture, one notice', async () => {
    const order = await labelledOrder();
    const event = scan(order.shipment!.trackingNumber, 'out_for_delivery');

    const responses = await Promise.all([
      api.carrierEvent(event),
      api.carrierEvent(event),
      api.carrierEvent(event),
    ]);
    await waitForOrder(api, system, order.orderId, hasStatus('OUT_FOR_DELIVERY'));
    await api.carrierEvent(event);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    const final = await api.order(order.orderId);
    expect(final.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    const notices = (await api.outbox(order.orderId)).filter((m) => m.template === 'out_for_delivery');
    expect(notices.map((m) => m.channel)).toEqual(['email', 'sms']);
  });

  it('never moves an order backwards when scans arrive out of order', async () => {
    const order = await labelledOrder();
    const tracking = order.shipment!.trackingNumber;
    const t = Date.now();

    await api.carrierEvent(scan(tracking, 'delivered', { occurredAt: new Date(t).toISOString() }));
    await waitForOrder(api, system, order.orderId, hasStatus('DELIVERED'));
    const late = await api.carrierEvent(
      scan(tracking, 'in_transit', { occurredAt: new Date(t - 60_000).toISOString() }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(late.body.outcomes).toEqual(['ignored']);
    const final = await api.order(order.orderId);
    expect(final.status).toBe('DELIVERED');
    expect(final.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: final.total });
    expect(
      (await api.outbox(order.orderId)).filter((m) => m.channel === 'email').map((m) => m.template),
    ).toEqual(['order_confirmation', 'shipping_confirmation', 'delivered']);
  });

  it('acknowledges an event for an unknown tracking number and tells operators once', async () => {
    const first = await api.carrierEvent(scan('SBX-UNKNOWN-1', 'in_transit'));
    const second = await api.carrierEvent(scan('SBX-UNKNOWN-1', 'delivered'));

    expect(first.status).toBe(200);
    expect(first.body.outcomes).toEqual(['unmatched']);
    expect(second.status).toBe(200);
    const alerts = (await api.outbox()).filter(
      (m) => m.channel === 'ops' && m.text.includes('SBX-UNKNOWN-1'),
    );
    expect(alerts).toHaveLength(1);
  });

  it("moves an order on EasyPost's signed tracker.updated, once, and refuses it unsigned", async () => {
    const order = await labelledOrder();
    const event = loadFixture<EasyPostEvent>('easypost/webhook-tracker-updated.json');
    event.id = `evt_${randomBytes(16).toString('hex')}`;
    event.result.tracking_code = order.shipment!.trackingNumber;
    for (const detail of event.result.tracking_details) detail.datetime = new Date().toISOString();
    const raw = JSON.stringify(event);
    const post = (signature: string | undefined) =>
      api.request<{ received: number; outcomes: string[] }>('POST', '/webhooks/carrier/easypost', {
        key: null,
        raw,
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'X-Hmac-Signature': signature } : {}),
        },
      });
    const signature = `hmac-sha256-hex=${createHmac('sha256', webhookSecret).update(raw).digest('hex')}`;

    const unsigned = await post(undefined);
    const wronglySigned = await post(`hmac-sha256-hex=${'0'.repeat(64)}`);
    expect([unsigned.status, wronglySigned.status]).toEqual([401, 401]);
    expect((await api.order(order.orderId)).status).toBe('LABEL_CREATED');

    const first = await post(signature);
    const again = await post(signature);
    const moved = await waitForOrder(api, system, order.orderId, hasStatus('IN_TRANSIT'));

    expect(first.body).toEqual({ received: 1, outcomes: ['recorded'] });
    expect(again.body).toEqual({ received: 1, outcomes: ['ignored'] });
    expect(moved.shipment).toMatchObject({ status: 'in_transit' });
    expect(moved.payment.capturedAmount).toBe(moved.total);
  });

  it('fails the delivery on a carrier failure: refund, notice, operator alert', async () => {
    const order = await labelledOrder();
    const tracking = order.shipment!.trackingNumber;

    await api.carrierEvent(scan(tracking, 'in_transit'));
    await waitForOrder(api, system, order.orderId, hasStatus('IN_TRANSIT'));
    await api.carrierEvent(scan(tracking, 'failure'));
    const failed = await waitForOrder(api, system, order.orderId, hasStatus('DELIVERY_FAILED'));

    expect(failed.payment).toMatchObject({
      status: 'REFUNDED',
      capturedAmount: failed.total,
      refundedAmount: failed.total,
    });
    const messages = await api.outbox(order.orderId);
    expect(messages.filter((m) => m.template === 'delivery_failed').map((m) => m.channel)).toEqual([
      'email',
      'sms',
      'ops',
    ]);
  });
});
