// The inventory API (`GET` / `PUT /inventory/{sku}`), for operators only: it reads and sets what is on sale, leaves
// reservations alone, answers callers without the ops key 401 or 403, other methods 405, and a bad SKU or body 400
// with the contract's error body.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { reserve, setAvailable } from '../../../functions/adapters/inventory-store';
import { createHandler } from '../../../functions/inventory-api/handler';
import { anApiEvent, anSku, lambdaContext, OPS_KEY, STOREFRONT_KEY, useStepWorld } from '../helpers/deps';

describe('the inventory API', () => {
  const world = useStepWorld();
  const handler = createHandler(() => world.deps);

  /** A call of `method /inventory/{sku}` with the ops key unless told otherwise. */
  const call = (
    method: string,
    sku: string,
    options: { key?: string | undefined; body?: unknown; contentType?: string } = {},
  ): Promise<APIGatewayProxyResult> => {
    const key = 'key' in options ? options.key : OPS_KEY;
    const event: APIGatewayProxyEvent = anApiEvent({
      resource: '/inventory/{sku}',
      path: `/inventory/${sku}`,
      httpMethod: method,
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(options.body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
      },
      pathParameters: { sku },
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
    return handler(event, lambdaContext('orderflow-inventory-api'));
  };

  /** Status and parsed body, to assert both at once. */
  const answer = async (response: Promise<APIGatewayProxyResult>): Promise<[number, unknown]> => {
    const { statusCode, body } = await response;
    return [statusCode, JSON.parse(body) as unknown];
  };

  /** The error code of an error answer. */
  const errorOf = async (response: Promise<APIGatewayProxyResult>): Promise<[number, string]> => {
    const [status, body] = await answer(response);
    return [status, (body as { error: { code: string } }).error.code];
  };

  describe('GET', () => {
    it('answers 200 with what is on sale and what is reserved', async () => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 7);
      await reserve(world.db, 'ord_holder', sku, 2);

      // Act
      const response = answer(call('GET', sku));

      // Assess
      expect(await response).toEqual([200, { sku, available: 5, reserved: 2 }]);
    });

    it('answers JSON', async () => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 1);

      // Act
      const response = await call('GET', sku);

      // Assess
      expect(response.headers?.['content-type']).toBe('application/json');
    });

    it('answers a SKU the inventory has never heard of with nothing on sale', async () => {
      // Prepare
      const sku = anSku();

      // Act
      const response = answer(call('GET', sku));

      // Assess
      expect(await response).toEqual([200, { sku, available: 0, reserved: 0 }]);
    });
  });

  describe('PUT', () => {
    it('sets what is on sale and answers 200 with the new stock', async () => {
      // Prepare
      const sku = anSku();

      // Act
      const response = answer(call('PUT', sku, { body: { available: 12 } }));

      // Assess
      expect(await response).toEqual([200, { sku, available: 12, reserved: 0 }]);
      expect(await world.stock(sku)).toMatchObject({ available: 12, reserved: 0 });
    });

    it('leaves the reservations of orders as they are', async () => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 5);
      await reserve(world.db, 'ord_holder', sku, 3);

      // Act
      const response = answer(call('PUT', sku, { body: { available: 10 } }));

      // Assess
      expect(await response).toEqual([200, { sku, available: 10, reserved: 3 }]);
      expect((await world.stock(sku)).holds).toEqual(['ord_holder']);
    });

    it('accepts zero: sold out', async () => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 5);

      // Act
      const response = answer(call('PUT', sku, { body: { available: 0 } }));

      // Assess
      expect(await response).toEqual([200, { sku, available: 0, reserved: 0 }]);
    });

    it.each<[string, unknown]>([
      ['a negative quantity', { available: -1 }],
      ['a fraction', { available: 1.5 }],
      ['a quantity as text', { available: '5' }],
      ['no quantity', {}],
      ['another field', { available: 5, reserved: 0 }],
    ])('answers 400 VALIDATION_FAILED to %s and changes nothing', async (_case, body) => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 5);

      // Act
      const response = errorOf(call('PUT', sku, { body }));

      // Assess
      expect(await response).toEqual([400, 'VALIDATION_FAILED']);
      expect(await world.stock(sku)).toMatchObject({ available: 5 });
    });

    it('names the field that is wrong', async () => {
      // Act
      const [, body] = await answer(call('PUT', anSku(), { body: { available: -1 } }));

      // Assess
      expect(body).toMatchObject({ error: { details: [{ path: 'available' }] } });
    });

    it('answers 400 to a missing body', async () => {
      // Act
      const response = errorOf(call('PUT', anSku()));

      // Assess
      expect(await response).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('answers 415 to a body that is not JSON', async () => {
      // Act
      const response = errorOf(call('PUT', anSku(), { body: { available: 1 }, contentType: 'text/plain' }));

      // Assess
      expect(await response).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });
  });

  it.each(['POST', 'DELETE', 'PATCH'])('answers %s with 405 METHOD_NOT_ALLOWED', async (method) => {
    // Act
    const response = errorOf(call(method, anSku(), { body: { available: 1 } }));

    // Assess
    expect(await response).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('answers 400 VALIDATION_FAILED to a SKU that is not one, naming the sku', async () => {
    // Act
    const [status, body] = await answer(call('GET', '-not a sku-'));

    // Assess
    expect([status, body]).toMatchObject([
      400,
      { error: { code: 'VALIDATION_FAILED', details: [{ path: 'sku' }] } },
    ]);
  });

  describe('who may call', () => {
    it.each(['GET', 'PUT'])('answers %s without a key with 401 UNAUTHORIZED', async (method) => {
      // Act
      const response = errorOf(call(method, anSku(), { key: undefined, body: { available: 1 } }));

      // Assess
      expect(await response).toEqual([401, 'UNAUTHORIZED']);
    });

    it('answers an unknown key with 401 UNAUTHORIZED', async () => {
      // Act
      const response = errorOf(call('GET', anSku(), { key: 'not-a-key' }));

      // Assess
      expect(await response).toEqual([401, 'UNAUTHORIZED']);
    });

    it.each(['GET', 'PUT'])("answers %s with a storefront's key with 403 FORBIDDEN", async (method) => {
      // Act
      const response = errorOf(call(method, anSku(), { key: STOREFRONT_KEY, body: { available: 1 } }));

      // Assess
      expect(await response).toEqual([403, 'FORBIDDEN']);
    });

    it("changes nothing for a storefront's PUT", async () => {
      // Prepare
      const sku = anSku();
      await setAvailable(world.db, sku, 5);

      // Act
      await call('PUT', sku, { key: STOREFRONT_KEY, body: { available: 1000 } });

      // Assess
      expect(await world.stock(sku)).toMatchObject({ available: 5 });
    });
  });
});
