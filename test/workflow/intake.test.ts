// The API's edge: idempotent intake, bad input answered with a clear 4xx and nothing written, keys and tenant
// isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor } from '../../functions/orders-api/orders';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  opsKey,
  otherStorefrontKey,
  startTestSystem,
  waitForOrder,
} from '../helpers/local-system';

describe('order intake', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off' });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  /** Whether the order a request would have created exists (its id is derived from storefront + externalId). */
  const stored = async (externalId: string | undefined): Promise<boolean> =>
    (await api.request('GET', `/orders/${orderIdFor('demo-store', externalId)}`)).status === 200;

  it('answers a repeated post of the same order with the same order and starts one workflow', async () => {
    const request = anOrderRequest();
    const started = system.counters.snapshot().executionsStarted;

    const first = await api.postOrder(request);
    const second = await api.postOrder(structuredClone(request));

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.orderId).toBe(first.body.orderId);
    expect(system.counters.snapshot().executionsStarted - started).toBe(1);
  });

  it('refuses the same externalId with a different body with 409 IDEMPOTENCY_CONFLICT', async () => {
    const request = anOrderRequest();
    await api.postOrder(request);

    const conflict = await api.postOrder({ ...request, tax: 100, total: request.total + 100 });

    expect(conflict.status).toBe(409);
    expect(conflict.body.error?.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('honours the Idempotency-Key header when there is no externalId', async () => {
    const { externalId: _unused, ...request } = anOrderRequest();
    const headers = { 'Idempotency-Key': `key-${Date.now()}` };

    const first = await api.postOrder(request, { headers });
    const second = await api.postOrder(request, { headers });
    const other = await api.postOrder(request, { headers: { 'Idempotency-Key': `key-${Date.now()}-b` } });

    expect([first.status, second.status, other.status]).toEqual([202, 200, 202]);
    expect(second.body.orderId).toBe(first.body.orderId);
    expect(other.body.orderId).not.toBe(first.body.orderId);
  });

  it('rejects a malformed order with 400 and the failing fields, writing nothing', async () => {
    const request = anOrderRequest();
    const malformed = {
      ...request,
      total: 1,
      items: [{ sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 0, unitPrice: 19.99 }],
    };

    const response = await api.postOrder(malformed);

    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('VALIDATION_FAILED');
    expect(response.body.error?.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['items.0.quantity', 'items.0.unitPrice']),
    );
    expect(await stored(request.externalId)).toBe(false);
  });

  it.each([
    ['a US postal code that is not a ZIP code', { postalCode: 'ABCDE' }, 'shippingAddress.postalCode'],
    ['a country that is not an ISO 3166-1 code', { country: 'ZZ' }, 'shippingAddress.country'],
    ['a US address without a state', { region: undefined }, 'shippingAddress.region'],
  ])(
    'refuses %s with 400 and the field, writing nothing and starting nothing',
    async (_case, change, path) => {
      const started = system.counters.snapshot().executionsStarted;
      const request = anOrderRequest();
      request.shippingAddress = { ...request.shippingAddress, ...change };

      const response = await api.postOrder(request);

      expect([response.status, response.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(response.body.error?.details.map((d) => d.path)).toEqual([path]);
      expect(await stored(request.externalId)).toBe(false);
      expect(system.counters.snapshot().executionsStarted).toBe(started);
    },
  );

  it('refuses a phone number that does not exist, and one missing for SMS, with 400', async () => {
    const unknownNumber = anOrderRequest();
    unknownNumber.customer.phone = '+1 415 555';
    const { phone: _none, ...noPhone } = anOrderRequest().customer;
    const smsWithoutPhone = anOrderRequest({ customer: { ...noPhone, smsOptIn: true } });

    const responses = [await api.postOrder(unknownNumber), await api.postOrder(smsWithoutPhone)];

    expect(responses.map((r) => [r.status, r.body.error?.details.map((d) => d.path)])).toEqual([
      [400, ['customer.phone']],
      [400, ['customer.phone']],
    ]);
    expect(await stored(unknownNumber.externalId)).toBe(false);
    expect(await stored(smsWithoutPhone.externalId)).toBe(false);
  });

  it('stores a phone number written with spaces and brackets in E.164', async () => {
    const request = anOrderRequest();
    request.customer.phone = '+1 (415) 555-0100';

    const response = await api.postOrder(request);
    const order = await api.order(response.body.orderId);

    expect(response.status).toBe(202);
    expect(order.customer.phone).toBe('+14155550100');
  });

  it('rejects a body that carries a card number, writing nothing', async () => {
    const request = anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_visa' } });
    request.customer.name = 'Card 4242 4242 4242 4242';

    const { status } = await api.postOrder(request);

    expect(status).toBe(400);
    expect(await stored(request.externalId)).toBe(false);
  });

  it('answers 415 for a body that is not JSON and 413 for one too large', async () => {
    const notJson = await api.request('POST', '/orders', {
      raw: 'externalId=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const tooLarge = await api.postOrder({ ...anOrderRequest(), padding: 'x'.repeat(70_000) });
    const broken = await api.request<{ error: { code: string } }>('POST', '/orders', {
      raw: '{"externalId": ',
      headers: { 'content-type': 'application/json' },
    });

    expect(notJson.status).toBe(415);
    expect(tooLarge.status).toBe(413);
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const none = await api.postOrder(anOrderRequest(), { key: '' });
    const wrong = await api.request('GET', '/orders', { key: 'not-a-key' });

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
  });

  it("hides another storefront's order: 404 to read it or ship it", async () => {
    const { body } = await api.postOrder(anOrderRequest());

    const read = await api.request('GET', `/orders/${body.orderId}`, { key: otherStorefrontKey });
    const ship = await api.ship(body.orderId, otherStorefrontKey);
    const asOps = await api.request('GET', `/orders/${body.orderId}`, { key: opsKey });

    expect(read.status).toBe(404);
    expect(ship.status).toBe(404);
    expect(asOps.status).toBe(200);
  });

  it("lists only the caller's orders, newest first, page by page", async () => {
    const mine = [];
    for (let i = 0; i < 3; i += 1) mine.push((await api.postOrder(anOrderRequest())).body.orderId);
    await api.postOrder(anOrderRequest(), { key: otherStorefrontKey });

    const page1 = await api.request<{
      orders: { orderId: string; storefrontId: string }[];
      nextCursor: string | null;
    }>('GET', '/orders?limit=2');
    const page2 = await api.request<{ orders: { orderId: string }[] }>(
      'GET',
      `/orders?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor ?? '')}`,
    );
    const foreign = await api.request(
      'GET',
      `/orders?cursor=${encodeURIComponent(page1.body.nextCursor ?? '')}`,
      {
        key: otherStorefrontKey,
      },
    );

    expect(page1.body.orders.map((o) => o.orderId)).toEqual([mine[2], mine[1]]);
    expect(page1.body.orders.every((o) => o.storefrontId === 'demo-store')).toBe(true);
    expect(page2.body.orders[0]?.orderId).toBe(mine[0]);
    expect(foreign.status).toBe(400);
  });

  it('filters the list by status', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    const list = await api.request<{ orders: { status: string }[] }>(
      'GET',
      '/orders?status=LABEL_CREATED&limit=100',
    );

    expect(list.body.orders.length).toBeGreaterThan(0);
    expect(list.body.orders.every((o) => o.status === 'LABEL_CREATED')).toBe(true);
  });

  it('keeps inventory for operators: a storefront key gets 403', async () => {
    const asStore = await api.request('GET', '/inventory/SKU-TSHIRT');
    const badBody = await api.request('PUT', '/inventory/SKU-TSHIRT', {
      key: opsKey,
      body: { available: -1 },
    });

    expect(asStore.status).toBe(403);
    expect(badBody.status).toBe(400);
  });

  it('refuses to ship a rejected order with 409 NOT_SHIPPABLE', async () => {
    const { body } = await api.postOrder(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
    );
    await waitForOrder(api, system, body.orderId, hasStatus('REJECTED'));

    const ship = await api.ship(body.orderId);

    expect(ship.status).toBe(409);
  });
});
