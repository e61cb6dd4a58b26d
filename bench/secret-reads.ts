// Says which secrets each Lambda invocation reads. Locally the secrets come from the environment, so no Secrets
// Manager call is ever made; in AWS each container reads each secret it uses once (functions/runtime/compose.ts
// caches it). This wraps the secret getters of the local system's dependencies (and the payment and carrier
// providers, whose API keys are secrets with Stripe and EasyPost) and counts, per invocation, the distinct secrets
// it used: the GetSecretValue calls that invocation makes when it runs in a fresh container.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LocalSystem } from '../local/system';

export interface SecretReadsSummary {
  /** Distinct secrets used, summed over invocations: the calls if every invocation started a fresh container. */
  readsIfEveryInvocationCold: number;
  byFunction: Record<string, number>;
  bySecret: Record<string, number>;
}

interface Invocation {
  functionId: string;
  secrets: Set<string>;
}

export class SecretReads {
  private readonly context = new AsyncLocalStorage<Invocation>();
  private byFunction = new Map<string, number>();
  private bySecret = new Map<string, number>();

  private constructor() {}

  static attach(system: LocalSystem): SecretReads {
    const reads = new SecretReads();
    const invoke = system.lambdas.invoke.bind(system.lambdas);
    system.lambdas.invoke = (functionId, event) => {
      const invocation: Invocation = { functionId, secrets: new Set() };
      return reads.context.run(invocation, async () => {
        try {
          return await invoke(functionId, event);
        } finally {
          reads.settle(invocation);
        }
      });
    };
    // Handlers read the dependencies through the object they are handed, at call time: wrapping its members here is
    // what every handler sees.
    const deps = system.deps;
    for (const getter of ['webhookSecret', 'trackingLinkSecret', 'riskHashKey'] as const) {
      const read = deps[getter].bind(deps);
      deps[getter] = () => {
        reads.use(getter);
        return read();
      };
    }
    const payment = deps.payment.bind(deps);
    deps.payment = (provider) => {
      reads.use('paymentProviderKey');
      return payment(provider);
    };
    deps.carrier = new Proxy(deps.carrier, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          reads.use('carrierProviderKey');
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return reads;
  }

  private use(secret: string): void {
    this.context.getStore()?.secrets.add(secret);
  }

  private settle({ functionId, secrets }: Invocation): void {
    if (secrets.size === 0) return;
    this.byFunction.set(functionId, (this.byFunction.get(functionId) ?? 0) + secrets.size);
    for (const secret of secrets) this.bySecret.set(secret, (this.bySecret.get(secret) ?? 0) + 1);
  }

  reset(): void {
    this.byFunction = new Map();
    this.bySecret = new Map();
  }

  summary(): SecretReadsSummary {
    return {
      readsIfEveryInvocationCold: [...this.byFunction.values()].reduce((sum, value) => sum + value, 0),
      byFunction: Object.fromEntries(this.byFunction),
      bySecret: Object.fromEntries(this.bySecret),
    };
  }
}
