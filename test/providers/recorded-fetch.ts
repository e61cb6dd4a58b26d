// Test helper: replays recorded HTTP exchanges (test/fixtures/<provider>/*.json) through a fake `fetch` that also
// checks each request against its recording: method, path, authorization, idempotency header and body. Mismatches
// are soft assertions, so the test fails with the real difference even though the adapter under test would
// otherwise see (and map) a thrown error. Headers every request must carry (an API version) are checked too, a
// recorded answer can be slow, to show what the adapter does when its request times out, and every request sent is
// kept as it went out (`sent`), for assertions on the exact wire form.
import { expect } from 'vitest';
import { loadFixture } from './fixtures';

export interface RecordedRequest {
  method: 'GET' | 'POST';
  /** Path and query after the base URL. */
  path: string;
  /** The `Authorization` header when it differs from the replay's (a key rotated between two requests). */
  authorization?: string;
  /** The `Idempotency-Key` header; null or absent when the request must carry none. */
  idempotencyKey?: string | null;
  /** A form-encoded body (Stripe), as field → value. */
  form?: Record<string, string>;
  /** A JSON body (EasyPost). */
  json?: unknown;
}

export interface RecordedExchange {
  request: RecordedRequest;
  /** `delayMs`: the answer comes this late (a slow provider); the request's abort signal cuts the wait short. */
  response: { status: number; body: unknown; delayMs?: number; headers?: Record<string, string> };
}

export interface Recording {
  description: string;
  exchanges: RecordedExchange[];
}

/** A request as the adapter sent it. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string | undefined;
}

export interface Replay {
  fetch: typeof fetch;
  /** Requests the adapter made so far. */
  readonly requests: number;
  /** Every request the adapter made so far, in order, recorded or not. */
  readonly sent: readonly SentRequest[];
  /** Asserts every recorded exchange was used. */
  expectAllUsed(): void;
}

const headerOf = (init: RequestInit | undefined, name: string): string | null =>
  new Headers(init?.headers).get(name);

/** A fake fetch that answers `exchanges` in order, for requests to `baseUrl` carrying `authorization`. */
export interface ReplayOptions {
  baseUrl: string;
  authorization: string;
  /** Headers every request must carry, e.g. `{ 'stripe-version': ... }`. */
  headers?: Readonly<Record<string, string>>;
}

/** Resolves after `ms`, or rejects with the signal's reason (a TimeoutError) as fetch does when it fires first. */
const answerAfter = (ms: number, signal: AbortSignal | null | undefined, answer: () => Response) =>
  new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => resolve(answer()), ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

export const replay = (exchanges: readonly RecordedExchange[], options: ReplayOptions): Replay => {
  let used = 0;
  const sent: SentRequest[] = [];
  const fake = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = typeof init?.body === 'string' ? init.body : undefined;
    sent.push({ method: init?.method ?? 'GET', url, headers: new Headers(init?.headers), body });
    const exchange = exchanges[used];
    used += 1;
    if (!exchange) {
      expect
        .soft(`${init?.method ?? 'GET'} ${url}`, `a request beyond the ${exchanges.length} recorded`)
        .toBeUndefined();
      return Promise.reject(new Error('no recorded exchange left'));
    }
    const { request, response } = exchange;
    const label = `exchange ${used} (${request.method} ${request.path})`;
    expect.soft(init?.method ?? 'GET', `${label}: method`).toBe(request.method);
    expect.soft(url, `${label}: URL`).toBe(`${options.baseUrl}${request.path}`);
    expect
      .soft(headerOf(init, 'authorization'), `${label}: authorization`)
      .toBe(request.authorization ?? options.authorization);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      expect.soft(headerOf(init, name), `${label}: ${name}`).toBe(value);
    }
    expect
      .soft(headerOf(init, 'idempotency-key'), `${label}: idempotency key`)
      .toBe(request.idempotencyKey ?? null);
    if (request.form) {
      expect
        .soft(headerOf(init, 'content-type'), `${label}: content type`)
        .toBe('application/x-www-form-urlencoded');
      expect
        .soft(Object.fromEntries(new URLSearchParams(body ?? '')), `${label}: form body`)
        .toEqual(request.form);
    } else if (request.json !== undefined) {
      expect.soft(headerOf(init, 'content-type'), `${label}: content type`).toBe('application/json');
      expect.soft(JSON.parse(body ?? 'null'), `${label}: JSON body`).toEqual(request.json);
    } else {
      expect.soft(body, `${label}: body`).toBeUndefined();
    }
    const answer = () =>
      new Response(JSON.stringify(response.body), {
        status: response.status,
        headers: { 'content-type': 'application/json', ...response.headers },
      });
    return response.delayMs === undefined
      ? Promise.resolve(answer())
      : answerAfter(response.delayMs, init?.signal, answer);
  };
  return {
    fetch: fake,
    get requests() {
      return used;
    },
    sent,
    expectAllUsed() {
      expect(used, 'every recorded exchange is used').toBe(exchanges.length);
    },
  };
};

/** Loads a recording and returns a replay of it. */
export const replayFixture = (path: string, options: ReplayOptions): Replay =>
  replay(loadFixture<Recording>(path).exchanges, options);
