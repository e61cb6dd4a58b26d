// Fault injection for the local engine: provider failures (the payment and carrier adapters answering a transient
// error, a business refusal, or not answering at all) and store throttling (DynamoDB refusing a fraction of the
// application's calls), decided by a seeded generator so that a run with the same seed and the same calls fails the
// same calls. Tests pass `faults` to startLocalSystem; `npm start` reads ORDERFLOW_FAULTS. Nothing here is wired in
// when no fault is configured: the handlers then get the adapters and the DynamoDB client themselves.
import { ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AddressUndeliverableError,
  CaptureFailedError,
  PaymentDeclinedError,
  TransientError,
} from '../functions/domain/errors';
import type { CarrierProvider, PaymentProvider } from '../functions/domain/providers';
import type { Deps } from '../functions/runtime/deps';

/**
 * `transient`: the provider answers 503 (the adapters' TransientError). `business`: it refuses for the order's sake
 * (a decline, an undeliverable address, a refused capture). `timeout`: the call hangs past the function's timeout.
 * `throttle`: DynamoDB answers ProvisionedThroughputExceededException.
 */
export type FaultKind = 'transient' | 'business' | 'timeout' | 'throttle';

export interface FaultRule {
  /**
   * The calls it applies to: `payment.<operation>`, `carrier.<operation>` (the provider interfaces' method names,
   * e.g. `payment.authorize`, `carrier.buyLabel`) or `store.<command>` (`store.PutItem`); `*` as the operation
   * matches every one of the provider or the store.
   */
  target: string;
  fault: FaultKind;
  /** The fraction of the matching calls that fail, drawn from the seeded generator (default 1: every one). */
  rate?: number;
  /** At most this many faults from this rule (default: no limit). */
  times?: number;
}

export interface FaultOptions {
  rules: FaultRule[];
  /** The generator's seed (default 1): the same seed and the same sequence of calls fail the same calls. */
  seed?: number;
  /**
   * The timeout the local Lambda runtime enforces on every invocation while faults are configured (default 30 s,
   * the stack's step timeout). A `timeout` fault holds its call longer than this.
   */
  functionTimeoutMs?: number;
}

/** What the injector did, for a test's figures. */
export interface FaultFigures {
  /** Calls that met a rule's target. */
  calls: number;
  /** Faults injected, by `target:fault` (e.g. `payment.authorize:transient`). */
  injected: Record<string, number>;
}

const businessErrors: Readonly<Record<string, () => Error>> = {
  'payment.authorize': () => new PaymentDeclinedError('the card was declined (injected fault)'),
  'payment.reauthorize': () => new PaymentDeclinedError('the renewal was declined (injected fault)'),
  'payment.capture': () => new CaptureFailedError('the capture was refused (injected fault)'),
  'carrier.buyLabel': () =>
    new AddressUndeliverableError('the carrier cannot deliver there (injected fault)'),
};

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const matches = (pattern: string, target: string): boolean =>
  pattern === target || (pattern.endsWith('.*') && target.startsWith(pattern.slice(0, -1)));

export class FaultInjector {
  readonly functionTimeoutMs: number;
  private rules: { rule: FaultRule; used: number }[] = [];
  private random: () => number;
  private figures: FaultFigures = { calls: 0, injected: {} };
  private readonly hangs = new Set<() => void>();

  constructor(options: FaultOptions) {
    this.functionTimeoutMs = options.functionTimeoutMs ?? 30_000;
    this.random = seededRandom(options.seed ?? 1);
    this.set(options.rules);
  }

  /** Replaces the rules (a test fixes the cause of a failure with `set([])`); the figures carry on. */
  set(rules: FaultRule[]): void {
    for (const rule of rules) {
      if (!/^(payment|carrier|store)\.(\*|\w+)$/.test(rule.target))
        throw new Error(
          `fault target ${rule.target}: expected payment.<op>, carrier.<op> or store.<command>`,
        );
      if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
        throw new Error(`fault rate of ${rule.target}: expected 0 to 1`);
      if ((rule.fault === 'throttle') !== rule.target.startsWith('store.'))
        throw new Error(`fault ${rule.fault} does not apply to ${rule.target}`);
    }
    this.rules = rules.map((rule) => ({ rule, used: 0 }));
  }

  /** The fault this call meets, if any (counted in the figures). */
  decide(target: string): FaultKind | undefined {
    const candidates = this.rules.filter(({ rule }) => matches(rule.target, target));
    if (candidates.length === 0) return undefined;
    this.figures.calls += 1;
    for (const candidate of candidates) {
      const { rule } = candidate;
      if (rule.times !== undefined && candidate.used >= rule.times) continue;
      if (rule.fault === 'business' && !businessErrors[target]) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      candidate.used += 1;
      const key = `${target}:${rule.fault}`;
      this.figures.injected[key] = (this.figures.injected[key] ?? 0) + 1;
      return rule.fault;
    }
    return undefined;
  }

  snapshot(): FaultFigures {
    return structuredClone(this.figures);
  }

  /** Faults injected in all, or those whose `target:fault` key starts with `prefix`. */
  injected(prefix = ''): number {
    return Object.entries(this.figures.injected)
      .filter(([key]) => key.startsWith(prefix))
      .reduce((sum, [, count]) => sum + count, 0);
  }

  /** Holds a call past the function timeout; `release` (at shutdown) lets every held call go at once. */
  hang(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.hangs.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.functionTimeoutMs * 2);
      this.hangs.add(done);
    });
  }

  release(): void {
    for (const done of [...this.hangs]) done();
  }

  /** Runs `call` unless `target` meets a fault, which fails it as the provider would. */
  async provider<T>(target: string, providerName: string, call: () => Promise<T>): Promise<T> {
    const fault = this.decide(target);
    if (fault === 'transient')
      throw new TransientError(`${providerName} is unavailable (HTTP 503, injected fault)`);
    if (fault === 'business') throw businessErrors[target]!();
    if (fault === 'timeout') {
      await this.hang();
      throw new TransientError(`${providerName} did not answer (injected fault)`);
    }
    return call();
  }
}

/** A provider whose every method first meets the injector. */
const faulty = <P extends object>(provider: P, kind: 'payment' | 'carrier', faults: FaultInjector): P =>
  new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const name = (target as { name?: string }).name ?? kind;
      return (...args: unknown[]) =>
        faults.provider(`${kind}.${property}`, name, () =>
          Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)),
        );
    },
  });

/** The dependencies with the payment and carrier providers behind the injector. */
export const withProviderFaults = (deps: Deps, faults: FaultInjector): Deps => {
  const payments = new Map<string, PaymentProvider>();
  return {
    ...deps,
    payment: (provider) => {
      let wrapped = payments.get(provider);
      if (!wrapped) {
        wrapped = faulty(deps.payment(provider), 'payment', faults);
        payments.set(provider, wrapped);
      }
      return wrapped;
    },
    carrier: faulty<CarrierProvider>(deps.carrier, 'carrier', faults),
  };
};

/**
 * Throttles the application's DynamoDB calls as the rules say. The middleware sits inside the SDK's retry, as
 * DynamoDB's answer does: the SDK retries a throttled call with its own backoff (3 attempts locally, as in Lambda),
 * and only a call throttled every time reaches the handler.
 */
export const throttleStore = (client: DynamoDBClient, faults: FaultInjector): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      if (faults.decide(`store.${command}`) === 'throttle') {
        throw new ProvisionedThroughputExceededException({
          message:
            'The level of configured provisioned throughput for the table was exceeded (injected fault)',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'injectStoreThrottling' },
  );
};

/**
 * ORDERFLOW_FAULTS: `seed=<n>` and `<target>:<fault>[@<rate>]` entries, comma-separated, e.g.
 * `seed=7,payment.authorize:transient@0.3,carrier.*:timeout@0.05,store.*:throttle@0.1`. Empty: no faults.
 */
export const parseFaultSpec = (spec: string | undefined): FaultOptions | undefined => {
  if (!spec?.trim()) return undefined;
  const options: FaultOptions = { rules: [] };
  for (const entry of spec.split(',').map((part) => part.trim())) {
    const seed = /^seed=(\d+)$/.exec(entry);
    if (seed) {
      options.seed = Number(seed[1]);
      continue;
    }
    const rule =
      /^((?:payment|carrier|store)\.(?:\*|\w+)):(transient|business|timeout|throttle)(?:@([\d.]+))?$/.exec(
        entry,
      );
    if (!rule)
      throw new Error(`ORDERFLOW_FAULTS: cannot read "${entry}" (expected <target>:<fault>[@<rate>])`);
    options.rules.push({
      target: rule[1]!,
      fault: rule[2] as FaultKind,
      ...(rule[3] ? { rate: Number(rule[3]) } : {}),
    });
  }
  // The rules are checked as the injector would.
  new FaultInjector(options);
  return options;
};
