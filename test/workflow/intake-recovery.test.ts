// Intake never leaves an order without its workflow: a fault between storing the order and starting its execution
// is healed by the storefront's retry, or else by the intake sweep (at start, and on its schedule); an execution
// that exists is never started twice. Bodies that are not UTF-8 are refused before anything is stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { orderIdFor } from '../../functions/orders-api/orders';
import type { Workflow } from '../../functions/adapters/workflow';
import type { LocalSystem } from '../../local/system';
import { Api, anOrderRequest, hasStatus, startTestSystem, waitForOrder } from '../helpers/local-system';

/** Makes the next `count` workflow starts fail, as a Step Functions outage would, after the order is stored. */
const failNextStarts = (system: LocalSystem, count: number): void => {
  const real: Workflow = system.deps.workflow;
  let left = count;
  system.deps.workflow = {
    ...real,
    start: (orderId) => {
      if (left > 0) {
        left -= 1;
        return Promise.reject(
          Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }),
        );
      }
      return real.start(orderId);
    },
  };
};

describe('intake recovery', () => {
  const systems: LocalSystem[] = [];
  const dirs: string[] = [];
  const start = async (dataDir?: string) => {
    const system = await startTestSystem({ simulation: 'off', daySeconds: 3600, dataDir });
    systems.push(system);
    return { system, api: new Api(system) };
  };
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 500 when the start fails, and the retry of the same request starts the workflow once', async () => {
    const { system, api } = await start();
    const request = anOrderRequest();
    const orderId = orderIdFor('demo-store', request.externalId);
    const startsBefore = system.counters.snapshot().executionsStarted;
    failNextStarts(system, 1);

    const failed = await api.postOrder(request);
    const stuck = await api.order(orderId);
    const noExecution = await system.engine.describe(orderId);
    const retried = await api.postOrder(structuredClone(request));
    const again = await api.postOrder(structuredClone(request));
    const done = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));

    expect(failed.status).toBe(500);
    expect(stuck.status).toBe('RECEIVED');
    expect(noExecution).toBeUndefined();
    expect([retried.status, again.status]).toEqual([200, 200]);
    expect(done.payment.status).toBe('AUTHORIZED');
    expect(system.counters.snapshot().executionsStarted - startsBefore).toBe(1);
  });

  it('has the intake sweep start an order nobody retried, and only once', async () => {
    const { system, api } = await start();
    failNextStarts(system, 1);
    const { status } = await api.postOrder(anOrderRequest());
    const request = anOrderRequest();
    const orderId = orderIdFor('demo-store', request.externalId);
    failNextStarts(system, 1);
    await api.postOrder(request);

    // The scheduled run leaves orders younger than its minute of grace to their own request...
    const scheduled = await system.lambdas.invoke('IntakeSweep', {});
    const stillReceived = await api.order(orderId);
    // ...which a run with no grace (as at start) then starts; a second run starts nothing new.
    const startsBefore = system.counters.snapshot().executionsStarted;
    await system.lambdas.invoke('IntakeSweep', { graceSeconds: 0 });
    await system.lambdas.invoke('IntakeSweep', { graceSeconds: 0 });
    const done = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));

    expect(status).toBe(500);
    expect(scheduled).toEqual({ started: 0 });
    expect(stillReceived.status).toBe('RECEIVED');
    expect(done.status).toBe('LABEL_CREATED');
    expect(system.counters.snapshot().executionsStarted - startsBefore).toBe(2);
  });

  it('starts, at the next start of the engine, an order whose workflow never started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orderflow-intake-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const request = anOrderRequest();
    const orderId = orderIdFor('demo-store', request.externalId);
    failNextStarts(first.system, 1);
    const failed = await first.api.postOrder(request);
    await first.system.stop();

    const second = await start(dataDir);
    const done = await waitForOrder(second.api, second.system, orderId, hasStatus('LABEL_CREATED'));

    expect(failed.status).toBe(500);
    expect(done.payment.status).toBe('AUTHORIZED');
  });

  it('refuses a body that is not valid UTF-8 with 400 VALIDATION_FAILED, storing nothing', async () => {
    const { api } = await start();
    const request = anOrderRequest();
    const text = JSON.stringify({ ...request, customer: { ...request.customer, name: 'Ada NAME' } });
    const [before, after] = text.split('NAME') as [string, string];
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);

    const answer = await api.request<{ error: { code: string; details: { path: string }[] } }>(
      'POST',
      '/orders',
      { raw: bytes, headers: { 'content-type': 'application/json' } },
    );
    const stored = await api.request('GET', `/orders/${orderIdFor('demo-store', request.externalId)}`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details[0]?.path).toBe('(body)');
    expect(stored.status).toBe(404);
  });
});
