// Each Lambda bundle carries an SDK client or provider exactly when the catalog says the function calls it: its
// tables, or the capabilities the stack grants it (catalog/functions.ts); and the phone and address checks only
// where an order's own fields are checked. All the bundles are built in one esbuild
// call with the stack's settings (catalog/bundling.ts) and read from esbuild's metafile, so a handler that imports
// a client it is not granted (a bigger bundle, a slower cold start) fails here, and so does one that lacks what it
// is granted.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesByPackage } from '../../bench/cold-start';
import { esbuildOptions } from '../../catalog/bundling';
import { functionCatalog, type Capability, type FunctionSpec } from '../../catalog/functions';
import { projectRoot } from '../../catalog/paths';

type Inputs = Metafile['outputs'][string]['inputs'];

/** Capabilities whose calls need a key from Secrets Manager in AWS (customer notices link the tracking page). */
const secretReading: Capability[] = [
  'sendEmail',
  'trackingLinks',
  'riskFingerprints',
  'webhookSecret',
  'paymentWebhookSecret',
  'paymentProvider',
  'carrierProvider',
];

const hasAny = (spec: FunctionSpec, capabilities: Capability[]): boolean =>
  capabilities.some((capability) => spec.capabilities.includes(capability));

const hasTables = (spec: FunctionSpec): boolean => Object.keys(spec.tables).length > 0;

/**
 * The functions that check an order's own fields: intake parses the order request (functions/domain/order-request.ts)
 * and ValidateOrder checks the stored order again (order-checks.ts). No capability says so, so they are named.
 */
const checksOrderFields = (spec: FunctionSpec): boolean => ['OrdersApi', 'ValidateOrder'].includes(spec.id);

interface Rule {
  /** An npm package, or a project module (`functions/...`). */
  what: string;
  /** Whether the function's catalog entry calls for it. */
  calledFor: (spec: FunctionSpec) => boolean;
  /** Also required when called for (not only forbidden otherwise). */
  required: boolean;
}

const rules: Rule[] = [
  { what: '@aws-sdk/client-dynamodb', calledFor: hasTables, required: true },
  { what: '@aws-sdk/lib-dynamodb', calledFor: hasTables, required: true },
  { what: '@aws-sdk/client-sesv2', calledFor: (spec) => hasAny(spec, ['sendEmail']), required: true },
  {
    what: 'functions/adapters/ses-email.ts',
    calledFor: (spec) => hasAny(spec, ['sendEmail']),
    required: true,
  },
  {
    what: '@aws-sdk/client-sns',
    calledFor: (spec) => hasAny(spec, ['sendSms', 'opsAlerts', 'orderEvents']),
    required: true,
  },
  {
    what: '@aws-sdk/client-sfn',
    calledFor: (spec) => hasAny(spec, ['startExecution', 'sendTaskResult']),
    required: true,
  },
  {
    what: '@aws-sdk/client-secrets-manager',
    calledFor: (spec) => hasAny(spec, secretReading),
    required: true,
  },
  {
    what: '@aws-lambda-powertools/parameters',
    calledFor: (spec) => hasAny(spec, secretReading),
    required: true,
  },
  {
    what: 'functions/adapters/payment/stripe-payment.ts',
    calledFor: (spec) => hasAny(spec, ['paymentProvider']),
    required: true,
  },
  // The Stripe SDK: the payment adapter, and the signature check of Stripe's webhooks.
  {
    what: 'stripe',
    calledFor: (spec) => hasAny(spec, ['paymentProvider', 'paymentWebhookSecret']),
    required: true,
  },
  {
    what: 'functions/adapters/carrier/easypost-carrier.ts',
    calledFor: (spec) => hasAny(spec, ['carrierProvider']),
    required: true,
  },
  // The phone and postal code checks (about 118 and 10 KB): only where an order's own fields are checked.
  { what: 'libphonenumber-js', calledFor: checksOrderFields, required: true },
  { what: 'postcode-validator', calledFor: checksOrderFields, required: true },
  { what: 'functions/domain/order-checks.ts', calledFor: checksOrderFields, required: true },
  // The EasyPost SDK, should the adapter use it.
  { what: '@easypost/api', calledFor: (spec) => hasAny(spec, ['carrierProvider']), required: false },
];

/** What a bundle holds: its npm packages and the project modules in it. */
const contents = (inputs: Inputs): Set<string> =>
  new Set([
    ...Object.keys(bytesByPackage(inputs)),
    ...Object.keys(inputs).filter((file) => !file.includes('node_modules/')),
  ]);

const bundles = new Map<string, Set<string>>();

beforeAll(async () => {
  // Prepare: every catalog function bundled as the stack bundles it, kept in memory (minifying and source maps
  // change no module's presence, only the time the build takes).
  const result = await build({
    ...esbuildOptions(),
    minify: false,
    sourcemap: false,
    entryPoints: functionCatalog.map((spec) => ({
      in: join(projectRoot, spec.entry),
      out: join(spec.id, 'index'),
    })),
    outdir: join(tmpdir(), 'orderflow-bundle-contents'),
    absWorkingDir: projectRoot,
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  for (const spec of functionCatalog) {
    const output = Object.entries(result.metafile.outputs).find(([file]) =>
      file.endsWith(`${spec.id}/index.mjs`),
    );
    if (!output) throw new Error(`esbuild wrote no bundle for ${spec.id}`);
    bundles.set(spec.id, contents(output[1].inputs));
  }
});

describe('the bundle of each function', () => {
  it.each(functionCatalog.map((spec) => [spec.id, spec] as const))(
    '%s carries a client, provider or check only when its catalog entry calls for it',
    (_id, spec) => {
      // Act
      const bundle = bundles.get(spec.id)!;
      const unneeded = rules.filter((rule) => bundle.has(rule.what) && !rule.calledFor(spec));
      const missing = rules.filter((rule) => rule.required && rule.calledFor(spec) && !bundle.has(rule.what));

      // Assess
      expect({
        unneeded: unneeded.map((rule) => rule.what),
        missing: missing.map((rule) => rule.what),
      }).toEqual({ unneeded: [], missing: [] });
    },
  );

  it('names the project modules as the rules do (a renamed adapter must not pass silently)', () => {
    // Act
    const everything = new Set([...bundles.values()].flatMap((bundle) => [...bundle]));

    // Assess
    const projectRules = rules.filter((rule) => rule.what.startsWith('functions/'));
    expect(projectRules.filter((rule) => !everything.has(rule.what))).toEqual([]);
  });
});
