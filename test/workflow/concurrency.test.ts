// Many orders racing for little stock: exactly as many are confirmed as there are units, the rest are rejected
// OUT_OF_STOCK, and stock never goes negative; the confirmed ones ship and sell exactly the units there were.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';
import { RaceFigures } from '../helpers/race-figures';

describe('50 concurrent buyers of the last 5 units', () => {
  let system: LocalSystem;
  let api: Api;
  const figures = new RaceFigures('concurrency');

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 60 });
    api = new Api(system);
    figures.countCaptureRequests(system);
  });
  afterAll(async () => {
    figures.log();
    await system.stop();
  });

  it('confirms exactly 5, rejects 45 as OUT_OF_STOCK, never oversells, and sells the 5 once shipped', async () => {
    // Prepare
    await api.setStock('SKU-LIMITED', 5);
    const request = () =>
      withTotal(
        anOrderRequest({ items: [{ sku: 'SKU-LIMITED', name: 'Limited', quantity: 1, unitPrice: 5000 }] }),
      );
    const levels: { available: number; reserved: number }[] = [];
    const watching = setInterval(() => {
      void api.stock('SKU-LIMITED').then((s) => levels.push(s));
    }, 20);

    // Act: 50 orders at once, then the warehouse ships every confirmed one.
    const posted = await Promise.all(Array.from({ length: 50 }, () => api.postOrder(request())));
    const outcomes = await Promise.all(
      posted.map((p) =>
        waitForOrder(api, system, p.body.orderId, hasStatus('LABEL_CREATED', 'REJECTED', 'FAILED'), 45_000),
      ),
    );
    const confirmed = outcomes.filter((o) => o.status === 'LABEL_CREATED');
    const held = await api.stock('SKU-LIMITED');
    await Promise.all(confirmed.map((o) => api.ship(o.orderId)));
    const shipped = await Promise.all(
      confirmed.map((o) => waitForOrder(api, system, o.orderId, hasStatus('SHIPPED'))),
    );
    clearInterval(watching);
    const oversold = levels.filter((s) => s.available < 0 || s.available + s.reserved > 5);
    figures.add('runs');
    figures.add('commands', posted.length + confirmed.length);
    figures.add('orders', posted.length);
    figures.add('captures', shipped.filter((o) => o.payment.status === 'CAPTURED').length);
    figures.add('oversells', oversold.length);
    figures.add('notices', (await api.outbox()).filter((m) => m.channel !== 'ops').length);

    // Assess
    expect(posted.every((p) => p.status === 202)).toBe(true);
    expect(confirmed).toHaveLength(5);
    const rejected = outcomes.filter((o) => o.status === 'REJECTED');
    expect(rejected).toHaveLength(45);
    expect(rejected.every((o) => o.rejection?.code === 'OUT_OF_STOCK')).toBe(true);
    expect(held).toEqual({ sku: 'SKU-LIMITED', available: 0, reserved: 5 });
    expect(oversold).toEqual([]);
    expect(shipped.every((o) => o.payment.capturedAmount === o.total)).toBe(true);
    expect(await api.stock('SKU-LIMITED')).toEqual({ sku: 'SKU-LIMITED', available: 0, reserved: 0 });
    const { Item } = await system.deps.db.doc.send(
      new GetCommand({ TableName: system.deps.db.tables.inventory, Key: { sku: 'SKU-LIMITED' } }),
    );
    expect(Item?.sold).toBe(5);
    expect((await api.outbox()).filter((m) => m.template === 'shipping_confirmation')).toHaveLength(10);
  }, 60_000);
});
