// A restart with the same data dir keeps every order and its stock, and orders in flight carry on from where
// they were: none is stuck, and no step's effect (reservation, capture, notice) happens twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

describe('a restart with the same data dir', () => {
  const dirs: string[] = [];
  const systems: LocalSystem[] = [];

  const start = async (dataDir: string, simulation: 'auto' | 'off', daySeconds: number) => {
    const system = await startTestSystem({ dataDir, simulation, daySeconds });
    systems.push(system);
    return { system, api: new Api(system) };
  };
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderflow-restart-'));
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps orders and stock, and a waiting order ships after the restart', async () => {
    const dir = freshDir();
    const first = await start(dir, 'off', 5);
    await first.api.setStock('SKU-KEPT', 10);
    const request = withTotal(
      anOrderRequest({ items: [{ sku: 'SKU-KEPT', name: 'Kept', quantity: 3, unitPrice: 1000 }] }),
    );
    const { body } = await first.api.postOrder(request);
    const before = await waitForOrder(first.api, first.system, body.orderId, hasStatus('LABEL_CREATED'));
    await first.system.stop();

    const second = await start(dir, 'off', 5);
    const after = await second.api.order(body.orderId);
    const stock = await second.api.stock('SKU-KEPT');
    await second.api.ship(body.orderId);
    const shipped = await waitForOrder(second.api, second.system, body.orderId, hasStatus('SHIPPED'));

    expect(after).toMatchObject({ status: 'LABEL_CREATED', total: before.total });
    expect(stock).toEqual({ sku: 'SKU-KEPT', available: 7, reserved: 3 });
    expect(shipped.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: before.total });
    expect(await second.api.stock('SKU-KEPT')).toEqual({ sku: 'SKU-KEPT', available: 7, reserved: 0 });
  });

  it('carries an order interrupted in transit on to DELIVERED, each notice and the capture once', async () => {
    const dir = freshDir();
    const first = await start(dir, 'auto', 0.5);
    const { body } = await first.api.postOrder(anOrderRequest());
    await waitForOrder(first.api, first.system, body.orderId, hasStatus('IN_TRANSIT', 'OUT_FOR_DELIVERY'));
    await first.system.stop();

    const second = await start(dir, 'auto', 0.5);
    const delivered = await waitForOrder(
      second.api,
      second.system,
      body.orderId,
      hasStatus('DELIVERED'),
      20_000,
    );

    expect(delivered.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    expect(delivered.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: delivered.total });
    const emails = (await second.api.outbox(body.orderId))
      .filter((m) => m.channel === 'email')
      .map((m) => m.template);
    expect(emails).toEqual(['order_confirmation', 'shipping_confirmation', 'out_for_delivery', 'delivered']);
    expect((await second.system.engine.describe(body.orderId))?.status).toBe('SUCCEEDED');
  });

  it('finishes orders stopped in their first steps without reserving or confirming twice', async () => {
    const dir = freshDir();
    const first = await start(dir, 'off', 5);
    await first.api.setStock('SKU-EARLY', 50);
    const request = () =>
      withTotal(
        anOrderRequest({ items: [{ sku: 'SKU-EARLY', name: 'Early', quantity: 2, unitPrice: 1500 }] }),
      );
    const posted = await Promise.all(Array.from({ length: 5 }, () => first.api.postOrder(request())));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.system.stop();

    const second = await start(dir, 'off', 5);
    const orders = await Promise.all(
      posted.map((p) => waitForOrder(second.api, second.system, p.body.orderId, hasStatus('LABEL_CREATED'))),
    );

    expect(orders).toHaveLength(5);
    expect(await second.api.stock('SKU-EARLY')).toEqual({ sku: 'SKU-EARLY', available: 40, reserved: 10 });
    for (const order of orders) {
      const confirmations = (await second.api.outbox(order.orderId)).filter(
        (m) => m.template === 'order_confirmation',
      );
      expect(confirmations.map((m) => m.channel)).toEqual(['email', 'sms']);
    }
  });
});
