// `npm run demo` against a whole local system: every scenario ends in its expected status and cause, with the
// carrier simulation on (the sandbox moves the parcels) and off (the demo plays the carrier), and the seeded
// catalog's stock is exactly as before.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../catalog/paths';
import { runDemo } from '../../local/demo-driver';
import { isOk, type ScenarioResult } from '../../local/demo-scenarios';
import { demoCatalog } from '../../local/seed';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  opsKey,
  startTestSystem,
  storefrontKey,
  testKeys,
  webhookSecret,
} from '../helpers/local-system';

/** The seeded catalog's stock, as GET /inventory/{sku} answers it. */
const seededStock = (api: Api) => Promise.all(demoCatalog.map((item) => api.stock(item.sku)));

/** Each failed scenario with its problems, so a failure explains itself. */
const failures = (results: readonly ScenarioResult[]) =>
  results.filter((result) => !isOk(result)).map((result) => `${result.name}: ${result.problems.join('; ')}`);

describe('with the carrier simulation on', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // Days short enough to keep the run bounded (the slowest scenario takes 8 of them), long enough that a busy
    // machine cancels the early cancellation before its parcel's first scan (half a day after the label).
    system = await startTestSystem({ simulation: 'auto', daySeconds: 3 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('ends every scenario as expected, exits 0 and leaves the seeded stock alone', async () => {
    const before = await seededStock(api);

    const report = await runDemo({ url: system.url, keys: testKeys });

    expect(failures(report.results)).toEqual([]);
    expect(report.results).toHaveLength(8);
    expect(report.exitCode).toBe(0);
    expect(report.settings).toEqual({ carrierSimulation: 'auto', daySeconds: 3 });
    expect(await seededStock(api)).toEqual(before);
  }, 120_000);
});

describe('with the carrier simulation off', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('plays the carrier itself: every scenario as expected, exit status 0, the seeded stock alone', async () => {
    const before = await seededStock(api);

    // The entry point as `npm run demo` runs it, pointed at the system with its keys and webhook secret.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/demo.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ORDERFLOW_URL: system.url,
        ORDERFLOW_API_KEYS: `demo-store:${storefrontKey},ops:${opsKey}`,
        ORDERFLOW_WEBHOOK_SECRET: webhookSecret,
      },
    });

    expect(stdout).toContain('carrier simulation off');
    expect(stdout).toMatch(/^cancel after shipment\s+ord_\w+\s+.*\s+OK$/m);
    expect(stdout).toContain('All 8 scenarios ended as expected.');
    expect(await seededStock(api)).toEqual(before);
  }, 120_000);

  it('runs again on the same server with SKUs and customers of its own', async () => {
    // After the run above: nothing of it (stock, velocity of its customers) reaches this one.
    const report = await runDemo({ url: system.url, keys: testKeys });

    expect(failures(report.results)).toEqual([]);
    expect(report.settings).toEqual({ carrierSimulation: 'off', daySeconds: 2 });
    expect(report.stock.every((sku) => sku.sku.startsWith(`DEMO-${report.runId}-`))).toBe(true);
  }, 120_000);
});
