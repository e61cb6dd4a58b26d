// The local gateway's token buckets: a full bucket lets a burst through, then the steady rate; a refusal says how
// long to wait; each key and each open route has a bucket of its own; unknown keys share one.
import { describe, expect, it } from 'vitest';
import { parseThrottle, RateLimiter, TokenBucket } from '../../../local/rate-limit';
import { readSettings } from '../../../local/settings';

/** A clock the test moves by hand. */
const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

/** How many of `count` requests made at once the bucket lets through. */
const admitted = (take: () => number | undefined, count: number): number =>
  Array.from({ length: count }, take).filter((answer) => answer === undefined).length;

describe('TokenBucket', () => {
  it('lets a burst through at once, then refuses until tokens come back at the steady rate', () => {
    // Prepare
    const time = clock();
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, time.now);

    // Act
    const burst = admitted(() => bucket.take(), 25);
    time.advance(500);
    const halfSecondLater = admitted(() => bucket.take(), 25);
    time.advance(60_000);
    const afterAMinute = admitted(() => bucket.take(), 25);

    // Assess
    expect([burst, halfSecondLater, afterAMinute]).toEqual([20, 5, 20]);
  });

  it('sustains the steady rate and no more', () => {
    // Prepare
    const time = clock();
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, time.now);
    admitted(() => bucket.take(), 20);

    // Act: 3 requests every 100 ms for 10 s, three times the rate
    let passed = 0;
    for (let tick = 0; tick < 100; tick++) {
      time.advance(100);
      passed += admitted(() => bucket.take(), 3);
    }

    // Assess
    expect(passed).toBe(100);
  });

  it('tells a refused caller the whole seconds until the next token, at least one', () => {
    // Prepare
    const time = clock();
    const slow = new TokenBucket({ rate: 0.25, burst: 1 }, time.now);
    const fast = new TokenBucket({ rate: 100, burst: 1 }, time.now);
    slow.take();
    fast.take();

    // Act
    const slowWait = slow.take();
    const fastWait = fast.take();
    time.advance(2_000);
    const slowLater = slow.take();

    // Assess
    expect([slowWait, fastWait, slowLater]).toEqual([4, 1, 2]);
  });
});

describe('RateLimiter', () => {
  const limits = { perKey: { rate: 1, burst: 3 }, perOpenRoute: { rate: 1, burst: 2 } };
  const keyed = (apiKey: string | undefined) => ({
    method: 'POST',
    path: '/orders',
    auth: 'apiKey' as const,
    apiKey,
  });
  const open = (method: string, path: string) => ({ method, path, auth: 'none' as const, apiKey: undefined });

  it('gives every known key a bucket of its own', () => {
    // Prepare
    const time = clock();
    const limiter = new RateLimiter(limits, ['key-a', 'key-b'], time.now);

    // Act
    const a = admitted(() => limiter.take(keyed('key-a')), 10);
    const b = admitted(() => limiter.take(keyed('key-b')), 10);

    // Assess
    expect([a, b]).toEqual([3, 3]);
  });

  it('puts every unknown key, and none, in one shared bucket apart from the known keys', () => {
    // Prepare
    const time = clock();
    const limiter = new RateLimiter(limits, ['key-a'], time.now);

    // Act
    const guesses = Array.from({ length: 10 }, (_, i) => limiter.take(keyed(`guess-${i}`)));
    const none = limiter.take(keyed(undefined));
    const known = admitted(() => limiter.take(keyed('key-a')), 10);

    // Assess
    expect(guesses.filter((answer) => answer === undefined)).toHaveLength(3);
    expect(none).toBe(1);
    expect(known).toBe(3);
  });

  it('gives every route without a key a bucket of its own, shared by all its paths, apart from the keys', () => {
    // Prepare
    const time = clock();
    const limiter = new RateLimiter(limits, ['key-a'], time.now);

    // Act
    const webhooks = admitted(() => limiter.take(open('POST', '/webhooks/carrier/{provider}')), 10);
    const pages = admitted(() => limiter.take(open('GET', '/track/{orderId}')), 10);
    const health = admitted(() => limiter.take(open('GET', '/health')), 10);
    const storefront = admitted(() => limiter.take(keyed('key-a')), 10);

    // Assess
    expect([webhooks, pages, health, storefront]).toEqual([2, 2, 2, 3]);
  });

  it('lets everything through when off', () => {
    // Prepare
    const limiter = new RateLimiter({ perKey: 'off', perOpenRoute: 'off' }, ['key-a']);

    // Act
    const keyedAnswers = admitted(() => limiter.take(keyed('key-a')), 1_000);
    const openAnswers = admitted(() => limiter.take(open('GET', '/health')), 1_000);

    // Assess
    expect([keyedAnswers, openAnswers]).toEqual([1_000, 1_000]);
  });
});

describe('the local rate limit settings', () => {
  it('read <rate>/<burst> or off, and default to 100/200 per key and 50/100 per open route', () => {
    // Act
    const defaults = readSettings({}).rateLimits;
    const given = readSettings({
      ORDERFLOW_RATE_LIMIT: '10/20',
      ORDERFLOW_OPEN_RATE_LIMIT: 'off',
    }).rateLimits;

    // Assess
    expect(defaults).toEqual({ perKey: { rate: 100, burst: 200 }, perOpenRoute: { rate: 50, burst: 100 } });
    expect(given).toEqual({ perKey: { rate: 10, burst: 20 }, perOpenRoute: 'off' });
    expect(parseThrottle('0.5/1')).toEqual({ rate: 0.5, burst: 1 });
  });

  it('stop the start with the variable named for a value that is not a throttle', () => {
    for (const value of ['10', '10/', '/20', '0/20', '10/0', 'ten/20', '10/20/30', 'OFF']) {
      expect(() => readSettings({ ORDERFLOW_RATE_LIMIT: value }), value).toThrow(/ORDERFLOW_RATE_LIMIT/);
    }
    expect(() => readSettings({ ORDERFLOW_OPEN_RATE_LIMIT: '5' })).toThrow(/ORDERFLOW_OPEN_RATE_LIMIT/);
  });
});
