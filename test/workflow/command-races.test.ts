// Commands that race each other: every answer is decided by the write that records it, so a `202` is always
// honoured and a command that lost the race is told so (`409`) with the state that won. Randomized schedules of
// ship, cancel and carrier scans check that the order's final story matches the accepted commands (the payment,
// the refund and the stock included); repeated ship calls capture once; concurrent returns of the same items open
// one return, and are never merged into an answer with other items.
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
  waitForSettled,
  withTotal,
  type ApiResponse,
} from '../helpers/local-system';
import { RaceFigures } from '../helpers/race-figures';

type Answer = ApiResponse<{ error?: { code: string } }>;
type ReturnAnswer = ApiResponse<{
  returnId?: string;
  items?: { sku: string; quantity: number }[];
  error?: { code: string };
}>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface InventoryItem {
  available: number;
  reserved: number;
  sold?: number;
  holds?: Set<string>;
  expectedBack?: Set<string>;
}

describe('racing commands', () => {
  let system: LocalSystem;
  let api: Api;
  const figures = new RaceFigures('command-races');
  const orderIds: string[] = [];

  beforeAll(async () => {
    // Long business days: no authorization renewal or delivery deadline interferes with the races.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    api = new Api(system);
    await api.setStock('SKU-RACE', 100_000);
    figures.countCaptureRequests(system);
  });
  afterAll(async () => {
    await figures.tallyOrders(
      orderIds,
      (orderId) => api.outbox(orderId),
      async (orderId) => (await paymentRecord(orderId))?.status === 'CAPTURED',
    );
    figures.log();
    await system.stop();
  });

  const counted = <T>(request: Promise<T>): Promise<T> => {
    figures.add('commands');
    return request;
  };
  const cancel = (orderId: string): Promise<Answer> =>
    counted(api.request('POST', `/orders/${orderId}/cancel`, { body: { reason: 'changed_mind' } }));
  const ship = (orderId: string, key?: string): Promise<Answer> =>
    counted(
      api.request('POST', `/orders/${orderId}/ship`, key ? { headers: { 'Idempotency-Key': key } } : {}),
    );
  const carrierScan = (trackingNumber: string, status: string): Promise<Answer> =>
    counted(api.carrierEvent(scan(trackingNumber, status)) as Promise<Answer>);
  const returnItems = (
    orderId: string,
    quantity: number,
    key?: string,
    sku = 'SKU-RACE',
  ): Promise<ReturnAnswer> =>
    counted(
      api.request('POST', `/orders/${orderId}/returns`, {
        body: { reason: 'too small', items: [{ sku, quantity }] },
        ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
      }),
    );

  const inventoryItem = async (sku: string): Promise<InventoryItem> => {
    const { Item } = await system.deps.db.doc.send(
      new GetCommand({ TableName: system.deps.db.tables.inventory, Key: { sku }, ConsistentRead: true }),
    );
    return Item as InventoryItem;
  };
  const expectedBack = async (sku: string): Promise<string[]> =>
    [...((await inventoryItem(sku)).expectedBack ?? [])].filter((key) => key.startsWith('ret_'));

  /** The sandbox provider's own record of the order's payment: what was captured, and how often. */
  const paymentRecord = async (orderId: string) => {
    const paymentId = (await getOrder(system.deps.db, orderId))?.payment.paymentId;
    if (!paymentId) return undefined;
    const { Item } = await system.deps.db.doc.send(
      new GetCommand({
        TableName: system.deps.db.tables.orders,
        Key: { pk: `SANDBOX#PAYMENT#${paymentId}`, sk: 'SANDBOX' },
        ConsistentRead: true,
      }),
    );
    return Item as { status: string; capturedAmount: number; refundedAmount: number } | undefined;
  };

  const labelledOrder = async (quantity = 1, sku = 'SKU-RACE'): Promise<OrderView> => {
    const request = withTotal(anOrderRequest({ items: [{ sku, name: 'Race', quantity, unitPrice: 1000 }] }));
    const { body } = await counted(api.postOrder(request));
    figures.add('orders');
    orderIds.push(body.orderId);
    return waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
  };

  const settled = (orderId: string): Promise<OrderView> => waitForSettled(api, system, orderId);

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

  it('captures once and confirms the shipment once however often, and under whatever keys, ship is sent', async () => {
    const keys = fc.array(
      fc.option(fc.constantFrom('handover-1', 'handover-2', 'handover-3'), { nil: undefined }),
      {
        minLength: 1,
        maxLength: 5,
      },
    );
    await fc.assert(
      fc.asyncProperty(keys, async (keyed) => {
        // Prepare
        figures.add('runs');
        const order = await labelledOrder();
        const soldBefore = (await inventoryItem('SKU-RACE')).sold ?? 0;

        // Act: every ship call at once, each with its own Idempotency-Key or none.
        const answers = await Promise.all(keyed.map((key) => ship(order.orderId, key)));
        const final = await settled(order.orderId);

        // Assess: one call is accepted and the others are told it already was; the money moves once.
        expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
        expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
        expect(final.status).toBe('SHIPPED');
        expect(await paymentRecord(order.orderId)).toMatchObject({
          status: 'CAPTURED',
          capturedAmount: order.total,
          refundedAmount: 0,
        });
        expect(final.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: order.total });
        expect(final.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
        const confirmations = (await api.outbox(order.orderId)).filter(
          (m) => m.template === 'shipping_confirmation',
        );
        expect(confirmations.map((m) => m.channel)).toEqual(['email', 'sms']);
        // The reserved unit is sold once.
        expect(((await inventoryItem('SKU-RACE')).sold ?? 0) - soldBefore).toBe(1);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });

  let storyRun = 0;

  it('honours every accepted command under random schedules of ship, cancel and carrier scans', async () => {
    const command = fc.constantFrom('ship', 'cancel', 'in_transit', 'out_for_delivery', 'delivered');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ command, delayMs: fc.integer({ min: 0, max: 25 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (schedule) => {
          // Prepare: a SKU of its own, so the order's stock moves are the only ones.
          figures.add('runs');
          storyRun += 1;
          const sku = `SKU-STORY-${storyRun}`;
          await api.setStock(sku, 10);
          const order = await labelledOrder(1, sku);
          const tracking = order.shipment!.trackingNumber;

          // Act
          const answers = await Promise.all(
            schedule.map(async ({ command: name, delayMs }) => {
              await sleep(delayMs);
              if (name === 'ship') return { name, answer: await ship(order.orderId) };
              if (name === 'cancel') return { name, answer: await cancel(order.orderId) };
              return { name, answer: await carrierScan(tracking, name) };
            }),
          );
          const raced = await settled(order.orderId);
          const accepted = (name: string) => answers.some((a) => a.name === name && a.answer.status === 202);

          // Assess: no command is ever answered with a 5xx.
          expect(answers.every((a) => a.answer.status < 500)).toBe(true);
          // An accepted handover is paid for; nothing is captured twice.
          if (accepted('ship')) expect(raced.payment.capturedAmount).toBe(order.total);
          expect(raced.payment.capturedAmount).toBeLessThanOrEqual(order.total);
          // An accepted cancellation is carried out: cancelled, intercepted, or returned when delivered anyway.
          if (accepted('cancel')) {
            expect(['CANCELLED', 'INTERCEPT_REQUESTED', 'RETURN_REQUESTED']).toContain(raced.status);
            expect(raced.cancellation).not.toBeNull();
          }
          // A refused command names the state that won.
          for (const { name, answer } of answers.filter((a) => a.answer.status === 409)) {
            expect(answer.body.error?.code).toBe(name === 'ship' ? 'NOT_SHIPPABLE' : 'NOT_CANCELLABLE');
          }

          // Act: the carrier finishes the story (the intercepted parcel is back, or the return parcel arrives).
          if (raced.status === 'INTERCEPT_REQUESTED') {
            await carrierScan(tracking, 'return_to_sender');
            await carrierScan(tracking, 'delivered');
            await waitForOrder(api, system, order.orderId, hasStatus('CANCELLED'));
          } else if (raced.status === 'RETURN_REQUESTED') {
            const parcel = raced.returns[0]!.trackingNumber;
            await carrierScan(parcel, 'in_transit');
            await carrierScan(parcel, 'delivered');
            await waitForOrder(api, system, order.orderId, (o) => o.returns[0]?.status === 'refunded');
          }
          const final = await settled(order.orderId);

          // Assess: the money is refunded exactly when it was taken and the order cancelled.
          const captured = final.payment.capturedAmount;
          const cancelled = final.cancellation !== null;
          expect(final.payment.refundedAmount).toBe(captured > 0 && cancelled ? captured : 0);
          // The stock tells the same story: sold once if it shipped, back on sale if it came back.
          const item = await inventoryItem(sku);
          const sold = captured > 0 ? 1 : 0;
          const back = captured > 0 && cancelled ? 1 : 0;
          const holding = final.status === 'LABEL_CREATED' ? 1 : 0;
          expect(
            figures.check(
              item.sold === (sold || undefined) &&
                item.reserved === holding &&
                item.available === 10 - sold - holding + back,
            ),
            JSON.stringify({ status: final.status, captured, cancelled, item }),
          ).toBe(true);
          expect([...(item.expectedBack ?? [])]).toEqual([]);
          if (!cancelled) expect(final.status).not.toBe('CANCELLED');
        },
      ),
      { numRuns: 10, endOnFailure: true },
    );
  }, 60_000);

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

  it('opens one return for concurrent returns of the same items, and expects its stock back once', async () => {
    const keys = fc.array(
      fc.option(fc.constantFrom('return-x', 'return-y', 'return-z'), { nil: undefined }),
      {
        minLength: 2,
        maxLength: 5,
      },
    );
    await fc.assert(
      fc.asyncProperty(keys, async (keyed) => {
        // Prepare
        figures.add('runs');
        const order = await deliveredOrder(1);
        const before = await expectedBack('SKU-RACE');

        // Act: every request at once, for the one unit, each with its own Idempotency-Key or none.
        const answers = await Promise.all(keyed.map((key) => returnItems(order.orderId, 1, key)));
        const after = await expectedBack('SKU-RACE');
        const final = await api.order(order.orderId);

        // Assess: one return is open; each answer is that return (the same request again) or a 409.
        const accepted = answers.filter((a) => a.status === 202);
        const openedIds = [...new Set(accepted.map((a) => a.body.returnId))];
        expect(openedIds).toHaveLength(1);
        for (const refused of answers.filter((a) => a.status !== 202)) {
          expect(refused.status).toBe(409);
          expect(refused.body.error?.code).toBe('NOT_RETURNABLE');
        }
        expect(final.returns.map((r) => r.returnId)).toEqual(openedIds);
        // Only the open return is expected back; the refused ones' expectations were removed again.
        expect(after.filter((key) => !before.includes(key))).toEqual(openedIds);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });
});
