// The operators' read side on a whole local system: real orders run through the workflow (delivered and returned,
// delayed, cancelled with a reason, declined), then `GET /kpis` counts them and the ops list finds them across
// storefronts by status, storefront, time range, email and search. Storefront keys get neither more nor other data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiReport } from '../../functions/domain/kpis';
import type { OrderView } from '../../functions/domain/order';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import { ApiClient } from '../../local/api-client';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  opsKey,
  otherStorefrontKey,
  scan,
  startTestSystem,
  waitForOrder,
} from '../helpers/local-system';

type OrderList = { orders: OrderView[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; details: { path: string }[] } };

/** An order of its own customer (so the risk rules see five new customers, not one busy one). */
const anOrderOf = (email: string, overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest => {
  const request = anOrderRequest(overrides);
  return { ...request, customer: { ...request.customer, email } };
};

describe('KPIs and the ops order list', () => {
  let system: LocalSystem;
  let api: Api;
  /** Oldest first: delivered and returned, delayed, cancelled, declined, waiting for shipment. */
  let delivered: OrderView;
  let delayed: OrderView;
  let cancelled: OrderView;
  let declined: OrderView;
  let waiting: OrderView;

  const place = async (request: CreateOrderRequest, key?: string): Promise<string> => {
    const answer = await api.postOrder(request, key ? { key } : {});
    if (answer.status !== 202)
      throw new Error(`POST /orders: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.orderId;
  };
  /** Waits with the ops key, which sees the orders of both storefronts. */
  const waitFor = (orderId: string, done: (order: OrderView) => boolean) =>
    waitForOrder(new ApiClient(system, { ...api.keys, storefront: opsKey }), system, orderId, done);
  const labelled = (orderId: string) => waitFor(orderId, hasStatus('LABEL_CREATED'));

  beforeAll(async () => {
    // Long business days: nothing renews, times out or gets late on its own while the tests look.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    api = new Api(system);

    // Delivered by the promised date, then a return opened.
    const first = await labelled(await place(anOrderOf('ada@example.com')));
    await api.ship(first.orderId);
    await api.carrierEvent(scan(first.shipment!.trackingNumber, 'in_transit'));
    await api.carrierEvent(scan(first.shipment!.trackingNumber, 'delivered'));
    await waitFor(first.orderId, hasStatus('DELIVERED'));
    const opened = await api.request('POST', `/orders/${first.orderId}/returns`, {
      body: { reason: 'too small' },
    });
    if (opened.status !== 202) throw new Error(`return: ${opened.status} ${JSON.stringify(opened.body)}`);
    delivered = await waitFor(first.orderId, hasStatus('RETURN_REQUESTED'));

    // Another storefront's parcel, on its way, a day later than promised.
    const second = await labelled(
      await place(
        anOrderOf('bob@example.com', { payment: { provider: 'sandbox', token: 'tok_mastercard' } }),
        otherStorefrontKey,
      ),
    );
    await api.ship(second.orderId, otherStorefrontKey);
    await waitFor(second.orderId, hasStatus('SHIPPED'));
    const later = new Date(Date.parse(second.shipment!.promisedDelivery) + 86_400_000).toISOString();
    await api.carrierEvent(scan(second.shipment!.trackingNumber, 'in_transit', { estimatedDelivery: later }));
    delayed = await waitFor(second.orderId, (order) => order.shipment?.delayed === true);

    // Cancelled before shipment, with a reason.
    const third = await labelled(await place(anOrderOf('cy@example.com')));
    await api.cancel(third.orderId, { reason: 'long_shipping_time' });
    cancelled = await waitFor(third.orderId, hasStatus('CANCELLED'));

    // Declined at authorization.
    const fourth = await place(
      anOrderOf('dee@example.com', { payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
    );
    declined = await waitFor(fourth, hasStatus('REJECTED'));

    // The first customer again, at the other storefront, waiting for the warehouse.
    waiting = await labelled(
      await place(
        anOrderOf('ada@example.com', { payment: { provider: 'sandbox', token: 'tok_mastercard' } }),
        otherStorefrontKey,
      ),
    );
  }, 60_000);
  afterAll(() => system.stop());

  const kpis = (query = '', key = opsKey) =>
    api.request<KpiReport & ErrorBody>('GET', `/kpis${query}`, { key });
  const list = (query: string, key = opsKey) =>
    api.request<OrderList & ErrorBody>('GET', `/orders${query}`, { key });
  const idsOf = (orders: readonly OrderView[]) => orders.map((order) => order.orderId);

  describe('GET /kpis', () => {
    it('counts the orders of the last seven days: cancellations, rejections, deliveries, delays, returns', async () => {
      // Act
      const { status, body } = await kpis();

      // Assess
      expect(status).toBe(200);
      expect(body).toMatchObject({
        orders: 5,
        cancelled: 1,
        cancellationRate: 0.2,
        cancellationReasons: { long_shipping_time: 1 },
        rejected: 1,
        rejectionReasons: { PAYMENT_DECLINED: 1 },
        delivered: 1,
        onTimeDeliveryRate: 1,
        delayedShipments: 1,
        paymentFailureRate: 0.2,
        returns: 1,
      });
    });

    it('times the handover and the delivery of the parcels', async () => {
      // Act
      const { body } = await kpis();

      // Assess: two parcels were handed over (seconds after their orders), one delivered.
      expect(body.avgFulfillmentHours).toBeGreaterThanOrEqual(0);
      expect(body.p90FulfillmentHours).toBeGreaterThanOrEqual(body.avgFulfillmentHours ?? 0);
      expect(body.avgDeliveryHours).toBeGreaterThanOrEqual(0);
      expect(body.avgDeliveryHours).toBeLessThan(1);
    });

    it('covers the seven days up to now, day by day', async () => {
      // Prepare
      const before = Date.now();

      // Act
      const { body } = await kpis();

      // Assess
      expect(Date.parse(body.to)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(body.to) - Date.parse(body.from)).toBe(7 * 86_400_000);
      expect(body.daily.map((d) => d.day)).toEqual(
        [...Array(8).keys()].map((i) =>
          new Date(Date.parse(body.from) + i * 86_400_000).toISOString().slice(0, 10),
        ),
      );
      expect(body.daily.reduce((sum, d) => sum + d.orders, 0)).toBe(5);
    });

    it("counts one storefront's orders when asked", async () => {
      // Act
      const { body } = await kpis('?storefrontId=other-store');

      // Assess
      expect([body.orders, body.delayedShipments, body.cancelled]).toEqual([2, 1, 0]);
    });

    it('counts nothing in a window before the orders', async () => {
      // Act
      const { body } = await kpis('?from=2030-01-01&to=2030-01-02');

      // Assess
      expect([body.orders, body.cancellationRate, body.daily.length]).toEqual([0, null, 1]);
    });

    it('is for operators: a storefront key gets 403 FORBIDDEN', async () => {
      // Act
      const answer = await kpis('', api.keys.storefront);

      // Assess
      expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it.each([
      ['?from=yesterday', 'from'],
      ['?from=2030-03-08&to=2030-03-01', 'to'],
      ['?from=2030-01-01&to=2030-06-01', 'from'],
      ['?days=7', ''],
    ])('answers 400 VALIDATION_FAILED for %s, naming the parameter', async (query, path) => {
      // Act
      const answer = await kpis(query);

      // Assess
      expect([answer.status, answer.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer.body.error.details.map((d) => d.path)).toContain(path || '(root)');
    });
  });

  describe('GET /orders with the ops key', () => {
    it('lists every storefront, newest first, page by page', async () => {
      // Act
      const first = await list('?limit=2');
      const second = await list(`?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
      const third = await list(`?limit=2&cursor=${encodeURIComponent(second.body.nextCursor ?? '')}`);

      // Assess
      expect(
        [...first.body.orders, ...second.body.orders, ...third.body.orders].map((o) => o.orderId),
      ).toEqual(idsOf([waiting, declined, cancelled, delayed, delivered]));
      expect(third.body.nextCursor).toBeNull();
    });

    it('filters by several statuses', async () => {
      // Act
      const { body } = await list('?status=RETURN_REQUESTED,CANCELLED');

      // Assess
      expect(idsOf(body.orders)).toEqual(idsOf([cancelled, delivered]));
    });

    it('filters by storefront, and by storefront and status', async () => {
      // Act
      const theirs = await list('?storefrontId=other-store');
      const theirsShipped = await list('?storefrontId=other-store&status=IN_TRANSIT');

      // Assess
      expect(idsOf(theirs.body.orders)).toEqual(idsOf([waiting, delayed]));
      expect(idsOf(theirsShipped.body.orders)).toEqual(idsOf([delayed]));
    });

    it('filters by creation time, from included and to excluded', async () => {
      // Act
      const query = `?from=${encodeURIComponent(delayed.createdAt)}&to=${encodeURIComponent(declined.createdAt)}`;
      const { body } = await list(query);

      // Assess
      expect(idsOf(body.orders)).toEqual(idsOf([cancelled, delayed]));
    });

    it("finds a customer's orders in every storefront by email, in any case", async () => {
      // Act
      const everywhere = await list('?email=ADA@example.com');
      const inOne = await list('?email=ada@example.com&storefrontId=demo-store');

      // Assess
      expect(idsOf(everywhere.body.orders)).toEqual(idsOf([waiting, delivered]));
      expect(idsOf(inOne.body.orders)).toEqual(idsOf([delivered]));
    });

    it('finds an order by its id, its external id or its tracking number', async () => {
      // Act
      const [byId, byExternalId, byTracking, unknown] = await Promise.all([
        list(`?q=${delayed.orderId}`),
        list(`?q=${encodeURIComponent(cancelled.externalId ?? '')}`),
        list(`?q=${delivered.shipment!.trackingNumber}`),
        list('?q=nothing-like-it'),
      ]);

      // Assess
      expect([byId, byExternalId, byTracking, unknown].map((a) => idsOf(a.body.orders))).toEqual([
        [delayed.orderId],
        [cancelled.orderId],
        [delivered.orderId],
        [],
      ]);
    });

    it('applies the other filters to what the search finds', async () => {
      // Act
      const { body } = await list(`?q=${delivered.orderId}&status=CANCELLED`);

      // Assess
      expect(body.orders).toEqual([]);
    });

    it.each([
      ['?status=IN_REVIEW,LOST', 'status.1'],
      ['?from=2030-02-30', 'from'],
      [`?from=2030-03-08&to=2030-03-01`, 'to'],
      ['?email=ada', 'email'],
      ['?limit=0', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
    ])('answers 400 VALIDATION_FAILED for %s, naming the parameter', async (query, path) => {
      // Act
      const answer = await list(query);

      // Assess
      expect([answer.status, answer.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer.body.error.details.map((d) => d.path)).toEqual([path]);
    });
  });

  describe('GET /orders with a storefront key', () => {
    it('applies the same filters within its own storefront only', async () => {
      // Act
      const byEmail = await list('?email=ada@example.com', api.keys.storefront);
      const foreign = await list(`?q=${waiting.orderId}`, api.keys.storefront);
      const byStatus = await list('?status=RETURN_REQUESTED,IN_TRANSIT', api.keys.storefront);

      // Assess
      expect(idsOf(byEmail.body.orders)).toEqual(idsOf([delivered]));
      expect(foreign.body.orders).toEqual([]);
      expect(idsOf(byStatus.body.orders)).toEqual(idsOf([delivered]));
    });

    it('gets 403 naming another storefront, with any filter', async () => {
      // Act
      const answer = await list('?storefrontId=other-store&email=ada@example.com', api.keys.storefront);

      // Assess
      expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it("cannot continue the operators' listing with its cursor", async () => {
      // Prepare
      const { body } = await list('?limit=1');

      // Act
      const answer = await list(`?cursor=${encodeURIComponent(body.nextCursor ?? '')}`, api.keys.storefront);

      // Assess
      expect(answer.status).toBe(400);
    });
  });
});
