// The worst journey an order can take stays inside Step Functions Standard's limits: 25,000 events in an
// execution's history and 256 KiB for the execution input and every state's input, output and payload. The
// journey: the largest order the API accepts (100 lines, every field at its longest, the body at the 64 KiB the API
// takes), held for review, its authorization lapsed and renewed, shipped, then 100 carrier scans (98 of them new
// estimates, each waking the workflow), delivered, and every Retry of every state visit taken to its last attempt
// (a seeded injector fails each step's first attempts with one of the errors its policy retries). The history is
// counted from the local engine's event log (`ExecutionHistory.historyEvents`), the payloads weighed in UTF-8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import { projectRoot } from '../../catalog/paths';
import { retryPolicies, retryPolicyByState } from '../../catalog/retry-policies';
import { getOrder } from '../../functions/adapters/order-store';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import type { LambdaHandler } from '../../local/lambda-runtime';
import { stripeEvent } from '../../local/api-client';
import type { LocalSystem } from '../../local/system';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecutionHistory } from '../helpers/execution-history';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
  waitForParked,
} from '../helpers/local-system';

const maxHistoryEvents = 25_000;
const maxPayloadBytes = 256 * 1024;
const maxBodyBytes = 64 * 1024;
const retriesPerVisit = retryPolicies.transient.MaxAttempts;

/** A small deterministic generator (mulberry32): the same seed injects the same errors. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** The function each workflow state invokes, and the retry policy of that state. */
const stateFunctions = (): Map<string, { policy: keyof typeof retryPolicies }> => {
  const functions = new Map<string, { policy: keyof typeof retryPolicies }>();
  for (const [file, states] of Object.entries(retryPolicyByState)) {
    const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachines', file), 'utf8')) as {
      States: Record<string, { Resource?: string; Parameters?: { FunctionName?: string } }>;
    };
    for (const [state, policy] of Object.entries(states)) {
      const task = definition.States[state]!;
      const arn = task.Parameters?.FunctionName ?? task.Resource ?? '';
      const id = /^\$\{(\w+)FunctionArn\}$/.exec(arn)?.[1];
      if (id) functions.set(id, { policy });
    }
  }
  return functions;
};

/**
 * Wraps every workflow function so that each state visit fails its first `retriesPerVisit` attempts and succeeds
 * on the last one its Retry allows, before the function runs (no effect is made twice). Visits of one function
 * never overlap in this journey (one execution at a time), so a run of attempts is a visit.
 */
const injectRetries = async (system: LocalSystem, seed: number): Promise<Map<string, number>> => {
  const random = seeded(seed);
  const injected = new Map<string, number>();
  for (const [id, { policy }] of stateFunctions()) {
    const spec = functionCatalog.find((candidate) => candidate.id === id)!;
    const module = (await import(pathToFileURL(join(projectRoot, spec.entry)).href)) as {
      createHandler: (deps: () => LocalSystem['deps']) => LambdaHandler;
    };
    const handler = module.createHandler(() => system.deps);
    const names = retryPolicies[policy].ErrorEquals.map((name) =>
      name === 'States.ALL' ? 'TransientError' : name,
    );
    let attempts = 0;
    system.lambdas.register(id, async (event, context) => {
      attempts += 1;
      if (attempts % (retriesPerVisit + 1) !== 0) {
        injected.set(id, (injected.get(id) ?? 0) + 1);
        const error = new Error(`injected failure ${attempts} of ${id}`);
        error.name = names[Math.floor(random() * names.length)]!;
        throw error;
      }
      return handler(event, context);
    });
  }
  return injected;
};

/** The largest order the API takes: 100 lines, every text at its longest (in 3-byte characters), under 64 KiB. */
const largestOrder = (): CreateOrderRequest => {
  const wide = (length: number) => '漢'.repeat(length);
  const address = {
    line1: wide(200),
    line2: wide(200),
    city: wide(100),
    region: wide(100),
    postalCode: '94105',
    country: 'US',
  };
  const build = (nameLength: number): CreateOrderRequest =>
    anOrderRequest({
      externalId: `limits-${'x'.repeat(92)}`,
      customer: {
        name: wide(200),
        email: `${'a'.repeat(64)}@example.com`,
        phone: '+14155550100',
        smsOptIn: true,
      },
      shippingAddress: address,
      billingAddress: { ...address, postalCode: '75011', country: 'FR', region: wide(100) },
      items: Array.from({ length: 100 }, (_, i) => ({
        sku: `SKU-LIMIT-${String(i).padStart(3, '0')}-${'L'.repeat(50)}`,
        name: wide(nameLength),
        quantity: 1000,
        unitPrice: 1,
      })),
      shipping: { service: 'standard', amount: 500 },
      tax: 0,
      total: 100 * 1000 + 500,
    });
  let nameLength = 200;
  while (Buffer.byteLength(JSON.stringify(build(nameLength)), 'utf8') > maxBodyBytes) nameLength -= 1;
  return build(nameLength);
};

describe('the worst-case journey', () => {
  let system: LocalSystem;
  let api: Api;
  let history: ExecutionHistory;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5, retryIntervalMs: 1 });
    api = new Api(system);
    history = new ExecutionHistory(system);
  });
  afterAll(async () => {
    history.stop();
    await system.stop();
  });

  it('stays under 25,000 history events and 256 KiB a payload with every retry and 100 scans', async () => {
    // Prepare: stock for the 100 lines, every state visit failing until its last attempt.
    const request = largestOrder();
    for (const item of request.items) await api.setStock(item.sku, item.quantity);
    const injected = await injectRetries(system, 20_240_601);

    // Act: held for review, approved, labelled, its authorization lapsed and renewed, shipped, 100 scans.
    const posted = await api.postOrder(request);
    expect(posted.status).toBe(202);
    const orderId = posted.body.orderId;
    await waitForOrder(api, system, orderId, hasStatus('IN_REVIEW'), 30_000);
    await waitForParked(system, orderId);
    expect((await api.review(orderId, { decision: 'approve', note: 'called the customer' })).status).toBe(
      202,
    );
    const labelled = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'), 30_000);
    await waitForParked(system, orderId);
    const { paymentId } = (await getOrder(system.deps.db, orderId))!.payment;
    await api.paymentEvent(
      stripeEvent('charge.expired', { id: 'ch_limits', object: 'charge', payment_intent: paymentId }),
    );
    await waitForOrder(api, system, orderId, (o) =>
      o.timeline.some((t) => t.type === 'PAYMENT_REAUTHORIZED'),
    );
    await waitForParked(system, orderId);
    expect((await api.ship(orderId)).status).toBe(202);
    await waitForOrder(api, system, orderId, hasStatus('SHIPPED'), 30_000);
    await waitForParked(system, orderId);
    const tracking = labelled.shipment!.trackingNumber;
    const promised = Date.parse(labelled.shipment!.promisedDelivery);
    const scans = [
      scan(tracking, 'in_transit'),
      ...Array.from({ length: 97 }, (_, i) =>
        scan(tracking, 'in_transit', {
          estimatedDelivery: new Date(promised + (i + 1) * 3_600_000).toISOString(),
        }),
      ),
      scan(tracking, 'out_for_delivery'),
      scan(tracking, 'delivered'),
    ];
    expect(scans).toHaveLength(100);
    // A new estimate wakes the workflow: the next scan is posted once TrackDelivery has parked again (its last
    // attempt answered). The first scan and the one out for delivery are applied by the receiver alone.
    const parks = () =>
      history.invocations.filter((i) => i.functionId === 'TrackDelivery' && 'result' in i).length;
    for (const event of scans.slice(0, -1)) {
      const before = parks();
      expect((await api.carrierEvent(event)).status).toBe(200);
      if (!('estimatedDelivery' in event)) continue;
      while (parks() === before) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await api.carrierEvent(scans.at(-1)!);
    const execution = await waitForExecutionEnd(system, orderId, 30_000);
    await system.lambdas.drain();

    // Assess
    const key = `order-fulfillment/${orderId}`;
    const events = history.historyEvents(key);
    const payloads = history.payloads().filter((p) => p.execution === key || p.execution === orderId);
    const largest = payloads.reduce((max, p) => (p.bytes > max.bytes ? p : max));
    const retries = history.retries(key);
    const visits = new Map<string, number>();
    for (const event of history.events.get(key) ?? []) {
      if (event.type === 'StateEntered')
        visits.set(event.state.name, (visits.get(event.state.name) ?? 0) + 1);
    }
    const wakes = visits.get('WaitForDelivery') ?? 0;
    const orderItemBytes = Buffer.byteLength(JSON.stringify(await getOrder(system.deps.db, orderId)), 'utf8');
    const figures = {
      figure: 'workflow-limits',
      historyEvents: events,
      historyEventsLimit: maxHistoryEvents,
      engineEvents: history.events.get(key)?.length ?? 0,
      stateVisits: [...visits.values()].reduce((sum, n) => sum + n, 0),
      deliveryWakes: wakes,
      retries: [...retries.values()].reduce((sum, n) => sum + n, 0),
      injectedFailures: [...injected.values()].reduce((sum, n) => sum + n, 0),
      requestBytes: Buffer.byteLength(JSON.stringify(request), 'utf8'),
      largestPayloadBytes: largest.bytes,
      largestPayloadWhere: largest.where,
      payloadLimitBytes: maxPayloadBytes,
      payloads: payloads.length,
      orderItemBytes,
    };
    console.log(JSON.stringify(figures));
    expect(execution.status).toBe('SUCCEEDED');
    expect((await api.order(orderId)).status).toBe('DELIVERED');
    // Every Task visit took every retry its policy allows.
    for (const [state, count] of retries) {
      expect([state, count]).toEqual([state, (visits.get(state) ?? 0) * retriesPerVisit]);
    }
    expect(wakes).toBe(97);
    // Margins: half the history, a tenth of a payload.
    expect(events).toBeLessThan(maxHistoryEvents / 2);
    expect(largest.bytes).toBeLessThan(maxPayloadBytes / 10);
  }, 180_000);
});
