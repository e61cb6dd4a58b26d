// Hostile input at every API route, over real HTTP against one local system: arbitrary JSON, every kind of text,
// raw number literals, deep nesting, bodies over the limits, wrong content types, bytes that are not UTF-8, bad
// path parameters and query strings, wrong methods, and valid bodies with one field broken. Whatever is sent, an
// input the API must refuse gets a 4xx in the contract's error shape (never a 5xx, never a 2xx) and nothing is
// written: no store write, no execution, no message. Each entry point logs one figures line.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import {
  cancelRequestSchema,
  containsCardNumber,
  inventoryPutSchema,
  returnRequestSchema,
  reviewRequestSchema,
  shipRequestSchema,
  skuSchema,
  storeCreditLookupSchema,
} from '../../functions/domain/requests';
import { createOrderRequestSchema } from '../../functions/domain/order-request';
import type { LocalSystem } from '../../local/system';
import {
  closeFuzzClient,
  EntryPointFigures,
  everyRawNumber,
  everyUnprintableText,
  fuzzString,
  headersOf,
  hostileBody,
  percentEncoded,
  quickTally,
  readableJson,
  refusalProblem,
  send,
  utf8,
  writesBetween,
  writeTally,
  type BodyInput,
  type RawAnswer,
  type RawRequest,
} from '../helpers/fuzz';
import {
  anOrderRequest,
  Api,
  hasStatus,
  opsKey,
  startTestSystem,
  storefrontKey,
  waitForOrder,
  waitForParked,
} from '../helpers/local-system';
import type * as z from 'zod';

/** Runs per entry point: enough to meet every kind of hostile input, bounded for CI. */
const numRuns = 150;

/** A path segment as a client may send it: percent-encoded UTF-8, or raw and broken percent-encoding. */
const fuzzSegment: fc.Arbitrary<string> = fc.oneof(
  fuzzString.map(percentEncoded),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '%FF',
    '%C0%80',
    '%ED%A0%80',
    '%00',
    '%2F',
    'a%2Fb',
    '%20',
    'x'.repeat(300),
  ),
);

/** The segment as the server decodes it, or undefined when it is not valid percent-encoding. */
const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

const validOrder = (): Record<string, unknown> => anOrderRequest({ externalId: 'fuzz-valid' });

/** True when the API must take the body: JSON it reads, of the schema's shape (what the fuzzers leave out). */
const takes =
  (schema: z.ZodType, extra: (text: string, value: unknown) => boolean = () => true) =>
  (input: BodyInput): boolean => {
    const read = readableJson(input);
    return read !== undefined && schema.safeParse(read.value).success && extra(read.text, read.value);
  };

const takesOrder = takes(
  createOrderRequestSchema,
  (text, value) =>
    !containsCardNumber(text) && (value as { payment: { provider: string } }).payment.provider === 'sandbox',
);

describe('fuzzing the API', () => {
  let system: LocalSystem;
  let orderId: string;
  const figures: EntryPointFigures[] = [];

  beforeAll(async () => {
    // Long business days: no timer of the parked order fires while the fuzzers run.
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
    const api = new Api(system);
    const { body } = await api.postOrder(anOrderRequest());
    orderId = body.orderId;
    await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    await waitForParked(system, orderId);
  }, 60_000);
  afterAll(async () => {
    for (const entry of figures) entry.report();
    closeFuzzClient();
    await system.stop();
  });

  /** Sends one request and checks it was refused in the contract's shape with nothing written. */
  const expectRefused = async (entry: EntryPointFigures, request: RawRequest): Promise<RawAnswer> => {
    const before = quickTally(system);
    const answer = await send(system.url, request);
    const writes = quickTally(system) - before;
    entry.record(answer, writes);
    expect(refusalProblem(answer), `${request.method} ${request.path.slice(0, 200)}`).toBeUndefined();
    expect(writes, `writes after ${request.method} ${request.path.slice(0, 200)}`).toBe(0);
    return answer;
  };

  /** Fuzzes one entry point with `requests`, then checks the whole batch wrote nothing and logs its figures. */
  const fuzz = async (
    entryPoint: string,
    requests: fc.Arbitrary<RawRequest>,
    runs = numRuns,
    /** Requests sent each, before the random ones: the boundaries. */
    cases: RawRequest[] = [],
  ): Promise<EntryPointFigures> => {
    const entry = new EntryPointFigures(entryPoint);
    figures.push(entry);
    // Prepare
    const before = await writeTally(system);

    // Act
    for (const request of cases) await expectRefused(entry, request);
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        await expectRefused(entry, request);
      }),
      { numRuns: runs },
    );

    // Assess
    const after = await writeTally(system);
    expect(writesBetween(before, after)).toBe(0);
    expect(entry.serverErrors).toBe(0);
    expect(entry.requests).toBeGreaterThanOrEqual(runs + cases.length);
    return entry;
  };

  const post = (
    path: string,
    key: string | null,
    input: BodyInput,
    headers: Record<string, string> = {},
  ): RawRequest => ({
    method: 'POST',
    path,
    headers: headersOf(input, { ...(key ? { 'x-api-key': key } : {}), ...headers }),
    body: input.body,
  });

  it('refuses every hostile POST /orders body and stores nothing', async () => {
    const idempotencyKey = fc.option(
      fc.oneof(
        fc.constant(''),
        fc.string({ minLength: 256, maxLength: 400 }).filter((key) => key.trim() === key),
      ),
      { freq: 4 },
    );
    const requests = fc.oneof(
      {
        weight: 9,
        arbitrary: hostileBody(validOrder())
          .filter((input) => !takesOrder(input))
          .map((input) => post('/orders', storefrontKey, input)),
      },
      // A valid order with a broken Idempotency-Key header, or without the storefront's key.
      {
        weight: 1,
        arbitrary: fc
          .tuple(idempotencyKey, fc.constantFrom(null, 'wrong-key', opsKey, storefrontKey))
          .filter(([key, apiKey]) => key !== null || apiKey !== storefrontKey)
          .map(([key, apiKey]) =>
            post(
              '/orders',
              apiKey,
              { body: utf8(JSON.stringify(validOrder())), contentType: 'application/json' },
              key === null ? {} : { 'idempotency-key': key },
            ),
          ),
      },
    );

    // Every text field with a lone surrogate or a control character is refused, whatever the schema says.
    const boundaries = [
      ...everyRawNumber(validOrder()).filter((input) => !takesOrder(input)),
      ...everyUnprintableText(validOrder()),
    ].map((input) => post('/orders', storefrontKey, input));

    const entry = await fuzz('POST /orders', requests, 250, boundaries);

    expect(entry.accepted).toBe(0);
  });

  it('refuses every hostile command body on an order and changes nothing', async () => {
    const commands: {
      path: string;
      key: string;
      valid: Record<string, unknown>;
      takes: (input: BodyInput) => boolean;
    }[] = [
      {
        path: `/orders/${orderId}/cancel`,
        key: storefrontKey,
        valid: { reason: 'changed_mind', comment: 'fuzz' },
        takes: takes(cancelRequestSchema),
      },
      {
        path: `/orders/${orderId}/ship`,
        key: storefrontKey,
        valid: { trackingNumber: 'SBX1', note: 'fuzz' },
        // No body at all is a plain handover.
        takes: (input) => input.body.byteLength === 0 || takes(shipRequestSchema)(input),
      },
      {
        path: `/orders/${orderId}/returns`,
        key: storefrontKey,
        valid: { reason: 'too small', items: [{ sku: 'SKU-TSHIRT', quantity: 1 }], refundTo: 'store_credit' },
        takes: takes(returnRequestSchema),
      },
      {
        path: `/orders/${orderId}/review`,
        key: opsKey,
        valid: { decision: 'approve', note: 'fuzz' },
        takes: takes(reviewRequestSchema),
      },
    ];
    for (const command of commands) {
      const requests = hostileBody(command.valid)
        .filter((input) => !command.takes(input))
        .map((input) => post(command.path, command.key, input));

      const boundaries = [...everyRawNumber(command.valid), ...everyUnprintableText(command.valid)]
        .filter((input) => !command.takes(input))
        .map((input) => post(command.path, command.key, input));

      const entry = await fuzz(
        `POST ${command.path.replace(orderId, '{orderId}')}`,
        requests,
        numRuns,
        boundaries,
      );

      expect(entry.accepted).toBe(0);
    }
  });

  it('refuses every hostile stock update and leaves the stock as it was', async () => {
    const stockBefore = await new Api(system).stock('SKU-TSHIRT');
    const put = (input: BodyInput): RawRequest => ({
      method: 'PUT',
      path: '/inventory/SKU-TSHIRT',
      headers: headersOf(input, { 'x-api-key': opsKey }),
      body: input.body,
    });
    const refused = (input: BodyInput) => !takes(inventoryPutSchema)(input);

    await fuzz(
      'PUT /inventory/{sku}',
      hostileBody({ available: 25 }).filter(refused).map(put),
      numRuns,
      everyRawNumber({ available: 25 }).filter(refused).map(put),
    );

    expect(await new Api(system).stock('SKU-TSHIRT')).toEqual(stockBefore);
  });

  it('refuses every hostile store credit lookup', async () => {
    const requests = hostileBody({ email: 'ada@example.com' })
      .filter((input) => !takes(storeCreditLookupSchema)(input))
      .map((input) => post('/store-credit/lookup', storefrontKey, input));

    await fuzz('POST /store-credit/lookup', requests);
  });

  it('refuses hostile path parameters on every route with one', async () => {
    // Each route with a body it takes, so that the path parameter alone decides the answer.
    const bodies: Record<string, Record<string, unknown> | undefined> = {
      'POST /orders/{orderId}/cancel': { reason: 'changed_mind' },
      'POST /orders/{orderId}/returns': { reason: 'too small' },
      'POST /orders/{orderId}/review': { decision: 'approve' },
      'PUT /inventory/{sku}': { available: 1 },
    };
    const routes = functionCatalog
      .flatMap((spec) => spec.routes ?? [])
      .filter((route) => route.path.includes('{') && !route.path.startsWith('/webhooks/'));
    const requests = fc
      .tuple(fc.constantFrom(...routes), fuzzSegment, fc.constantFrom(storefrontKey, opsKey))
      // A SKU of the right form is a SKU: stocking it is no refusal. Dot segments are resolved by the URL itself.
      .filter(([, segment]) => !['.', '..'].includes(decoded(segment) ?? ''))
      .filter(
        ([route, segment]) =>
          !(route.path.includes('{sku}') && skuSchema.safeParse(decoded(segment)).success),
      )
      .map(([route, segment, key]): RawRequest => {
        const valid = bodies[`${route.method} ${route.path}`];
        const body = valid ? utf8(JSON.stringify(valid)) : undefined;
        return {
          method: route.method,
          path: route.path.replace(/\{\w+\}/, segment),
          headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body } : {}),
        };
      });

    await fuzz('path parameters', requests);
  });

  it('answers every other method on a route 405 in the error shape', async () => {
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
    const sample = (path: string) =>
      path.replace('{orderId}', orderId).replace('{sku}', 'SKU-TSHIRT').replace('{provider}', 'sandbox');
    const byPath = new Map<string, Set<string>>();
    for (const route of functionCatalog.flatMap((spec) => spec.routes ?? [])) {
      byPath.set(route.path, (byPath.get(route.path) ?? new Set()).add(route.method));
    }
    const wrong = [...byPath].flatMap(([path, allowed]) =>
      methods.filter((method) => !allowed.has(method)).map((method) => ({ method, path: sample(path) })),
    );
    const requests = fc
      .tuple(fc.constantFrom(...wrong), fc.boolean())
      .map(([{ method, path }, withBody]): RawRequest => ({
        method,
        path,
        headers: { 'x-api-key': opsKey, ...(withBody ? { 'content-type': 'application/json' } : {}) },
        ...(withBody ? { body: utf8(JSON.stringify(validOrder())) } : {}),
      }));

    const entry = await fuzz('wrong methods', requests, wrong.length * 2);

    expect(Object.keys(entry.statuses)).toEqual(['405']);
  });

  it('refuses every request without a valid API key', async () => {
    const apiRoutes = functionCatalog
      .flatMap((spec) => spec.routes ?? [])
      .filter((route) => route.auth === 'apiKey');
    const key = fc.option(
      fc
        .string({ unit: 'grapheme-ascii', maxLength: 80 })
        .filter((k) => k.trim() === k && k !== storefrontKey && k !== opsKey && !k.includes('other')),
      { freq: 5 },
    );
    const requests = fc.tuple(fc.constantFrom(...apiRoutes), key).map(([route, apiKey]): RawRequest => {
      const body = route.method === 'GET' ? undefined : utf8(JSON.stringify(validOrder()));
      return {
        method: route.method,
        path: route.path.replace('{orderId}', orderId).replace('{sku}', 'SKU-TSHIRT'),
        headers: {
          ...(apiKey === null ? {} : { 'x-api-key': apiKey }),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body } : {}),
      };
    });

    const entry = await fuzz('API key', requests);

    expect(Object.keys(entry.statuses)).toEqual(['401']);
  });

  it('never fails a hostile query string with a 5xx, nor writes for one', async () => {
    const cursor = fc.oneof(
      fuzzString,
      fc
        .record({ storefrontId: fc.constantFrom('demo-store', '*'), createdKey: fuzzString })
        .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
    );
    const parameter = fc.oneof(
      fc.tuple(
        fc.constantFrom('status', 'storefrontId', 'from', 'to', 'email', 'q', 'limit', 'x', ''),
        fuzzString,
      ),
      fc.tuple(fc.constant('cursor'), cursor),
      fc.tuple(fc.constant('limit'), fc.constantFrom('0', '-1', '1.5', '1e400', 'NaN', '101', ' 5', '0x10')),
      fc.tuple(
        fc.constantFrom('from', 'to'),
        fc.constantFrom(
          '2030-02-30',
          '2030-13-01',
          '+275760-09-13',
          '9999-12-31T23:59:59Z',
          '0000-01-01',
          '2030-01-01T24:00:00Z',
        ),
      ),
    );
    const requests = fc
      .tuple(
        fc.constantFrom('/orders', '/kpis', `/track/${orderId}`),
        fc.array(parameter, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(storefrontKey, opsKey),
        fc.oneof(fc.constant(''), fc.constantFrom('&&', '&=', '%', '%zz=1', 'a=%E0%A4%A')),
      )
      .map(([path, parameters, key, tail]): RawRequest => ({
        method: 'GET',
        path: `${path}?${parameters.map(([name, value]) => `${percentEncoded(name)}=${percentEncoded(value)}`).join('&')}${tail}`,
        headers: { 'x-api-key': key },
      }));
    const entry = new EntryPointFigures('GET query strings');
    figures.push(entry);
    const before = await writeTally(system);

    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const answer = await send(system.url, request);
        entry.record(answer, 0);
        expect(answer.status, `${request.path.slice(0, 200)}: ${answer.text.slice(0, 200)}`).toBeLessThan(
          500,
        );
        if (answer.status >= 400 && !request.path.startsWith('/track/'))
          expect(refusalProblem(answer)).toBeUndefined();
      }),
      { numRuns },
    );

    const after = await writeTally(system);
    entry.writes = writesBetween(before, after);
    expect(entry.writes).toBe(0);
    expect(entry.serverErrors).toBe(0);
  });
});
