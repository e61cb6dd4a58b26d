// Order events reach the order-events topic from the Orders table's stream, at least once and in order: a journey's
// events arrive once per status with unique ids; a publish that fails is handed again until it goes through; and a
// status change stored just before the process stops is published after the next start (the stream's position per
// order is kept on disk and caught up).
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../functions/domain/notices';
import type { LocalSystem } from '../../local/system';
import { Api, anOrderRequest, hasStatus, scan, startTestSystem, waitForOrder } from '../helpers/local-system';

/** The order events the topic received for one order, in the order they were published. */
const eventsOf = (system: LocalSystem, orderId: string): OrderEvent[] =>
  system.topicMessages
    .map((message) => JSON.parse(message.message) as OrderEvent)
    .filter((event) => event.orderId === orderId);

/** Waits until `check` holds, polling; fails with `what` after the bound. */
const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Makes the order-events topic fail while `failing()` holds, counting the publishes it refused. */
const failPublishesWhile = (system: LocalSystem, failing: () => boolean) => {
  const real = system.deps.messaging;
  const refused = { count: 0 };
  system.deps.messaging = {
    ...real,
    publishOrderEvent: (event) => {
      if (failing()) {
        refused.count += 1;
        return Promise.reject(Object.assign(new Error('SNS is unavailable'), { name: 'InternalError' }));
      }
      return real.publishOrderEvent(event);
    },
  };
  return refused;
};

describe('order events', () => {
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

  it('arrive once per status of a journey, in order, with unique ids and no customer data', async () => {
    // Prepare
    const { system, api } = await start();
    const request = anOrderRequest();
    const { body } = await api.postOrder(request);
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    // Act
    await api.ship(body.orderId);
    await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'in_transit'));
    await api.carrierEvent(scan(labelled.shipment!.trackingNumber, 'delivered'));
    await waitForOrder(api, system, body.orderId, hasStatus('DELIVERED'));
    await until('the DELIVERED event', () =>
      eventsOf(system, body.orderId).some((event) => event.status === 'DELIVERED'),
    );

    // Assess
    const events = eventsOf(system, body.orderId);
    expect(events.map((event) => event.status)).toEqual([
      'RECEIVED',
      'CONFIRMED',
      'LABEL_CREATED',
      'SHIPPED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
    const versions = events.map((event) => event.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(events.map((event) => event.eventId)).toEqual(versions.map((v) => `${body.orderId}:${v}`));
    expect(events[0]).toMatchObject({ type: 'order.received', storefrontId: 'demo-store' });
    const messages = JSON.stringify(events);
    for (const pii of [request.customer.email, request.customer.name, request.shippingAddress.line1]) {
      expect(messages).not.toContain(pii);
    }
    expect(system.orderStream.setAside).toEqual([]);
  });

  it('hands a publish that failed again until the event arrives, the later ones after it', async () => {
    // Prepare
    const { system, api } = await start();
    let outage = true;
    const refused = failPublishesWhile(system, () => outage);

    // Act
    const { body } = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await until('three refused publishes', () => refused.count >= 3);
    const duringOutage = eventsOf(system, body.orderId);
    outage = false;
    await until('the LABEL_CREATED event', () =>
      eventsOf(system, body.orderId).some((event) => event.status === 'LABEL_CREATED'),
    );

    // Assess
    console.info(`figures: ${refused.count} publishes refused during the outage`);
    expect(duringOutage).toEqual([]);
    const events = eventsOf(system, body.orderId);
    expect(events.map((event) => event.status)).toEqual(['RECEIVED', 'CONFIRMED', 'LABEL_CREATED']);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(3);
    expect(system.orderStream.setAside).toEqual([]);
  });

  it('publishes after a restart every status change stored before the stop and never published', async () => {
    // Prepare: the topic is down, so the order's changes are stored but not published when the process stops.
    const dir = mkdtempSync(join(tmpdir(), 'orderflow-events-'));
    dirs.push(dir);
    const first = await start(dir);
    failPublishesWhile(first.system, () => true);
    const { body } = await first.api.postOrder(anOrderRequest());
    await waitForOrder(first.api, first.system, body.orderId, hasStatus('LABEL_CREATED'));
    const stored = await first.api.order(body.orderId);
    const beforeStop = eventsOf(first.system, body.orderId);
    await first.system.stop();
    // A kill in the middle of an append leaves a line cut short at the journal's end.
    appendFileSync(
      join(dir, 'order-stream.jsonl'),
      `{"pk":"ORDER#${body.orderId}","orderId":"${body.orderId}","sta`,
    );

    // Act
    const second = await start(dir);
    await until('the events after the restart', () => eventsOf(second.system, body.orderId).length >= 3);
    await second.api.ship(body.orderId);
    await waitForOrder(second.api, second.system, body.orderId, hasStatus('SHIPPED'));
    await until('the SHIPPED event', () =>
      eventsOf(second.system, body.orderId).some((event) => event.status === 'SHIPPED'),
    );

    // Assess
    expect(beforeStop).toEqual([]);
    const events = eventsOf(second.system, body.orderId);
    // Every status change the stop left unpublished, in order, each with the id of its own write.
    expect(events.map((event) => event.status)).toEqual([
      'RECEIVED',
      'CONFIRMED',
      'LABEL_CREATED',
      'SHIPPED',
    ]);
    expect(events[2]).toMatchObject({ status: stored.status });
    expect(events.map((event) => event.eventId)).toEqual(
      events.map((event) => `${body.orderId}:${event.version}`),
    );
    expect(new Set(events.map((event) => event.version)).size).toBe(4);
  });

  it('does not publish again after a restart what was published before it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'orderflow-events-'));
    dirs.push(dir);
    const first = await start(dir);
    const { body } = await first.api.postOrder(anOrderRequest());
    await waitForOrder(first.api, first.system, body.orderId, hasStatus('LABEL_CREATED'));
    await until('the LABEL_CREATED event', () =>
      eventsOf(first.system, body.orderId).some((event) => event.status === 'LABEL_CREATED'),
    );
    await first.system.stop();

    // Act
    const second = await start(dir);
    await second.api.ship(body.orderId);
    await waitForOrder(second.api, second.system, body.orderId, hasStatus('SHIPPED'));
    await until('the SHIPPED event', () =>
      eventsOf(second.system, body.orderId).some((event) => event.status === 'SHIPPED'),
    );

    // Assess
    expect(eventsOf(second.system, body.orderId).map((event) => event.status)).toEqual(['SHIPPED']);
  });
});
