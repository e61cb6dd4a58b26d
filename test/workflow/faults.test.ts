// Injected faults against the real local engine: transient provider errors and hung calls are retried as the ASL's
// Retry says and business refusals are not; store throttling is ridden out; a step that keeps failing ends the order
// FAILED, compensated, with one ops alert and no customer data in it; and a redrive once the cause is fixed takes
// the order on to its parcel without doing anything twice. The figures are logged as one JSON line.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
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

interface SandboxPayment {
  orderId: string;
  status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED';
  capturedAmount: number;
}

const figures = {
  faultsInjected: 0,
  retriesSeen: 0,
  ordersFailed: 0,
  opsAlerts: 0,
  redrives: 0,
  doubleEffects: 0,
};

describe('injected faults', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({
      simulation: 'off',
      daySeconds: 5,
      faults: { seed: 42, rules: [], functionTimeoutMs: 3_000 },
    });
    api = new Api(system);
  });
  afterAll(async () => {
    figures.faultsInjected = system.faults!.injected();
    console.log(JSON.stringify({ figures: 'faults', ...figures }));
    await system.stop();
  });

  /** The retries the engine made of `state` while `act` ran. */
  const retriesDuring = async <T>(
    state: string,
    act: () => Promise<T>,
  ): Promise<{ result: T; retries: number }> => {
    const before = system.engine.retries()[state] ?? 0;
    const result = await act();
    const retries = (system.engine.retries()[state] ?? 0) - before;
    figures.retriesSeen += retries;
    return { result, retries };
  };

  /** The sandbox processor's payments of an order (what it holds, whatever the order says). */
  const sandboxPayments = async (orderId: string): Promise<SandboxPayment[]> => {
    const { Items } = await system.deps.db.doc.send(
      new ScanCommand({
        TableName: system.deps.db.tables.orders,
        FilterExpression: 'begins_with(pk, :p) AND orderId = :o',
        ExpressionAttributeValues: { ':p': 'SANDBOX#PAYMENT#', ':o': orderId },
      }),
    );
    return (Items ?? []) as SandboxPayment[];
  };

  const opsAlerts = async (orderId: string) =>
    (await api.outbox(orderId)).filter((message) => message.channel === 'ops');

  it('retries transient payment errors and goes on with one authorization', async () => {
    system.faults!.set([{ target: 'payment.authorize', fault: 'transient', times: 3 }]);
    const { body } = await api.postOrder(anOrderRequest());

    const { result: order, retries } = await retriesDuring('AuthorizePayment', () =>
      waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED', 'FAILED')),
    );

    expect(order.status).toBe('LABEL_CREATED');
    expect(retries).toBe(3);
    expect((await sandboxPayments(body.orderId)).map((p) => p.status)).toEqual(['AUTHORIZED']);
  });

  it('does not retry a declined card', async () => {
    const before = await api.stock('SKU-TSHIRT');
    system.faults!.set([{ target: 'payment.authorize', fault: 'business', times: 1 }]);
    const { body } = await api.postOrder(anOrderRequest());

    const { result: order, retries } = await retriesDuring('AuthorizePayment', () =>
      waitForOrder(api, system, body.orderId, hasStatus('REJECTED', 'FAILED')),
    );

    expect(order.rejection?.code).toBe('PAYMENT_DECLINED');
    expect(retries).toBe(0);
    expect(await api.stock('SKU-TSHIRT')).toEqual(before);
    expect(await sandboxPayments(body.orderId)).toEqual([]);
  });

  it('retries a carrier call that hangs past the function timeout', async () => {
    system.faults!.set([{ target: 'carrier.buyLabel', fault: 'timeout', times: 1 }]);
    const { body } = await api.postOrder(anOrderRequest());

    const { result: order, retries } = await retriesDuring('BuyLabel', () =>
      waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED', 'FAILED'), 30_000),
    );

    expect(order.status, JSON.stringify(order.timeline.at(-1))).toBe('LABEL_CREATED');
    expect(retries).toBe(1);
  });

  it('rides out store throttling on a share of the calls', async () => {
    system.faults!.set([{ target: 'store.*', fault: 'throttle', rate: 0.05 }]);
    const throttledBefore = system.faults!.injected('store.');
    const orders = await Promise.all([1, 2, 3].map(() => api.postOrder(anOrderRequest())));

    const ended = await Promise.all(
      orders.map(({ body }) =>
        waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED', 'FAILED'), 30_000),
      ),
    );
    system.faults!.set([]);

    expect(ended.map((order) => order.status)).toEqual(['LABEL_CREATED', 'LABEL_CREATED', 'LABEL_CREATED']);
    expect(system.faults!.injected('store.') - throttledBefore).toBeGreaterThan(0);
  });

  describe('a label the carrier cannot sell for longer than the retries last', () => {
    let orderId: string;
    let failed: OrderView;
    let stockBefore: { available: number; reserved: number };

    beforeAll(async () => {
      stockBefore = await api.stock('SKU-TSHIRT');
      system.faults!.set([{ target: 'carrier.buyLabel', fault: 'transient' }]);
      const { body } = await api.postOrder(anOrderRequest());
      orderId = body.orderId;
      const { result, retries } = await retriesDuring('BuyLabel', () =>
        waitForOrder(api, system, orderId, hasStatus('FAILED'), 30_000),
      );
      failed = result;
      expect(retries, 'BuyLabel retries, the MaxAttempts of its Retry').toBe(10);
      figures.ordersFailed += 1;
    }, 40_000);

    it('ends FAILED with everything given back and one ops alert without customer data', async () => {
      const execution = await waitForExecutionEnd(system, orderId);
      const alerts = await opsAlerts(orderId);
      figures.opsAlerts += alerts.length;

      expect(execution).toMatchObject({ status: 'FAILED', error: 'OrderFailed', state: 'OrderFailed' });
      expect(failed.payment.status).toBe('VOIDED');
      expect((await sandboxPayments(orderId)).map((p) => p.status)).toEqual(['VOIDED']);
      expect(await api.stock('SKU-TSHIRT')).toEqual(stockBefore);
      expect(alerts.map((m) => m.template)).toEqual(['workflow_failed']);
      const request = anOrderRequest();
      const alertText = `${alerts[0]!.subject} ${alerts[0]!.text}`;
      for (const pii of [
        request.customer.name,
        request.customer.email,
        request.customer.phone!,
        request.shippingAddress.line1,
        request.shippingAddress.postalCode,
      ]) {
        expect(alertText).not.toContain(pii);
      }
    });

    it('is redriven once the carrier sells again and ships with one authorization, capture and confirmation', async () => {
      system.faults!.set([]);

      const redriven = await api.request('POST', `/_local/executions/${orderId}/redrive`);
      figures.redrives += 1;
      const labelled = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
      const again = await api.request('POST', `/_local/executions/${orderId}/redrive`);
      await api.ship(orderId);
      await waitForOrder(api, system, orderId, hasStatus('SHIPPED'));
      await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'in_transit'));
      const inTransit = await waitForOrder(api, system, orderId, hasStatus('IN_TRANSIT'));

      expect(redriven.status).toBe(202);
      expect(again.status, 'a running execution is not redriven').toBe(409);
      expect(labelled.status).toBe('LABEL_CREATED');
      expect(inTransit.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: inTransit.total });
      const payments = await sandboxPayments(orderId);
      const live = payments.filter((p) => p.status !== 'VOIDED');
      const confirmations = (await api.outbox(orderId)).filter(
        (m) => m.channel === 'email' && m.template === 'order_confirmation',
      );
      figures.doubleEffects += Math.max(0, live.length - 1) + Math.max(0, confirmations.length - 1);
      expect(live.map((p) => p.status)).toEqual(['CAPTURED']);
      expect(confirmations).toHaveLength(1);
      expect(await opsAlerts(orderId)).toHaveLength(1);
      expect(await api.stock('SKU-TSHIRT')).toMatchObject({
        available: stockBefore.available - 2,
        reserved: stockBefore.reserved,
      });
      expect(inTransit.timeline.map((t) => t.type)).toContain('ORDER_REDRIVEN');
    }, 30_000);
  });

  it('redrives a capture that failed past its retries without authorizing or capturing twice', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    system.faults!.set([{ target: 'payment.capture', fault: 'transient' }]);
    await api.ship(body.orderId);
    const { result: failed, retries } = await retriesDuring('CapturePayment', () =>
      waitForOrder(api, system, body.orderId, hasStatus('FAILED'), 30_000),
    );
    figures.ordersFailed += 1;
    figures.opsAlerts += (await opsAlerts(body.orderId)).length;
    system.faults!.set([]);

    await api.request('POST', `/_local/executions/${body.orderId}/redrive`);
    figures.redrives += 1;
    const shipped = await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));

    expect(retries).toBe(10);
    expect(failed.payment.status, 'the parcel has left: the hold stays for the capture').toBe('AUTHORIZED');
    const payments = await sandboxPayments(body.orderId);
    figures.doubleEffects += Math.max(0, payments.length - 1);
    expect(payments.map((p) => [p.status, p.capturedAmount])).toEqual([['CAPTURED', shipped.total]]);
    expect(shipped.shipment?.trackingNumber).toBe(failed.shipment?.trackingNumber);
    expect(await opsAlerts(body.orderId)).toHaveLength(1);
  }, 40_000);
});
