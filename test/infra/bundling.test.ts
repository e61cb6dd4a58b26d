// The bundles the local engine and the benchmarks build are the bundles `cdk synth` puts into the assets: esbuild
// run by NodejsFunction with the construct's `bundling` props and esbuild run by local/bundles.ts with
// catalog/bundling.ts write the same bytes, so the two settings cannot drift apart.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderFunction } from '../../lib/constructs/order-function';
import { functionCatalog } from '../../catalog/functions';
import { buildBundles } from '../../local/bundles';

/** A digest keeps a failure readable: the bundles are hundreds of KB of minified code. */
const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const spec = functionCatalog.find((candidate) => candidate.id === 'ValidateOrder')!;
const workDir = mkdtempSync(join(tmpdir(), 'orderflow-bundling-'));
let synthesized: string;
let local: string;

beforeAll(async () => {
  // Prepare: one OrderFunction synthesized with real bundling (no `aws:cdk:bundling-stacks` override).
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundlingCheck');
  new OrderFunction(stack, 'Step', {
    spec,
    environment: {},
    timeout: Duration.seconds(10),
    memorySize: 256,
    logLevel: 'INFO',
    logRetention: RetentionDays.ONE_WEEK,
    retainLogs: false,
  });
  app.synth();
  const assets = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  synthesized = join(outdir, assets[0]!);
  local = (await buildBundles(join(workDir, 'local'), [spec])).dir;
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('are the same bytes whether cdk synth or the local builder runs esbuild', () => {
    const fromStack = join(synthesized, 'index.mjs');
    const fromBuilder = join(local, spec.id, 'index.mjs');

    expect(readFileSync(fromBuilder).length).toBeGreaterThan(1000);
    expect(digest(fromBuilder)).toBe(digest(fromStack));
  });

  it('ship a source map beside the bundle in both', () => {
    expect(readdirSync(synthesized).sort()).toEqual(readdirSync(join(local, spec.id)).sort());
  });
});
