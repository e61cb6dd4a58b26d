// The local engine's live view of orders: `GET /_local/events` pushes every change of an order (the command the
// API accepted, then each status the workflow moves it to), a client that leaves holds nothing, and the execution
// records name the states an order and its returns went through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import type { ExecutionRecord } from '../../local/step-functions';
import type { OrderChange } from '../../local/order-feed';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
} from '../helpers/local-system';

/** Waits until `check` holds, polling; fails with `what` after the bound. */
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A client of the event stream that collects the `order` events it receives. */
const listen = async (system: LocalSystem) => {
  const abort = new AbortController();
  const response = await fetch(`${system.url}/_local/events`, { signal: abort.signal });
  const changes: OrderChange[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = /^event: order\ndata: (.*)$/m.exec(block)?.[1];
        if (data) changes.push(JSON.parse(data) as OrderChange);
      }
    }
  })().catch(() => undefined);
  return {
    response,
    changes,
    async close() {
      abort.abort();
      await reading;
    },
  };
};

describe('the live order feed', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off' });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('pushes the posted order, then each status its workflow moves it to', async () => {
    // Prepare
    const client = await listen(system);
    await until('the subscription', () => system.orderFeed.subscribers > 0);

    // Act
    const posted = await api.postOrder(anOrderRequest());
    const orderId = posted.body.orderId;
    await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    await until('the LABEL_CREATED event', () =>
      client.changes.some((c) => c.orderId === orderId && c.status === 'LABEL_CREATED'),
    );
    await client.close();

    // Assess
    expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const ofOrder = client.changes.filter((c) => c.orderId === orderId);
    expect(ofOrder.filter((c) => c.source === 'api')).toEqual([
      expect.objectContaining({ status: 'RECEIVED', storefrontId: 'demo-store' }),
    ]);
    // Every stored status, the first one included, comes from the order-events topic too.
    expect(ofOrder.filter((c) => c.source === 'workflow').map((c) => c.status)).toEqual([
      'RECEIVED',
      'CONFIRMED',
      'LABEL_CREATED',
    ]);
  });

  it('forgets a client that goes away', async () => {
    // Prepare
    const client = await listen(system);
    await until('the subscription', () => system.orderFeed.subscribers > 0);

    // Act
    await client.close();

    // Assess
    await until('the unsubscription', () => system.orderFeed.subscribers === 0);
    expect(system.orderFeed.subscribers).toBe(0);
  });

  it('records the states an order and its return went through', async () => {
    // Prepare
    const posted = await api.postOrder(anOrderRequest());
    const orderId = posted.body.orderId;
    const labelled = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    await waitForOrder(api, system, orderId, hasStatus('DELIVERED'));
    await waitForExecutionEnd(system, orderId);
    const opened = await api.request<{ returnId: string }>('POST', `/orders/${orderId}/returns`, {
      body: { reason: 'too small' },
    });
    const execution = (name: string) =>
      api.request<ExecutionRecord>('GET', `/_local/executions/${name}`, { key: null });

    // Act
    const order = await execution(orderId);
    await until(
      'the return workflow to wait',
      async () => (await execution(opened.body.returnId)).status === 200,
    );
    const ret = await execution(opened.body.returnId);

    // Assess
    expect(order.body.status).toBe('SUCCEEDED');
    const states = order.body.visited!.map((v) => v.state);
    expect(states.slice(0, 6)).toEqual([
      'ValidateOrder',
      'AssessRisk',
      'ReserveStock',
      'AuthorizePayment',
      'RiskDecision',
      'BuyLabel',
    ]);
    expect(states).toContain('CapturePayment');
    expect(states.at(-1)).toBe('Delivered');
    const times = order.body.visited!.map((v) => v.at);
    expect([...times].sort()).toEqual(times);
    expect(ret.body.visited?.[0]?.state).toBe('WaitForReturnParcel');
  });
});
