// Tenant scope comes from the key alone: a second storefront's key, whatever its query or body names, never reads,
// lists, changes or counts the first storefront's orders. Every keyed route of the catalog is tried with it (a new
// route fails here until it has its probe): another storefront's order is a 404 exactly like an order that does
// not exist, and the operators' routes are refused to every storefront key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import type { OrderView } from '../../functions/domain/order';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  opsKey,
  otherStorefrontKey,
  scan,
  startTestSystem,
  storefrontKey,
  waitForOrder,
  waitForParked,
} from '../helpers/local-system';

type ErrorBody = { error: { code: string; message: string; details: unknown[] } };
type OrderList = { orders: OrderView[]; nextCursor: string | null };

describe("a second storefront's key", () => {
  let system: LocalSystem;
  let api: Api;
  let theirs: OrderView;

  beforeAll(async () => {
    // Long business days: nothing renews or times out on its own while the tests look at the order.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    api = new Api(system);
    const { body } = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    // The workflow then parks on its task token (one more write); from there on nothing moves the order by itself.
    await waitForParked(system, body.orderId);
    theirs = await api.order(body.orderId);
    await api.postOrder(anOrderRequest(), { key: otherStorefrontKey });
  });
  afterAll(() => system.stop());

  /** The first storefront's order is exactly as it was. */
  const unchanged = async () => {
    const now = await api.order(theirs.orderId);
    expect(now.status).toBe(theirs.status);
    expect(now.updatedAt).toBe(theirs.updatedAt);
    expect(now.timeline).toEqual(theirs.timeline);
  };

  it('gets 403 listing with storefrontId naming another storefront, with or without filters', async () => {
    const queries = [
      '?storefrontId=demo-store',
      '?storefrontId=demo-store&status=LABEL_CREATED',
      '?status=LABEL_CREATED&storefrontId=demo-store&limit=100',
    ];

    const answers = await Promise.all(
      queries.map((query) => api.request<ErrorBody>('GET', `/orders${query}`, { key: otherStorefrontKey })),
    );

    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(answers.every((a) => a.body.error.code === 'FORBIDDEN')).toBe(true);
  });

  it('lists only its own orders, also when it names itself or filters by status', async () => {
    const own = await api.request<OrderList>('GET', '/orders?storefrontId=other-store&limit=100', {
      key: otherStorefrontKey,
    });
    const filtered = await api.request<OrderList>('GET', '/orders?status=LABEL_CREATED&limit=100', {
      key: otherStorefrontKey,
    });

    expect(own.status).toBe(200);
    expect(own.body.orders.length).toBeGreaterThan(0);
    expect(own.body.orders.every((o) => o.storefrontId === 'other-store')).toBe(true);
    expect(filtered.body.orders.some((o) => o.orderId === theirs.orderId)).toBe(false);
    expect(filtered.body.orders.every((o) => o.storefrontId === 'other-store')).toBe(true);
  });

  it("cannot continue another storefront's listing with its cursor", async () => {
    const first = await api.request<OrderList>('GET', '/orders?limit=1');

    const foreign = await api.request<ErrorBody>(
      'GET',
      `/orders?cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { key: otherStorefrontKey },
    );

    expect(first.body.nextCursor).not.toBeNull();
    expect(foreign.status).toBe(400);
  });

  it('gets 404 reading, shipping, cancelling or returning the order, and changes nothing', async () => {
    const read = await api.request<ErrorBody>('GET', `/orders/${theirs.orderId}`, {
      key: otherStorefrontKey,
    });
    const ship = await api.ship(theirs.orderId, otherStorefrontKey);
    const cancel = await api.request<ErrorBody>('POST', `/orders/${theirs.orderId}/cancel`, {
      key: otherStorefrontKey,
      body: { reason: 'changed_mind' },
    });
    const returned = await api.request<ErrorBody>('POST', `/orders/${theirs.orderId}/returns`, {
      key: otherStorefrontKey,
      body: { reason: 'too small' },
    });

    expect([read.status, ship.status, cancel.status, returned.status]).toEqual([404, 404, 404, 404]);
    await unchanged();
  });

  it('places orders for itself only, whatever the body says', async () => {
    const request = { ...anOrderRequest(), storefrontId: 'demo-store' };

    const answer = await api.postOrder(request, { key: otherStorefrontKey });
    const mine = await api.postOrder(anOrderRequest(), { key: otherStorefrontKey });

    expect(answer.status).toBe(400);
    expect(mine.status).toBe(202);
    expect(mine.body.storefrontId).toBe('other-store');
    const asFirst = await api.request('GET', `/orders/${mine.body.orderId}`);
    expect(asFirst.status).toBe(404);
  });

  it("reads only its own store credit, not the other storefront's for the same email", async () => {
    const lookup = await api.request<{ storefrontId: string; balance: number }>(
      'POST',
      '/store-credit/lookup',
      { key: otherStorefrontKey, body: { email: theirs.customer.email } },
    );
    const naming = await api.request('POST', '/store-credit/lookup', {
      key: otherStorefrontKey,
      body: { email: theirs.customer.email, storefrontId: 'demo-store' },
    });

    expect(lookup.status).toBe(200);
    expect(lookup.body.storefrontId).toBe('other-store');
    expect(naming.status).toBe(400);
  });

  it('gets 403 on the operators-only inventory', async () => {
    const read = await api.request('GET', '/inventory/SKU-TSHIRT', { key: otherStorefrontKey });
    const write = await api.request('PUT', '/inventory/SKU-TSHIRT', {
      key: otherStorefrontKey,
      body: { available: 0 },
    });

    expect([read.status, write.status]).toEqual([403, 403]);
    expect((await api.stock('SKU-TSHIRT')).available).toBeGreaterThan(0);
  });

  it('moves nothing of the order with carrier scans, which are signed, not keyed', async () => {
    const unsigned = await api.carrierEvent(scan(theirs.shipment!.trackingNumber, 'in_transit'), 'sha256=00');

    expect(unsigned.status).toBe(401);
    await unchanged();
  });

  /** An order id nobody has: what a storefront's key gets for another storefront's order must look the same. */
  const unknownOrderId = 'ord_000000000000000000000000';

  /** The answer the second storefront's key gets, compared with the one for an order that does not exist. */
  const asForAnUnknownOrder = async (method: string, suffix: string, body?: unknown) => {
    const call = (orderId: string) =>
      api.request<ErrorBody>(method, `/orders/${orderId}${suffix}`, {
        key: otherStorefrontKey,
        ...(body === undefined ? {} : { body }),
      });
    const [foreign, unknown] = await Promise.all([call(theirs.orderId), call(unknownOrderId)]);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    // Nothing in the answer tells that the order exists: the same answer as for no order, the id aside.
    expect(JSON.stringify(foreign.body).replaceAll(theirs.orderId, '<id>')).toBe(
      JSON.stringify(unknown.body).replaceAll(unknownOrderId, '<id>'),
    );
  };

  /** Refused with 403 FORBIDDEN to both storefronts' keys (the order's own included), whatever it names. */
  const forOperatorsOnly = async (method: string, path: string, body?: unknown) => {
    const answers = await Promise.all(
      [storefrontKey, otherStorefrontKey].map((key) =>
        api.request<ErrorBody>(method, path, { key, ...(body === undefined ? {} : { body }) }),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual([
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
    ]);
  };

  /**
   * How the second storefront's key is tried on each keyed route of the catalog, and what it must get. Each probe
   * asserts its answers; the first storefront's order is checked unchanged after every one.
   */
  const probes: Record<string, () => Promise<void>> = {
    'POST /orders': async () => {
      const naming = await api.postOrder(
        { ...anOrderRequest(), storefrontId: 'demo-store' },
        { key: otherStorefrontKey },
      );
      const own = await api.postOrder(anOrderRequest(), { key: otherStorefrontKey });
      expect([naming.status, own.status, own.body.storefrontId]).toEqual([400, 202, 'other-store']);
    },
    'GET /orders': async () => {
      const naming = await api.request<ErrorBody>('GET', '/orders?storefrontId=demo-store', {
        key: otherStorefrontKey,
      });
      const own = await api.request<OrderList>('GET', '/orders?limit=100', { key: otherStorefrontKey });
      expect(naming.status).toBe(403);
      expect(own.body.orders.some((order) => order.orderId === theirs.orderId)).toBe(false);
    },
    'GET /orders/{orderId}': () => asForAnUnknownOrder('GET', ''),
    'POST /orders/{orderId}/ship': () => asForAnUnknownOrder('POST', '/ship'),
    'POST /orders/{orderId}/cancel': () => asForAnUnknownOrder('POST', '/cancel', { reason: 'changed_mind' }),
    'POST /orders/{orderId}/returns': () => asForAnUnknownOrder('POST', '/returns', { reason: 'too small' }),
    'POST /orders/{orderId}/review': () =>
      forOperatorsOnly('POST', `/orders/${theirs.orderId}/review`, { decision: 'reject' }),
    'POST /store-credit/lookup': async () => {
      const naming = await api.request('POST', '/store-credit/lookup', {
        key: otherStorefrontKey,
        body: { email: theirs.customer.email, storefrontId: 'demo-store' },
      });
      const own = await api.request<{ storefrontId: string }>('POST', '/store-credit/lookup', {
        key: otherStorefrontKey,
        body: { email: theirs.customer.email },
      });
      expect([naming.status, own.status, own.body.storefrontId]).toEqual([400, 200, 'other-store']);
    },
    'GET /kpis': () => forOperatorsOnly('GET', '/kpis?storefrontId=demo-store'),
    'GET /inventory/{sku}': () => forOperatorsOnly('GET', '/inventory/SKU-TSHIRT'),
    'PUT /inventory/{sku}': async () => {
      const before = await api.stock('SKU-TSHIRT');
      await forOperatorsOnly('PUT', '/inventory/SKU-TSHIRT', { available: 0 });
      expect(await api.stock('SKU-TSHIRT')).toEqual(before);
    },
  };

  const keyedRoutes = functionCatalog.flatMap((spec) =>
    (spec.routes ?? [])
      .filter((route) => route.auth === 'apiKey')
      .map((route) => `${route.method} ${route.path}`),
  );

  it('has a probe for every keyed route of the catalog, and none for a route it does not have', () => {
    expect(Object.keys(probes).sort()).toEqual([...keyedRoutes].sort());
  });

  it.each(keyedRoutes)('is kept to its own storefront on %s', async (route) => {
    const probe = probes[route];
    expect(probe, `${route} has no tenant probe: add one above`).toBeDefined();

    await probe!();

    await unchanged();
  });

  it('leaves operators seeing every storefront, one at a time', async () => {
    const first = await api.request<OrderList>('GET', '/orders?storefrontId=demo-store&limit=100', {
      key: opsKey,
    });
    const second = await api.request<OrderList>('GET', '/orders?storefrontId=other-store&limit=100', {
      key: opsKey,
    });

    expect(first.body.orders.some((o) => o.orderId === theirs.orderId)).toBe(true);
    expect(second.body.orders.every((o) => o.storefrontId === 'other-store')).toBe(true);
  });
});
