// Randomized schedules against the local engine, checked by what a customer and the warehouse care about: a
// parcel's scans arriving twice and in any order end the order where the ordered scans end it, with no status
// ever read going backwards and each notice sent once; and under any mix of orders, declines, cancellations,
// shipments and returns, no unit of stock is made up or lost.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForward, trackingRank, type OrderView } from '../../functions/domain/order';
import { orderIdFor } from '../../functions/orders-api/orders';
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
} from '../helpers/local-system';
import { RaceFigures } from '../helpers/race-figures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dayMs = 3_600_000;

describe('randomized schedules of scans, orders, cancellations and returns', () => {
  let system: LocalSystem;
  let api: Api;
  const figures = new RaceFigures('races');
  const orderIds: string[] = [];

  beforeAll(async () => {
    // Business days of an hour: no renewal, delivery deadline or return expiry interferes with the schedules.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    api = new Api(system);
    await api.setStock('SKU-STREAM', 100_000);
    figures.countCaptureRequests(system);
  });
  afterAll(async () => {
    await figures.tallyOrders(
      orderIds,
      (orderId) => api.outbox(orderId),
      async (orderId) => (await api.order(orderId)).payment.capturedAmount > 0,
    );
    figures.log();
    await system.stop();
  });

  const send = <T>(request: Promise<T>): Promise<T> => {
    figures.add('commands');
    return request;
  };

  const postOrder = async (request: ReturnType<typeof anOrderRequest>) => {
    const { status, body } = await send(api.postOrder(request));
    expect(status).toBe(202);
    figures.add('orders');
    orderIds.push(body.orderId);
    return body.orderId;
  };

  describe('a parcel journey whose scans arrive duplicated and reordered', () => {
    type Step = 'ship' | 'in_transit' | 'delay' | 'out_for_delivery' | 'delivered';
    const scanSteps: Step[] = ['in_transit', 'delay', 'out_for_delivery', 'delivered'];

    /** The journey's scans, each with its own event id and time, as the carrier sends them. */
    const journey = (order: OrderView) => {
      const tracking = order.shipment!.trackingNumber;
      const promised = order.shipment!.promisedDelivery;
      const late = new Date(Date.parse(promised) + 2 * dayMs).toISOString();
      const start = Date.now() - 60_000;
      const at = (second: number) => new Date(start + second * 1000).toISOString();
      const scans: Record<Exclude<Step, 'ship'>, Record<string, unknown>> = {
        in_transit: scan(tracking, 'in_transit', { occurredAt: at(1), estimatedDelivery: promised }),
        delay: scan(tracking, 'in_transit', { occurredAt: at(2), estimatedDelivery: late }),
        out_for_delivery: scan(tracking, 'out_for_delivery', { occurredAt: at(3), estimatedDelivery: late }),
        delivered: scan(tracking, 'delivered', { occurredAt: at(4) }),
      };
      return { scans, promised, late, deliveredAt: at(4) };
    };

    const labelledOrder = async (): Promise<OrderView> => {
      const orderId = await postOrder(
        withTotal(
          anOrderRequest({ items: [{ sku: 'SKU-STREAM', name: 'Stream', quantity: 1, unitPrice: 1000 }] }),
        ),
      );
      return waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    };

    const play = (order: OrderView, scans: ReturnType<typeof journey>['scans'], step: Step) =>
      step === 'ship' ? send(api.ship(order.orderId)) : send(api.carrierEvent(scans[step]));

    /** What the journey ended in, in terms of the journey (its times named by the scan that brought them). */
    const outcome = (order: OrderView, trip: ReturnType<typeof journey>) => ({
      status: order.status,
      tracking: order.shipment?.status,
      deliveredAt:
        order.shipment?.deliveredAt === trip.deliveredAt ? 'delivered scan' : order.shipment?.deliveredAt,
      payment: {
        status: order.payment.status,
        captured: order.payment.capturedAmount === order.total,
        refundedAmount: order.payment.refundedAmount,
      },
    });

    /** Customer notices per template and channel. */
    const noticeCounts = async (orderId: string) => {
      const counts: Record<string, number> = {};
      for (const m of await api.outbox(orderId)) {
        if (m.channel === 'ops') continue;
        const key = `${m.template}/${m.channel}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    };

    it('ends where the ordered scans end, never reads a status backwards, and tells each thing once', async () => {
      // Prepare: the ordered journey, each scan taken in before the next is sent.
      const ordered = await labelledOrder();
      const orderedTrip = journey(ordered);
      for (const step of ['ship', ...scanSteps] as Step[]) {
        await play(ordered, orderedTrip.scans, step);
        await waitForSettled(api, system, ordered.orderId);
      }
      const reference = outcome(await api.order(ordered.orderId), orderedTrip);
      expect(reference).toEqual({
        status: 'DELIVERED',
        tracking: 'delivered',
        deliveredAt: 'delivered scan',
        payment: { status: 'CAPTURED', captured: true, refundedAmount: 0 },
      });
      figures.add('runs');

      const stream = fc
        .tuple(
          fc.boolean(), // the warehouse's ship call is part of the stream
          fc.array(fc.constantFrom(...scanSteps), { maxLength: 4 }), // duplicates
        )
        .chain(([withShip, duplicates]) => {
          const steps: Step[] = [...(withShip ? (['ship'] as Step[]) : []), ...scanSteps, ...duplicates];
          return fc.tuple(
            fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }),
            fc.array(fc.integer({ min: 0, max: 30 }), { minLength: steps.length, maxLength: steps.length }),
          );
        });

      await fc.assert(
        fc.asyncProperty(stream, async ([steps, delays]) => {
          // Prepare
          figures.add('runs');
          const order = await labelledOrder();
          const trip = journey(order);
          const reads: OrderView[] = [];
          let landing = true;
          const watching = (async () => {
            while (landing) {
              reads.push(await api.order(order.orderId));
              await sleep(10);
            }
          })();

          // Act: every scan (and the ship call) sent after its own delay, so scans also race each other.
          const answers = await Promise.all(
            steps.map(async (step, index) => {
              await sleep(delays[index]!);
              return play(order, trip.scans, step);
            }),
          );
          const final = await waitForSettled(api, system, order.orderId);
          landing = false;
          await watching;
          reads.push(final);

          // Assess: no answer is an error, and the journey ends where the ordered one does.
          expect(answers.every((a) => a.status === 200 || a.status === 202)).toBe(true);
          expect(outcome(final, trip)).toEqual(reference);
          // No read shows the order or its parcel further back than an earlier read did.
          for (let i = 1; i < reads.length; i += 1) {
            const [before, after] = [reads[i - 1]!, reads[i]!];
            const statusHolds = before.status === after.status || isForward(before.status, after.status);
            const trackingHolds =
              trackingRank[after.shipment!.status] >= trackingRank[before.shipment!.status];
            expect(figures.check(statusHolds && trackingHolds), `${before.status} → ${after.status}`).toBe(
              true,
            );
          }
          // The estimate is one the carrier gave, and a delay notice goes with the later estimate.
          expect([trip.promised, trip.late]).toContain(final.shipment!.estimatedDelivery);
          const notices = await noticeCounts(order.orderId);
          if (notices['delay_notice/email']) {
            expect(final.shipment).toMatchObject({ delayed: true, estimatedDelivery: trip.late });
          }
          // One notice per cause: shipped and delivered exactly once, the others at most once.
          for (const channel of ['email', 'sms']) {
            expect(notices[`shipping_confirmation/${channel}`]).toBe(1);
            expect(notices[`delivered/${channel}`]).toBe(1);
          }
          expect(figures.check(Object.values(notices).every((count) => count === 1))).toBe(true);
          expect(final.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
        }),
        { numRuns: 10 },
      );
    });
  });
  describe('stock under a random mix of orders, declines, cancellations, shipments and returns', () => {
    type Fate = 'keep' | 'cancel_at_once' | 'cancel_labelled' | 'deliver' | 'return';
    type Lines = { sku: 'A' | 'B'; quantity: number }[];
    const stocked = { A: 6, B: 4 };

    interface InventoryItem {
      available: number;
      reserved: number;
      sold?: number;
      holds?: Set<string>;
      expectedBack?: Set<string>;
    }
    const inventoryItem = async (sku: string): Promise<InventoryItem> => {
      const { Item } = await system.deps.db.doc.send(
        new GetCommand({ TableName: system.deps.db.tables.inventory, Key: { sku }, ConsistentRead: true }),
      );
      return Item as InventoryItem;
    };

    const orderPlan = fc.record({
      lines: fc.uniqueArray(
        fc.record({
          sku: fc.constantFrom('A' as const, 'B' as const),
          quantity: fc.integer({ min: 1, max: 3 }),
        }),
        { selector: (line) => line.sku, minLength: 1, maxLength: 2 },
      ),
      token: fc.constantFrom(
        'tok_visa',
        'tok_visa',
        'tok_visa',
        'tok_mastercard',
        'tok_chargeDeclined',
        'tok_insufficientFunds',
      ),
      fate: fc.constantFrom<Fate>('keep', 'cancel_at_once', 'cancel_labelled', 'deliver', 'return'),
      delayMs: fc.integer({ min: 0, max: 40 }),
    });

    let run = 0;

    it('keeps available + reserved + sold = stocked + restocked for every SKU, at every sampled read and at the end', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(orderPlan, { minLength: 3, maxLength: 7 }), async (plans) => {
          // Prepare: two SKUs of their own per run, scarce enough for some orders to find them sold out.
          figures.add('runs');
          run += 1;
          const thisRun = run;
          const skuOf = (name: 'A' | 'B') => `SKU-CONS-${thisRun}-${name}`;
          await api.setStock(skuOf('A'), stocked.A);
          await api.setStock(skuOf('B'), stocked.B);
          /** What each order asks for, by order id (known before the order is posted: it derives from the key). */
          const asked = new Map<string, Lines>();
          /** Returns whose 202 came back, with what they bring back. */
          const returned: { returnId: string; lines: Lines }[] = [];
          const quantityOf = (lines: Lines, sku: 'A' | 'B') =>
            lines.find((line) => line.sku === sku)?.quantity ?? 0;

          /** One read of a SKU's item, checked on its own: every term of the invariant comes from that read. */
          const check = async (name: 'A' | 'B'): Promise<string[]> => {
            const known = [...returned];
            const item = await inventoryItem(skuOf(name));
            const holds = [...(item.holds ?? [])];
            const expected = item.expectedBack ?? new Set<string>();
            const restocked = known
              .filter((r) => !expected.has(r.returnId))
              .reduce((sum, r) => sum + quantityOf(r.lines, name), 0);
            const held = holds.reduce((sum, id) => sum + quantityOf(asked.get(id) ?? [], name), 0);
            const sold = item.sold ?? 0;
            const problems: string[] = [];
            if (
              item.available < 0 ||
              item.reserved < 0 ||
              item.available + item.reserved + sold > stocked[name] + restocked
            ) {
              figures.add('oversells');
              problems.push(`oversold: ${JSON.stringify({ ...item, holds, restocked })}`);
            }
            if (!figures.check(holds.every((id) => asked.has(id)) && held === item.reserved))
              problems.push(
                `reserved ${item.reserved} but the holds ${JSON.stringify(holds)} ask for ${held}`,
              );
            if (!figures.check(item.available + item.reserved + sold === stocked[name] + restocked))
              problems.push(
                `${name}: available ${item.available} + reserved ${item.reserved} + sold ${sold} ≠ stocked ${stocked[name]} + restocked ${restocked}`,
              );
            return problems;
          };
          const sampled: string[] = [];
          let running = true;
          const sampling = (async () => {
            while (running) {
              sampled.push(...(await check('A')), ...(await check('B')));
              await sleep(20);
            }
          })();

          // Act: every order's script at once, each after its own delay.
          const outcomes = await Promise.all(
            plans.map(async (plan, index) => {
              const externalId = `cons-${thisRun}-${index}-${Math.random().toString(36).slice(2, 8)}`;
              const orderId = orderIdFor('demo-store', externalId);
              asked.set(orderId, plan.lines);
              const request = withTotal(
                anOrderRequest({
                  externalId,
                  items: plan.lines.map((line) => ({
                    sku: skuOf(line.sku),
                    name: `Item ${line.sku}`,
                    quantity: line.quantity,
                    unitPrice: 1000,
                  })),
                  payment: { provider: 'sandbox', token: plan.token },
                }),
              );
              await sleep(plan.delayMs);
              await postOrder(request);
              const cancel = () => send(api.cancel(orderId, { reason: 'changed_mind' }));
              if (plan.fate === 'cancel_at_once') await cancel();
              const first = await waitForOrder(
                api,
                system,
                orderId,
                hasStatus('LABEL_CREATED', 'REJECTED', 'CANCELLED'),
              );
              if (first.status !== 'LABEL_CREATED' || plan.fate === 'keep')
                return { plan, order: await waitForSettled(api, system, orderId) };
              if (plan.fate === 'cancel_labelled' || plan.fate === 'cancel_at_once') {
                await cancel();
                return { plan, order: await waitForOrder(api, system, orderId, hasStatus('CANCELLED')) };
              }
              await send(api.ship(orderId));
              await send(api.carrierEvent(scan(first.shipment!.trackingNumber, 'delivered')));
              const delivered = await waitForOrder(api, system, orderId, hasStatus('DELIVERED'));
              if (plan.fate === 'deliver') return { plan, order: delivered };
              const opened = await send(
                api.request<{ returnId: string; trackingNumber: string }>(
                  'POST',
                  `/orders/${orderId}/returns`,
                  {
                    body: { reason: 'not needed' },
                  },
                ),
              );
              expect(opened.status).toBe(202);
              returned.push({ returnId: opened.body.returnId, lines: plan.lines });
              await send(api.carrierEvent(scan(opened.body.trackingNumber, 'in_transit')));
              await send(api.carrierEvent(scan(opened.body.trackingNumber, 'delivered')));
              return {
                plan,
                order: await waitForOrder(api, system, orderId, (o) => o.returns[0]?.status === 'refunded'),
              };
            }),
          );
          running = false;
          await sampling;

          // Assess: no sampled read broke the invariant, and the end accounts for every order.
          expect(sampled).toEqual([]);
          expect([...(await check('A')), ...(await check('B'))]).toEqual([]);
          for (const name of ['A', 'B'] as const) {
            const item = await inventoryItem(skuOf(name));
            const holding = outcomes.filter(
              (o) => o.order.status === 'LABEL_CREATED' && quantityOf(o.plan.lines, name) > 0,
            );
            const shipped = outcomes.filter((o) => o.order.shipment?.shippedAt);
            expect([...(item.holds ?? [])].sort()).toEqual(holding.map((o) => o.order.orderId).sort());
            expect(item.sold ?? 0).toBe(shipped.reduce((sum, o) => sum + quantityOf(o.plan.lines, name), 0));
            expect([...(item.expectedBack ?? [])]).toEqual([]);
          }
          for (const { plan, order } of outcomes) {
            // A declined card never holds stock or ships; a refund comes with a return, and only then.
            if (plan.token.includes('Declined') || plan.token.includes('Funds'))
              expect(['REJECTED', 'CANCELLED']).toContain(order.status);
            if (order.status === 'REJECTED')
              expect(['OUT_OF_STOCK', 'PAYMENT_DECLINED']).toContain(order.rejection?.code);
            expect(order.payment.refundedAmount > 0).toBe(order.status === 'RETURNED');
          }
        }),
        { numRuns: 4, endOnFailure: true },
      );
    }, 60_000);
  });
});
