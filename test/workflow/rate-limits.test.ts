// The local gateway throttles as API Gateway does in AWS: each API key has its own token bucket (its usage plan),
// each route without a key has one too. A burst over a key's limit is answered 429 RATE_LIMITED with Retry-After
// before anything runs, so the refused requests store nothing and start nothing; other keys go on unaffected, and a
// flood on the webhook, tracking page and health routes pushes no storefront request into a 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  opsKey,
  otherStorefrontKey,
  scan,
  startTestSystem,
  storefrontKey,
} from '../helpers/local-system';

/** One token every 100 s after a burst of 5: nothing refills while the file runs. */
const burst = 5;
const limit = `0.01/${burst}`;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { orderId?: string; error?: { code: string; message: string; details: unknown[] } };
}

describe('the local rate limits', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ rateLimit: { perKey: limit, perOpenRoute: limit } });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  const send = async (method: string, path: string, key: string | null, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Answer['body'],
    };
  };

  it('answers a burst over the key limit with 429 RATE_LIMITED and Retry-After, and stores none of those orders', async () => {
    // Prepare
    const requests = Array.from({ length: 12 }, () => anOrderRequest());
    const apiCallsBefore = system.counters.snapshot().apiCalls;

    // Act
    const answers = await Promise.all(
      requests.map((request) => send('POST', '/orders', storefrontKey, request)),
    );

    // Assess
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 429);
    expect([accepted.length, refused.length]).toEqual([burst, requests.length - burst]);
    for (const answer of refused) {
      expect(answer.body).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.any(String) as string, details: [] },
      });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(100);
    }
    // Nothing of a refused request reached a handler: only the accepted ones were stored (and started).
    expect(system.counters.snapshot().apiCalls - apiCallsBefore).toBe(burst);
    const stored = await api.request<{ orders: OrderView[] }>(
      'GET',
      '/orders?storefrontId=demo-store&limit=100',
      {
        key: opsKey,
      },
    );
    const acceptedIds = accepted.map((answer) => answer.body.orderId).sort();
    expect(stored.body.orders.map((order) => order.orderId).sort()).toEqual(acceptedIds);
    const started = await Promise.all(acceptedIds.map((id) => system.engine.describe(id!)));
    expect(started.every(Boolean)).toBe(true);
  });

  it("leaves other keys' buckets alone while one key is refused", async () => {
    // Act
    const throttled = await send('GET', '/orders?limit=1', storefrontKey);
    const other = await send('POST', '/orders', otherStorefrontKey, anOrderRequest());
    const ops = await send('GET', '/inventory/SKU-TSHIRT', opsKey);

    // Assess
    expect(throttled.status).toBe(429);
    expect([other.status, ops.status]).toEqual([202, 200]);
  });

  it('keeps a flood on the routes without a key from pushing storefront traffic into 429s', async () => {
    // Prepare: each open route is flooded with 4 times its burst while a storefront places and reads orders
    const flood = [
      ...Array.from({ length: 4 * burst }, () => send('GET', '/health', null)),
      ...Array.from({ length: 4 * burst }, () => send('GET', '/track/ord_unknown?t=0', null)),
      ...Array.from({ length: 4 * burst }, () =>
        api
          .carrierEvent(scan('SBX-UNKNOWN', 'in_transit'), 'sha256=00')
          .then((a) => ({ ...a, retryAfter: '' })),
      ),
    ];

    // Act
    const [floodAnswers, storefrontAnswers] = await Promise.all([
      Promise.all(flood),
      Promise.all([
        send('POST', '/orders', otherStorefrontKey, anOrderRequest()),
        send('GET', '/orders?limit=5', otherStorefrontKey),
        send('POST', '/orders', otherStorefrontKey, anOrderRequest()),
      ]),
    ]);

    // Assess
    const statuses = (from: number) =>
      floodAnswers.slice(from, from + 4 * burst).map((answer) => answer.status);
    const limited = (list: number[]) => list.filter((status) => status === 429).length;
    expect([limited(statuses(0)), limited(statuses(4 * burst)), limited(statuses(8 * burst))]).toEqual([
      3 * burst,
      3 * burst,
      3 * burst,
    ]);
    expect(statuses(0).filter((status) => status === 200)).toHaveLength(burst);
    expect(statuses(8 * burst).filter((status) => status === 401)).toHaveLength(burst);
    expect(storefrontAnswers.map((answer) => answer.status)).toEqual([202, 200, 202]);
  });
});
