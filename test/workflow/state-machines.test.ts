// Every state machine file is valid ASL, runs on both engines (JSONPath only, no JSONata), keeps every wait
// bounded, and names only functions that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { arnPlaceholder, functionCatalog } from '../../catalog/functions';
import { localDefinition } from '../../local/step-functions';
import { projectRoot } from '../../catalog/paths';

const folder = join(projectRoot, 'statemachines');
const files = readdirSync(folder).filter((name) => name.endsWith('.asl.json'));

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: Record<string, unknown>;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: string;
}

const load = (file: string): Definition => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Definition;

describe.each(files)('%s', (file) => {
  it('is valid Amazon States Language', () => {
    const result = validator(
      JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>,
      {
        checkPaths: true,
        checkArn: true,
      },
    );

    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only, which the local engine runs', () => {
    const text = readFileSync(join(folder, file), 'utf8');

    expect(text).not.toMatch(/JSONata/i);
    expect(text).not.toContain('"Arguments"');
  });

  it('names only functions of the catalog, each with its handler file', () => {
    const placeholders = [...readFileSync(join(folder, file), 'utf8').matchAll(/\$\{(\w+)\}/g)].map(
      (m) => m[1],
    );
    const known = new Map(functionCatalog.map((spec) => [arnPlaceholder(spec), spec]));

    for (const placeholder of placeholders) {
      const spec = known.get(placeholder!);
      expect(spec, `${placeholder} is not in catalog/functions.ts`).toBeDefined();
      expect(existsSync(join(projectRoot, spec!.entry))).toBe(true);
    }
  });

  it('bounds every task: no wait without a timeout, and each task-token wait handles its timeout', () => {
    const { States } = load(file);

    for (const [name, state] of Object.entries(States)) {
      if (state.Type !== 'Task') continue;
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, `${name} has no timeout`).toBeDefined();
      if (state.Resource?.endsWith('.waitForTaskToken')) {
        expect(
          state.Catch?.some((c) => c.ErrorEquals.includes('States.Timeout')),
          `${name} ignores its timeout`,
        ).toBe(true);
      }
    }
  });

  it('reaches every state from StartAt, and every transition names a state', () => {
    const { StartAt, States } = load(file);
    const seen = new Set<string>();
    const queue = [StartAt];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      expect(States[name], `transition to missing state ${name}`).toBeDefined();
      seen.add(name);
      const state = States[name]!;
      queue.push(
        ...[
          state.Next,
          state.Default,
          ...(state.Choices ?? []).map((c) => c.Next),
          ...(state.Catch ?? []).map((c) => c.Next),
        ].filter((n): n is string => n !== undefined),
      );
    }

    expect([...seen].sort()).toEqual(Object.keys(States).sort());
  });

  it('never retries business outcomes', () => {
    const business = [
      'OrderInvalidError',
      'OutOfStockError',
      'PaymentDeclinedError',
      'FraudSuspectedError',
      'AddressUndeliverableError',
    ];
    for (const state of Object.values(load(file).States)) {
      for (const retry of state.Retry ?? [])
        expect(retry.ErrorEquals.filter((e) => business.includes(e))).toEqual([]);
    }
  });
});

describe('the local copy of a definition', () => {
  it('passes a TimeoutSecondsPath through Parameters, where the local engine evaluates it', () => {
    const definition = {
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSecondsPath: '$.flow.wait.seconds',
          End: true,
        },
      },
    };

    const local = localDefinition(definition as never) as unknown as Definition;

    expect(local.States.Wait?.TimeoutSecondsPath).toBe('$.localTimeoutSeconds');
    expect(local.States.Wait?.Parameters).toMatchObject({ 'localTimeoutSeconds.$': '$.flow.wait.seconds' });
  });
});
