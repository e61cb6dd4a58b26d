// The local gateway's throttles, as API Gateway applies them in AWS (docs/deploy.md, "Throttles"): a token bucket
// per API key, as each key's usage plan gives it, and one per route without a key (webhooks, tracking page, health,
// API document), as the stage's per-method throttles do. A flood on one bucket leaves every other one alone: a
// storefront's burst does not slow another storefront, and a flood of webhooks does not slow the storefronts.
// Requests over the limit are answered `429 RATE_LIMITED` with `Retry-After` before anything runs.
import { sha256Hex } from '../functions/domain/hash';

/** Steady requests per second, and how many may come at once (the bucket's size). */
export interface Throttle {
  rate: number;
  burst: number;
}

/** `<rate>/<burst>`, as ORDERFLOW_RATE_LIMIT and ORDERFLOW_OPEN_RATE_LIMIT give it; `off` is no limit. */
export const parseThrottle = (value: string): Throttle | 'off' | undefined => {
  if (value === 'off') return 'off';
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(value);
  if (!match) return undefined;
  const throttle = { rate: Number(match[1]), burst: Number(match[2]) };
  return throttle.rate > 0 && throttle.burst >= 1 ? throttle : undefined;
};

/**
 * A token bucket: it holds up to `burst` tokens, starts full and gains `rate` tokens a second; each request takes
 * one. Without a token the request is refused, with the seconds until the next token.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly throttle: Throttle,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = throttle.burst;
    this.updatedAt = now();
  }

  /** Takes a token: undefined when there was one, else the whole seconds to wait (at least 1) for the next. */
  take(): number | undefined {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.throttle.burst, this.tokens + elapsedSeconds * this.throttle.rate);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.throttle.rate));
  }
}

export interface RateLimits {
  /** Per API key (each key its own bucket), or off. */
  perKey: Throttle | 'off';
  /** Per route without a key (each route its own bucket), or off. */
  perOpenRoute: Throttle | 'off';
}

/** What a request is throttled by: its route and, on a keyed route, the key it sends. */
export interface ThrottledRequest {
  method: string;
  /** The route's path template (`/track/{orderId}`), so every order's page shares the route's bucket. */
  path: string;
  auth: 'apiKey' | 'none';
  apiKey: string | undefined;
}

/**
 * Every bucket of the local gateway. Known keys have a bucket each, found by the key's hash (the raw key is neither
 * kept nor looked up); a key nobody has, or none, shares one bucket, so made-up keys cannot grow the table.
 */
export class RateLimiter {
  private readonly keyBuckets = new Map<string, TokenBucket>();
  private readonly unknownKeys: TokenBucket | undefined;
  private readonly routeBuckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: RateLimits,
    knownKeys: Iterable<string>,
    private readonly now: () => number = Date.now,
  ) {
    const perKey = limits.perKey;
    if (perKey !== 'off') {
      for (const key of knownKeys) this.keyBuckets.set(sha256Hex(key), new TokenBucket(perKey, now));
      this.unknownKeys = new TokenBucket(perKey, now);
    }
  }

  /** Takes a token for the request: undefined when it may go on, else the seconds its client should wait. */
  take(request: ThrottledRequest): number | undefined {
    if (request.auth === 'apiKey') {
      if (this.limits.perKey === 'off') return undefined;
      const known = request.apiKey ? this.keyBuckets.get(sha256Hex(request.apiKey)) : undefined;
      return (known ?? this.unknownKeys)?.take();
    }
    const perRoute = this.limits.perOpenRoute;
    if (perRoute === 'off') return undefined;
    const route = `${request.method} ${request.path}`;
    let bucket = this.routeBuckets.get(route);
    if (!bucket) {
      bucket = new TokenBucket(perRoute, this.now);
      this.routeBuckets.set(route, bucket);
    }
    return bucket.take();
  }
}
