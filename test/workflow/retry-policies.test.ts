// The retry policy of both workflows, stated once in catalog/retry-policies.ts: every Retry block is one of the named
// policies, no retry covers a business outcome, and a state that retries every error runs a function that throws
// no business error (checked against the function's code, not only its catalog entry).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '../../catalog/functions';
import {
  BUSINESS_ERRORS,
  CATCH_ALL_ERRORS,
  retryBudgetSeconds,
  retryPolicies,
  retryPolicyByState,
  type Retrier,
} from '../../catalog/retry-policies';
import { projectRoot } from '../../catalog/paths';

interface State {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const folder = join(projectRoot, 'statemachines');
const files = readdirSync(folder).filter((name) => name.endsWith('.asl.json'));
const tasksOf = (file: string): [string, State][] =>
  Object.entries(
    (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { States: Record<string, State> }).States,
  ).filter(([, state]) => state.Type === 'Task');

/** The catalog function a Task runs, directly or through lambda:invoke. */
const functionOf = (state: State): FunctionSpec => {
  const reference = state.Parameters?.FunctionName ?? state.Resource ?? '';
  const id = /^\$\{(\w+)FunctionArn\}$/.exec(reference)?.[1];
  const spec = functionCatalog.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no catalog function behind ${reference}`);
  return spec;
};

const catchesAll = (retrier: Retrier) =>
  retrier.ErrorEquals.some((error) => (CATCH_ALL_ERRORS as readonly string[]).includes(error));

/**
 * The business errors a function's own code evidently throws: those it constructs, the cancellation check, and the
 * provider calls whose documented answer is a business error.
 */
const evidentRaises = (spec: FunctionSpec): string[] => {
  const dir = join(projectRoot, dirname(spec.entry));
  const code = readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
  const raised = new Set(BUSINESS_ERRORS.filter((error) => code.includes(`new ${error}(`)));
  if (code.includes('assertNotCancelled(')) raised.add('OrderCancelledError');
  if (/\.payment\.authorize\(/.test(code)) raised.add('PaymentDeclinedError');
  if (/\.carrier\.buyLabel\(/.test(code)) raised.add('AddressUndeliverableError');
  return [...raised].sort();
};

describe('the named retry policies', () => {
  it('retry what a retry can fix, Lambda client timeouts included, and no business error', () => {
    expect(retryPolicies.transient.ErrorEquals).toEqual(
      expect.arrayContaining([
        'TransientError',
        'ConcurrentUpdateError',
        'Lambda.TooManyRequestsException',
        'Lambda.ClientExecutionTimeoutException',
      ]),
    );
    for (const policy of Object.values(retryPolicies)) {
      expect(
        policy.ErrorEquals.filter((error) => (BUSINESS_ERRORS as readonly string[]).includes(error)),
      ).toEqual([]);
    }
  });

  it('ride out a provider outage of minutes, not seconds', () => {
    for (const policy of Object.values(retryPolicies)) {
      const budget = retryBudgetSeconds(policy);
      expect(budget.mean, 'average wait before giving up').toBeGreaterThanOrEqual(5 * 60);
      expect(budget.max, 'longest wait before giving up').toBeLessThanOrEqual(15 * 60);
    }
  });
});

describe.each(files)('%s', (file) => {
  const tasks = tasksOf(file);
  const byState = retryPolicyByState[file] ?? {};

  it('uses exactly the named policy catalog/retry-policies.ts assigns to each Task', () => {
    for (const [name, state] of tasks) {
      const policy = byState[name];
      expect(state.Retry, `${name}: Retry`).toEqual(policy ? [retryPolicies[policy]] : undefined);
    }
    expect(Object.keys(byState).sort()).toEqual(
      tasks
        .map(([name]) => name)
        .filter((name) => name in byState)
        .sort(),
    );
  });

  it('never retries a business error', () => {
    for (const [name, state] of tasks) {
      for (const retrier of state.Retry ?? []) {
        expect(
          retrier.ErrorEquals.filter((error) => (BUSINESS_ERRORS as readonly string[]).includes(error)),
          `${name} retries a business error`,
        ).toEqual([]);
      }
    }
  });

  it('retries every error only where the function throws no business error', () => {
    for (const [name, state] of tasks) {
      if (!(state.Retry ?? []).some(catchesAll)) continue;
      const spec = functionOf(state);
      expect(spec.raises ?? [], `${name} retries States.ALL but ${spec.id} throws`).toEqual([]);
      expect(evidentRaises(spec), `${name} retries States.ALL but ${spec.id}'s code throws`).toEqual([]);
    }
  });
});

describe('the business errors the catalog declares', () => {
  it.each(functionCatalog.map((spec) => [spec.id, spec] as const))(
    'cover what %s evidently throws',
    (_, spec) => {
      expect(spec.raises ?? []).toEqual(expect.arrayContaining(evidentRaises(spec)));
    },
  );
});

describe('the order workflow', () => {
  const tasks = new Map(tasksOf('order-fulfillment.asl.json'));

  it('does not retry a refused capture: CapturePayment goes straight to CloseOrder', () => {
    const capture = tasks.get('CapturePayment')!;
    for (const retrier of capture.Retry ?? []) {
      expect(retrier.ErrorEquals).not.toContain('CaptureFailedError');
      expect(catchesAll(retrier)).toBe(false);
    }
  });
});

describe('the task-token waits, whose Lambdas call providers or lose races on the order item', () => {
  const waits = files.flatMap((file) =>
    tasksOf(file).filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken')),
  );

  it('are AwaitReview, BuyLabel, WaitForShipment, CapturePayment, WaitForDelivery and WaitForReturnParcel', () => {
    expect(waits.map(([name]) => name).sort()).toEqual([
      'AwaitReview',
      'BuyLabel',
      'CapturePayment',
      'WaitForDelivery',
      'WaitForReturnParcel',
      'WaitForShipment',
    ]);
  });

  it.each(waits.map(([name, state]) => [name, state] as const))(
    '%s retries TransientError and ConcurrentUpdateError',
    (_, state) => {
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(['TransientError', 'ConcurrentUpdateError']));
    },
  );
});

describe('the return workflow', () => {
  it.each(tasksOf('order-return.asl.json'))('catches what %s does not expect', (_, state) => {
    expect(state.Catch?.some((c) => c.ErrorEquals.includes('States.ALL'))).toBe(true);
  });
});
