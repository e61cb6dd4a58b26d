// Parcel reconciliation on the local engine: a shipped order whose `delivered` webhook the carrier dropped (the
// carrier simulation is off and the test posts every scan but the last) is found by the reconciliation job, which
// asks the sandbox carrier what its schedule says has happened, and ends DELIVERED with one delivered notice; runs
// that overlap do nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileResult } from '../../functions/reconcile-parcels/reconcile-parcels';
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

describe('parcel reconciliation', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // One business day = 1 s: an overnight parcel is delivered by the sandbox's schedule a second after its label,
    // and a parcel unheard of for a second is silent.
    system = await startTestSystem({ simulation: 'off', daySeconds: 1 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  /** An overnight order, shipped, scanned in transit and out for delivery; its `delivered` webhook never comes. */
  const outForDelivery = async () => {
    const { body } = await api.postOrder(anOrderRequest({ shipping: { service: 'overnight', amount: 500 } }));
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    await api.ship(body.orderId);
    await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));
    await api.carrierEvent(scan(tracking, 'in_transit'));
    await api.carrierEvent(scan(tracking, 'out_for_delivery'));
    return waitForOrder(api, system, body.orderId, hasStatus('OUT_FOR_DELIVERY'));
  };

  const reconcile = () => system.lambdas.invoke('ReconcileParcels', {}) as Promise<ReconcileResult>;

  /** Runs reconciliation (`runs` at once) until the order is delivered; answers every run's result. */
  const reconcileUntilDelivered = async (orderId: string, runs = 1): Promise<ReconcileResult[]> => {
    const results: ReconcileResult[] = [];
    const deadline = Date.now() + 15_000;
    while ((await api.order(orderId)).status !== 'DELIVERED') {
      if (Date.now() > deadline)
        throw new Error(`order ${orderId} was not reconciled: ${JSON.stringify(results)}`);
      results.push(...(await Promise.all(Array.from({ length: runs }, reconcile))));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return results;
  };

  const deliveredNotices = async (orderId: string) =>
    (await api.outbox(orderId)).filter((m) => m.template === 'delivered').map((m) => m.channel);

  it('finds a parcel whose delivered webhook was dropped and delivers the order, telling the customer once', async () => {
    const order = await outForDelivery();

    await reconcileUntilDelivered(order.orderId);
    await reconcile();
    const delivered = await waitForOrder(api, system, order.orderId, hasStatus('DELIVERED'));

    expect(delivered.shipment?.status).toBe('delivered');
    expect(delivered.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: delivered.total });
    expect(await deliveredNotices(order.orderId)).toEqual(['email', 'sms']);
    expect((await waitForExecutionEnd(system, order.orderId)).status).toBe('SUCCEEDED');
  });

  it('does nothing twice when runs overlap: the scan is recorded once, the notice sent once', async () => {
    const order = await outForDelivery();

    const results = await reconcileUntilDelivered(order.orderId, 3);
    await Promise.all([reconcile(), reconcile()]);

    expect(results.reduce((sum, result) => sum + result.recorded, 0)).toBe(1);
    expect(await deliveredNotices(order.orderId)).toEqual(['email', 'sms']);
  });
});
