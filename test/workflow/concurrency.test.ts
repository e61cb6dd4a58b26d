// Many orders racing for little stock: exactly as many are confirmed as there are units, the rest are rejected
// OUT_OF_STOCK, and stock never goes negative.
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

describe('20 concurrent orders for a SKU with 5 in stock', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('confirms exactly 5, rejects 15 as OUT_OF_STOCK, and never oversells', async () => {
    await api.setStock('SKU-LIMITED', 5);
    const request = () =>
      withTotal(
        anOrderRequest({ items: [{ sku: 'SKU-LIMITED', name: 'Limited', quantity: 1, unitPrice: 5000 }] }),
      );
    const levels: number[] = [];
    const watching = setInterval(() => {
      void api.stock('SKU-LIMITED').then((s) => levels.push(s.available));
    }, 20);

    const posted = await Promise.all(Array.from({ length: 20 }, () => api.postOrder(request())));
    const outcomes = await Promise.all(
      posted.map((p) =>
        waitForOrder(api, system, p.body.orderId, hasStatus('LABEL_CREATED', 'REJECTED', 'FAILED'), 30_000),
      ),
    );
    clearInterval(watching);

    expect(posted.every((p) => p.status === 202)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'LABEL_CREATED')).toHaveLength(5);
    const rejected = outcomes.filter((o) => o.status === 'REJECTED');
    expect(rejected).toHaveLength(15);
    expect(rejected.every((o) => o.rejection?.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await api.stock('SKU-LIMITED')).toEqual({ sku: 'SKU-LIMITED', available: 0, reserved: 5 });
    expect(levels.every((available) => available >= 0)).toBe(true);
  });
});
