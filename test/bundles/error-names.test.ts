// The name Lambda reports for an error (`errorType`, the thrown error's `name`) is what the ASL's Retry and Catch
// and CloseOrder match on. A step built with the stack's esbuild settings (minified) throws each typed error here,
// run by the same runtime as the deployed bundles; every error must be reported by its own class's name.
import { BUSINESS_ERRORS } from '../../catalog/retry-policies';
import { Counters } from '../../local/counters';
import { LambdaRuntime } from '../../local/lambda-runtime';
import { resolveLambdaNode } from '../../local/lambda-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errors from '../../functions/domain/errors';
import { buildBundles } from '../../local/bundles';
import { startBundleRuntime, type BundleRuntime } from '../../local/bundle-runtime';
import { projectPath } from '../../catalog/paths';

/** The API's refusals of a request: the HTTP layer answers them, no step throws them. */
const refusals = new Set(['InvalidRequestError', 'NotFoundError', 'ConflictError']);

/** Every typed error class of functions/domain/errors.ts a step can throw, by its export name. */
const typedErrors = Object.entries(errors)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof errors.OrderflowError)
  .map(([name]) => name)
  .filter((name) => !refusals.has(name));

const workDir = mkdtempSync(join(tmpdir(), 'orderflow-error-names-'));
let runtime: BundleRuntime;
let file: string;

beforeAll(async () => {
  // Prepare: a step whose domain function throws the typed error the event names, bundled as the stack bundles.
  const entry = join(workDir, 'throwing-step.ts');
  writeFileSync(
    entry,
    [
      `import * as errors from ${JSON.stringify(projectPath('functions/domain/errors.ts'))};`,
      `import { orderInput, stepHandler } from ${JSON.stringify(projectPath('functions/runtime/step.ts'))};`,
      'const typed = errors as unknown as Record<string, new (message: string) => Error>;',
      'export const handler = stepHandler(',
      '  orderInput,',
      '  async (_deps, input) => {',
      '    throw new typed[input.orderId]!(`thrown by the step`);',
      '  },',
      '  () => ({}) as never,',
      ');',
      '',
    ].join('\n'),
  );
  const built = await buildBundles(join(workDir, 'bundles'), [{ id: 'ThrowingStep', entry }]);
  file = built.files.get('ThrowingStep')!;
  runtime = await startBundleRuntime({
    environment: { POWERTOOLS_LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true' },
    node: resolveLambdaNode().binary,
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('a typed error thrown by a bundled step', () => {
  it('covers every error the workflow matches', () => {
    expect(typedErrors).toEqual(
      expect.arrayContaining([...BUSINESS_ERRORS, 'TransientError', 'ConcurrentUpdateError']),
    );
  });

  it.each(typedErrors)('is reported by Lambda as %s', async (name) => {
    // Act
    const lambdas = new LambdaRuntime(new Counters());
    lambdas.register('ThrowingStep', runtime.handler(file));
    const invocation = lambdas.invoke('ThrowingStep', { orderId: name });

    // Assess
    await expect(invocation).rejects.toMatchObject({ name, message: 'thrown by the step' });
  });
});
