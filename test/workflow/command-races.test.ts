// Commands that race each other: every answer is decided by the write that records it, so a `202` is always
// honoured and a command that lost the race is told so (`409`) with the state that won. Randomized schedules of
// ship, cancel and carrier scans check that the order's final story matches the accepted commands; concurrent
// returns of the same order are never merged into an answer with other items.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
import { getOrder } from '../../functions/adapters/order-store';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForOrder,
  withTotal,
  type ApiResponse,
} from '../helpers/local-system';

type Answer = ApiResponse<{ error?: { code: string } }>;
type ReturnAnswer = ApiResponse<{
  returnId?: string;
  items?: { sku: string; quantity: number }[];
  error?: { code: string };
}>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('racing commands', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // Long business days: no authorization renewal or delivery deadline interferes with the races.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    api = new Api(system);
    await api.setStock('SKU-RACE', 100_000);
  });
  afterAll(() => system.stop());

  const cancel = (orderId: string): Promise<Answer> =>
    api.request('POST', `/orders/${orderId}/cancel`, { body: { reason: 'changed_mind' } });
  const ship = (orderId: string): Promise<Answer> => api.request('POST', `/orders/${orderId}/ship`);
  const returnItems = (orderId: string, quantity: number, key?: string): Promise<ReturnAnswer> =>
    api.request('POST', `/orders/${orderId}/returns`, {
      body: { reason: 'too small', items: [{ sku: 'SKU-RACE', quantity }] },
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });

  const expectedBack = async (sku: string): Promise<string[]> => {
    const { Item } = await system.deps.db.doc.send(
      new GetCommand({ TableName: system.deps.db.tables.inventory, Key: { sku } }),
    );
    return [...((Item?.expectedBack as Set<string> | undefined) ?? [])].filter((key) =>
      key.startsWith('ret_'),
    );
  };

  const labelledOrder = async (quantity = 1): Promise<OrderView> => {
    const request = withTotal(
      anOrderRequest({ items: [{ sku: 'SKU-RACE', name: 'Race', quantity, unitPrice: 1000 }] }),
    );
    const { body } = await api.postOrder(request);
    return waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
  };

  /** Waits until the workflow has nothing left to apply: it ended, or it waits with an empty inbox. */
  const settled = async (orderId: string): Promise<OrderView> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const record = await getOrder(system.deps.db, orderId);
      const execution = await system.engine.describe(orderId);
      const quiet =
        record !== undefined &&
        (execution?.status !== 'RUNNING' ||
          (record.wait !== undefined && Object.values(record.inbox).every((event) => event.applied)));
      if (quiet) {
        await sleep(100); // a wake-up may be on its way; look once more
        const again = await getOrder(system.deps.db, orderId);
        if (again?.version === record.version) return api.order(orderId);
      }
      if (Date.now() > deadline) throw new Error(`order ${orderId} did not settle: ${record?.status}`);
      await sleep(50);
    }
  };

  it('answers a cancel and a ship sent together with one story: never both accepted and then undone', async () => {
    for (let round = 0; round < 8; round += 1) {
      const order = await labelledOrder();

      const [cancelled, shipped] = await Promise.all([cancel(order.orderId), ship(order.orderId)]);
      const final = await settled(order.orderId);

      if (shipped.status === 202) {
        // The handover was accepted: the parcel is paid for, and a cancellation became an intercept.
        expect(final.payment.capturedAmount).toBe(order.total);
        if (cancelled.status === 202) expect(final.status).toBe('INTERCEPT_REQUESTED');
        else expect(cancelled.body.error?.code).toBe('NOT_CANCELLABLE');
      } else {
        expect(shipped.status).toBe(409);
        expect(shipped.body.error?.code).toBe('NOT_SHIPPABLE');
        expect(cancelled.status).toBe(202);
        expect(final.status).toBe('CANCELLED');
        expect(final.payment.capturedAmount).toBe(0);
      }
    }
  });

  it('cancels an order it accepted a cancellation for, even when the payment is declined meanwhile', async () => {
    for (let round = 0; round < 4; round += 1) {
      const { body } = await api.postOrder(
        anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
      );

      const answer = await cancel(body.orderId);
      const final = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED', 'REJECTED'));

      if (answer.status === 202) expect(final.status).toBe('CANCELLED');
      else expect([answer.body.error?.code, final.status]).toEqual(['NOT_CANCELLABLE', 'REJECTED']);
    }
  });

  it('honours every accepted command under random schedules of ship, cancel and carrier scans', async () => {
    const command = fc.constantFrom('ship', 'cancel', 'in_transit', 'delivered');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ command, delayMs: fc.integer({ min: 0, max: 25 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (schedule) => {
          const order = await labelledOrder();
          const tracking = order.shipment!.trackingNumber;
          const answers = await Promise.all(
            schedule.map(async ({ command: name, delayMs }) => {
              await sleep(delayMs);
              if (name === 'ship') return { name, answer: await ship(order.orderId) };
              if (name === 'cancel') return { name, answer: await cancel(order.orderId) };
              return { name, answer: (await api.carrierEvent(scan(tracking, name))) as Answer };
            }),
          );
          const final = await settled(order.orderId);
          const accepted = (name: string) => answers.some((a) => a.name === name && a.answer.status === 202);

          // No command is ever answered with a 5xx.
          expect(answers.every((a) => a.answer.status < 500)).toBe(true);
          // An accepted handover is paid for; nothing is captured twice.
          if (accepted('ship')) expect(final.payment.capturedAmount).toBe(order.total);
          expect(final.payment.capturedAmount).toBeLessThanOrEqual(order.total);
          // An accepted cancellation is carried out: cancelled, intercepted, or returned when delivered anyway.
          if (accepted('cancel')) {
            expect(['CANCELLED', 'INTERCEPT_REQUESTED', 'RETURN_REQUESTED']).toContain(final.status);
            expect(final.cancellation).not.toBeNull();
          }
          // A refused command names the state that won.
          for (const { name, answer } of answers.filter((a) => a.answer.status === 409)) {
            expect(answer.body.error?.code).toBe(name === 'ship' ? 'NOT_SHIPPABLE' : 'NOT_CANCELLABLE');
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  const deliveredOrder = async (quantity: number): Promise<OrderView> => {
    const order = await labelledOrder(quantity);
    await ship(order.orderId);
    await api.carrierEvent(scan(order.shipment!.trackingNumber, 'delivered'));
    return waitForOrder(api, system, order.orderId, hasStatus('DELIVERED'));
  };

  it('answers two returns sent together for other items with one return and one 409, never a merged answer', async () => {
    for (let round = 0; round < 4; round += 1) {
      const order = await deliveredOrder(2);

      const [one, two] = await Promise.all([returnItems(order.orderId, 1), returnItems(order.orderId, 2)]);
      const final = await api.order(order.orderId);

      const answers = [
        { asked: 1, answer: one },
        { asked: 2, answer: two },
      ];
      const accepted = answers.filter((a) => a.answer.status === 202);
      expect(accepted).toHaveLength(1);
      for (const { asked, answer } of accepted)
        expect(answer.body.items).toEqual([{ sku: 'SKU-RACE', quantity: asked }]);
      const refused = answers.find((a) => a.answer.status !== 202)!;
      expect(refused.answer.status).toBe(409);
      expect(refused.answer.body.error?.code).toBe('NOT_RETURNABLE');
      expect(final.returns).toHaveLength(1);
      expect(final.returns[0]?.returnId).toBe(accepted[0]!.answer.body.returnId);
    }
  });

  it('opens two returns for two requests with their own keys, and one for a repeated request', async () => {
    const order = await deliveredOrder(2);

    const [a, b] = await Promise.all([
      returnItems(order.orderId, 1, 'return-a'),
      returnItems(order.orderId, 1, 'return-b'),
    ]);
    const [c, d] = await Promise.all([
      returnItems(order.orderId, 1, 'return-a'),
      returnItems(order.orderId, 2, 'return-a'),
    ]);
    const final = await api.order(order.orderId);

    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.returnId).not.toBe(b.body.returnId);
    expect(c.body.returnId).toBe(a.body.returnId);
    expect(d.status).toBe(409);
    expect(d.body.error?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(final.returns.map((r) => r.items)).toEqual([
      [{ sku: 'SKU-RACE', quantity: 1 }],
      [{ sku: 'SKU-RACE', quantity: 1 }],
    ]);
  });

  it('gives back the label and the stock expectation of a return that lost the race', async () => {
    const order = await deliveredOrder(1);
    const before = await expectedBack('SKU-RACE');

    const answers = await Promise.all([
      returnItems(order.orderId, 1, 'x'),
      returnItems(order.orderId, 1, 'y'),
    ]);
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.find((a) => a.status === 409);
    const after = await expectedBack('SKU-RACE');
    const final = await api.order(order.orderId);

    expect(accepted).toHaveLength(1);
    expect(refused?.body.error?.code).toBe('NOT_RETURNABLE');
    expect(final.returns).toHaveLength(1);
    // Only the accepted return is expected back; the refused one's expectation was removed again.
    expect(after.filter((key) => !before.includes(key))).toEqual([accepted[0]!.body.returnId]);
  });
});
