// An order's whole journey on the real local engine: confirmed (with its authorization, in one write), labelled,
// captured only once the parcel ships (by the ship call or by the carrier's first scan), tracked to the door, with
// the customer told at each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
} from '../helpers/local-system';

describe('with the carrier simulation on', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // Short days, but not so short that a busy machine delivers past the estimate and its grace.
    system = await startTestSystem({ simulation: 'auto', daySeconds: 0.5 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('carries a posted order to DELIVERED by itself and tells the customer at each step', async () => {
    const posted = await api.postOrder(anOrderRequest());
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('RECEIVED');

    const delivered = await waitForOrder(api, system, posted.body.orderId, hasStatus('DELIVERED'));

    expect(delivered.payment).toMatchObject({
      status: 'CAPTURED',
      authorizedAmount: 4498,
      capturedAmount: 4498,
    });
    expect(delivered.shipment).toMatchObject({ carrier: 'sandbox', status: 'delivered', delayed: false });
    const emails = (await api.outbox(posted.body.orderId))
      .filter((m) => m.channel === 'email')
      .map((m) => m.template);
    expect(emails).toEqual(['order_confirmation', 'shipping_confirmation', 'out_for_delivery', 'delivered']);
    expect((await waitForExecutionEnd(system, posted.body.orderId)).status).toBe('SUCCEEDED');
  });

  it('sends a delay notice when the carrier reports a later estimate, and still delivers', async () => {
    const request = anOrderRequest();
    request.shippingAddress.line2 = 'DELAY please';
    const posted = await api.postOrder(request);

    const delivered = await waitForOrder(api, system, posted.body.orderId, hasStatus('DELIVERED'), 20_000);

    expect(delivered.shipment?.delayed).toBe(true);
    const templates = (await api.outbox(posted.body.orderId))
      .filter((m) => m.channel === 'email')
      .map((m) => m.template);
    expect(templates.filter((t) => t === 'delay_notice')).toHaveLength(1);
    expect(templates.at(-1)).toBe('delivered');
  });
});

describe('with the carrier simulation off', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('waits at LABEL_CREATED with the payment authorized and nothing captured', async () => {
    const { body } = await api.postOrder(anOrderRequest());

    const waiting = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const still = await api.order(body.orderId);

    expect(waiting.payment).toMatchObject({ status: 'AUTHORIZED', capturedAmount: 0 });
    expect(still.status).toBe('LABEL_CREATED');
    expect(still.payment.capturedAmount).toBe(0);
  });

  it('confirms an approved order in the write that records its authorization, without ConfirmOrder', async () => {
    const { body } = await api.postOrder(anOrderRequest());

    const waiting = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    const types = waiting.timeline.map((entry) => entry.type);
    const authorized = types.indexOf('PAYMENT_AUTHORIZED');
    expect(types.slice(authorized, authorized + 2)).toEqual(['PAYMENT_AUTHORIZED', 'ORDER_CONFIRMED']);
    expect(waiting.timeline[authorized]?.at).toBe(waiting.timeline[authorized + 1]?.at);
    expect(system.counters.snapshot().lambdaByFunction.ConfirmOrder?.invocations ?? 0).toBe(0);
    const confirmations = (await api.outbox(body.orderId)).filter((m) => m.template === 'order_confirmation');
    expect(confirmations.map((m) => m.channel)).toEqual(['email', 'sms']);
  });

  it('captures on the ship call, once, and follows carrier scans to delivery', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;

    const shipped = await api.ship(body.orderId);
    const again = await api.ship(body.orderId);
    const afterShip = await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));
    for (const status of ['in_transit', 'out_for_delivery', 'delivered']) {
      expect((await api.carrierEvent(scan(tracking, status))).status).toBe(200);
    }
    const delivered = await waitForOrder(api, system, body.orderId, hasStatus('DELIVERED'));

    expect(shipped.status).toBe(202);
    expect([200, 202]).toContain(again.status);
    expect(afterShip.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: 4498 });
    expect(delivered.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    const templates = (await api.outbox(body.orderId)).map((m) => `${m.channel}:${m.template}`);
    expect(templates).toEqual([
      'email:order_confirmation',
      'sms:order_confirmation',
      'email:shipping_confirmation',
      'sms:shipping_confirmation',
      'email:out_for_delivery',
      'sms:out_for_delivery',
      'email:delivered',
      'sms:delivered',
    ]);
  });

  it('captures on the first carrier scan when the ship call never comes', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'in_transit'));
    const moving = await waitForOrder(api, system, body.orderId, hasStatus('IN_TRANSIT'));

    expect(moving.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: 4498 });
    expect(moving.timeline.map((t) => t.type)).toContain('SHIPPED');
  });

  it('keeps a pre-transit scan from capturing anything', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'pre_transit'));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await api.order(body.orderId)).payment).toMatchObject({
      status: 'AUTHORIZED',
      capturedAmount: 0,
    });
  });
});
