// The fault injector on its own: seeded and repeatable, rates and limits as configured, each fault the error the
// real adapters report, and the ORDERFLOW_FAULTS setting read or refused with the entry named.
import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSpec } from '../../../local/faults';

const outcomes = (injector: FaultInjector, target: string, calls: number) =>
  Array.from({ length: calls }, () => injector.decide(target) ?? '-').join('');

describe('the fault injector', () => {
  it('fails the same calls for the same seed, and others for another', () => {
    // Prepare
    const rules = [{ target: 'store.*', fault: 'throttle' as const, rate: 0.3 }];

    // Act
    const first = outcomes(new FaultInjector({ seed: 7, rules }), 'store.PutItem', 200);
    const again = outcomes(new FaultInjector({ seed: 7, rules }), 'store.PutItem', 200);
    const other = outcomes(new FaultInjector({ seed: 8, rules }), 'store.PutItem', 200);

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const share = first.split('throttle').length - 1;
    expect(share).toBeGreaterThan(30);
    expect(share).toBeLessThan(90);
  });

  it('applies a rule to its targets only, at most `times` times, and counts what it injected', () => {
    // Prepare
    const injector = new FaultInjector({
      rules: [{ target: 'payment.authorize', fault: 'transient', times: 2 }],
    });

    // Act
    const authorize = outcomes(injector, 'payment.authorize', 4);
    const capture = outcomes(injector, 'payment.capture', 2);

    // Assess
    expect(authorize).toBe('transienttransient--');
    expect(capture).toBe('--');
    expect(injector.snapshot()).toEqual({ calls: 4, injected: { 'payment.authorize:transient': 2 } });
  });

  it('fails a call as the provider would: TransientError, the business error, or no answer', async () => {
    // Prepare
    const injector = new FaultInjector({
      functionTimeoutMs: 10,
      rules: [
        { target: 'payment.authorize', fault: 'business', times: 1 },
        { target: 'carrier.buyLabel', fault: 'transient', times: 1 },
        { target: 'carrier.voidLabel', fault: 'timeout', times: 1 },
      ],
    });
    const call = () => Promise.resolve('answered');

    // Act
    const declined = injector.provider('payment.authorize', 'sandbox', call).catch((e: Error) => e.name);
    const unavailable = injector.provider('carrier.buyLabel', 'sandbox', call).catch((e: Error) => e.name);
    const hung = injector.provider('carrier.voidLabel', 'sandbox', call).catch((e: Error) => e.name);

    // Assess
    expect(await declined).toBe('PaymentDeclinedError');
    expect(await unavailable).toBe('TransientError');
    expect(await hung).toBe('TransientError');
    expect(await injector.provider('carrier.buyLabel', 'sandbox', call)).toBe('answered');
  });

  it('injects no business fault where the operation has no business refusal', () => {
    const injector = new FaultInjector({ rules: [{ target: 'payment.*', fault: 'business' }] });

    expect(outcomes(injector, 'payment.void', 3)).toBe('---');
    expect(outcomes(injector, 'payment.authorize', 1)).toBe('business');
  });

  it('refuses rules that cannot apply', () => {
    expect(() => new FaultInjector({ rules: [{ target: 'payment.authorize', fault: 'throttle' }] })).toThrow(
      'does not apply',
    );
    expect(() => new FaultInjector({ rules: [{ target: 'queue.send', fault: 'transient' }] })).toThrow(
      'fault target',
    );
    expect(() => new FaultInjector({ rules: [{ target: 'store.*', fault: 'throttle', rate: 2 }] })).toThrow(
      'expected 0 to 1',
    );
  });
});

describe('ORDERFLOW_FAULTS', () => {
  it('reads a seed and rules with their rates', () => {
    expect(
      parseFaultSpec('seed=7, payment.authorize:transient@0.3, store.*:throttle@0.1, carrier.*:timeout'),
    ).toEqual({
      seed: 7,
      rules: [
        { target: 'payment.authorize', fault: 'transient', rate: 0.3 },
        { target: 'store.*', fault: 'throttle', rate: 0.1 },
        { target: 'carrier.*', fault: 'timeout' },
      ],
    });
  });

  it('is off when empty, and names an entry it cannot read', () => {
    expect(parseFaultSpec(undefined)).toBeUndefined();
    expect(parseFaultSpec(' ')).toBeUndefined();
    expect(() => parseFaultSpec('payment.authorize:sometimes')).toThrow('"payment.authorize:sometimes"');
    expect(() => parseFaultSpec('store.*:transient')).toThrow('does not apply');
  });
});
