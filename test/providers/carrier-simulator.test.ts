// The local carrier simulator against dynalite and a tiny local HTTP server standing in for the webhook endpoint:
// signed scans in schedule order, resumption by a new instance after a restart, no scan sent twice, voided labels
// skipped, failed posts retried and then left for the next start, schedules changed by an intercept, return labels.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CarrierSimulator } from '../../local/carrier-simulator';
import { SandboxCarrier, getSandboxShipment } from '../../functions/adapters/carrier/sandbox-carrier';
import type { SandboxShipment } from '../../functions/adapters/carrier/sandbox-carrier';
import { sandboxWebhooks } from '../../functions/adapters/carrier/webhooks';
import type { SandboxWebhookBody } from '../../functions/adapters/carrier/webhooks';
import type { LabelRequest, ServiceLevel } from '../../functions/domain/providers';
import { startOrdersTable } from './dynalite-table';
import type { TestTable } from './dynalite-table';

const SECRET = 'local-webhook-secret';
const WAIT = { timeout: 3_000, interval: 10 };
/** Intercept scenarios run on a half-second day: out for delivery after 2.4 s leaves room to intercept before. */
const INTERCEPT_DAY_SECONDS = 0.5;
const LONG_WAIT = { timeout: 8_000, interval: 10 };

interface Receiver {
  url: string;
  /** Every POST that arrived, in arrival order, with whether its signature verified. */
  received: Array<{ body: SandboxWebhookBody; signed: boolean }>;
  /** The status the endpoint answers with (changeable mid-test). */
  status: number;
  close(): Promise<void>;
}

/** A local stand-in for `POST /webhooks/carrier/sandbox`. */
const startReceiver = async (): Promise<Receiver> => {
  const receiver: Receiver = { url: '', received: [], status: 200, close: () => Promise.resolve() };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(',') : value,
        ]),
      );
      const [event] = sandboxWebhooks.parse(raw);
      if (event)
        receiver.received.push({
          body: event,
          signed: sandboxWebhooks.verify(raw, headers, SECRET),
        });
      response.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/carrier/sandbox`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
};

let store: TestTable;
let receiver: Receiver;
const simulators: CarrierSimulator[] = [];

const simulator = (
  options: { retryDelaysMs?: number[]; onDeliveryFailed?: (eventId: string) => void } = {},
) => {
  const instance = new CarrierSimulator({
    doc: store.doc,
    table: store.table,
    webhookUrl: receiver.url,
    secret: SECRET,
    retryDelaysMs: options.retryDelaysMs ?? [5, 10],
    onDeliveryFailed: options.onDeliveryFailed ?? (() => undefined),
  });
  simulators.push(instance);
  return instance;
};

/** Buys a sandbox label with a tiny day; `onLabelCreated` is how local auto mode arms the simulator. */
const buyLabel = async (
  daySeconds: number,
  service: ServiceLevel,
  onLabelCreated?: (shipment: SandboxShipment) => void,
): Promise<SandboxShipment> => {
  const carrier = new SandboxCarrier({
    doc: store.doc,
    table: store.table,
    daySeconds,
    baseUrl: 'http://localhost:3000',
    ...(onLabelCreated ? { onLabelCreated } : {}),
  });
  const request: LabelRequest = {
    orderId: 'order-1',
    service,
    to: {
      name: 'Ada Lovelace',
      line1: '1 Main St',
      city: 'San Francisco',
      postalCode: '94105',
      country: 'US',
    },
    weightGrams: 400,
    idempotencyKey: `order-1:label:${service}`,
  };
  const label = await carrier.buyLabel(request);
  const shipment = await getSandboxShipment(store.doc, store.table, label.shipmentId);
  if (!shipment) throw new Error('the label was not stored');
  return shipment;
};

const eventIds = (): string[] => receiver.received.map(({ body }) => body.eventId);

/** A sandbox carrier wired as local auto mode wires it: new labels and changed schedules go to the simulator. */
const wiredCarrier = (daySeconds: number, sim?: CarrierSimulator): SandboxCarrier =>
  new SandboxCarrier({
    doc: store.doc,
    table: store.table,
    daySeconds,
    baseUrl: 'http://localhost:3000',
    ...(sim
      ? {
          onLabelCreated: (shipment: SandboxShipment) => sim.schedule(shipment),
          onScheduleChanged: (shipment: SandboxShipment) => sim.schedule(shipment),
        }
      : {}),
  });

const stored = async (shipmentId: string): Promise<SandboxShipment> => {
  const shipment = await getSandboxShipment(store.doc, store.table, shipmentId);
  if (!shipment) throw new Error(`shipment ${shipmentId} was not stored`);
  return shipment;
};

/**
 * Buys a standard label (on the intercept day: in transit after 0.25 s, out for delivery after 2.375 s), waits for
 * its first two scans and intercepts it, well before it is out for delivery.
 */
const interceptAfterPickUp = async (carrier: SandboxCarrier) => {
  const label = await carrier.buyLabel({
    orderId: 'order-2',
    service: 'standard',
    to: {
      name: 'Ada Lovelace',
      line1: '1 Main St',
      city: 'San Francisco',
      postalCode: '94105',
      country: 'US',
    },
    weightGrams: 400,
    idempotencyKey: 'order-2:label',
  });
  const original = await stored(label.shipmentId);
  await vi.waitFor(() => expect(receiver.received).toHaveLength(2), LONG_WAIT);
  const result = await carrier.intercept({
    shipmentId: label.shipmentId,
    trackingNumber: label.trackingNumber,
    idempotencyKey: 'order-2:intercept',
  });
  expect(result).toEqual({ accepted: true });
  return { shipmentId: label.shipmentId, original };
};

beforeEach(async () => {
  store = await startOrdersTable();
  receiver = await startReceiver();
});

afterEach(async () => {
  for (const instance of simulators.splice(0)) {
    instance.stop();
    await instance.whenIdle();
  }
  await receiver.close();
  await store.close();
});

describe('CarrierSimulator', () => {
  it('posts every scan of a new label, signed, in schedule order, and marks each sent', async () => {
    // Prepare
    const sim = simulator();

    // Act
    const shipment = await buyLabel(0.02, 'express', (created) => sim.schedule(created));
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), WAIT);
    await sim.whenIdle();

    // Assess
    expect(receiver.received.map(({ body }) => body.status)).toEqual([
      'pre_transit',
      'in_transit',
      'out_for_delivery',
      'delivered',
    ]);
    expect(receiver.received.every(({ signed }) => signed)).toBe(true);
    expect(receiver.received.map(({ body }) => body)).toEqual(
      shipment.schedule.map((entry) => ({
        eventId: entry.eventId,
        trackingNumber: shipment.trackingNumber,
        status: entry.status,
        occurredAt: entry.at,
        ...(entry.estimatedDelivery ? { estimatedDelivery: entry.estimatedDelivery } : {}),
        ...(entry.location ? { location: entry.location } : {}),
        ...(entry.message ? { message: entry.message } : {}),
      })),
    );
    const stored = await getSandboxShipment(store.doc, store.table, shipment.shipmentId);
    expect(stored?.schedule.every((entry) => entry.sentAt !== undefined)).toBe(true);
  });

  it('carries on after a restart: a new instance resumes the unsent scans and sends each scan once', async () => {
    // Prepare: the first instance sends the early scans, then the process "stops". Half-second days leave two
    // seconds between the second scan and the third, so even a busy machine stops before the third.
    const first = simulator();
    const shipment = await buyLabel(0.5, 'standard', (created) => first.schedule(created));
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), WAIT);
    first.stop();
    await first.whenIdle();

    // Act
    const second = simulator();
    const armed = await second.resumeAll();
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), LONG_WAIT);

    // Assess
    expect(armed).toBe(2);
    expect(eventIds()).toEqual(shipment.schedule.map((entry) => entry.eventId));
  });

  it('never re-sends a sent scan, even when asked to schedule a stale copy of the shipment', async () => {
    // Prepare
    const sim = simulator();
    const shipment = await buyLabel(0.01, 'overnight', (created) => sim.schedule(created));
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), WAIT);
    await sim.whenIdle();
    const later = simulator();

    // Act
    const resumed = await later.resumeAll();
    const rescheduled = later.schedule(shipment);
    await vi.waitFor(() => expect(later.pending).toBe(0), WAIT);
    await later.whenIdle();

    // Assess
    expect(resumed).toBe(0);
    expect(rescheduled).toBe(4);
    expect(receiver.received).toHaveLength(4);
  });

  it('skips the scans of a voided label', async () => {
    // Prepare
    const shipment = await buyLabel(0.01, 'overnight');
    const carrier = new SandboxCarrier({
      doc: store.doc,
      table: store.table,
      daySeconds: 0.01,
      baseUrl: 'http://x',
    });
    await carrier.voidLabel({ shipmentId: shipment.shipmentId, idempotencyKey: 'void' });
    const sim = simulator();

    // Act
    sim.schedule(shipment);
    await vi.waitFor(() => expect(sim.pending).toBe(0), WAIT);
    await sim.whenIdle();

    // Assess
    expect(receiver.received).toHaveLength(0);
    expect(await simulator().resumeAll()).toBe(0);
  });

  it('retries a failed post with backoff, then leaves the scan unsent for the next start', async () => {
    // Prepare
    receiver.status = 503;
    const failed: string[] = [];
    const sim = simulator({ retryDelaysMs: [5, 10], onDeliveryFailed: (eventId) => failed.push(eventId) });
    const shipment = await buyLabel(0.01, 'overnight', (created) => sim.schedule(created));

    // Act
    await vi.waitFor(() => expect(failed).toHaveLength(4), WAIT);
    await sim.whenIdle();

    // Assess: three attempts per scan, nothing marked sent, and a restart delivers them all.
    expect(receiver.received).toHaveLength(12);
    const stored = await getSandboxShipment(store.doc, store.table, shipment.shipmentId);
    expect(stored?.schedule.every((entry) => entry.sentAt === undefined)).toBe(true);
    sim.stop();
    receiver.status = 200;
    receiver.received.length = 0;
    const restarted = simulator();
    expect(await restarted.resumeAll()).toBe(4);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), WAIT);
    expect(eventIds()).toEqual(shipment.schedule.map((entry) => entry.eventId));
  });
  it('sends the schedule an intercept left: the scans so far, return_to_sender, delivered, none of the dropped', async () => {
    // Prepare
    const sim = simulator();
    const carrier = wiredCarrier(INTERCEPT_DAY_SECONDS, sim);

    // Act
    const { shipmentId } = await interceptAfterPickUp(carrier);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), LONG_WAIT);
    await sim.whenIdle();

    // Assess: the dropped scans' timers were cleared, so nothing is left to fire.
    expect(sim.pending).toBe(0);
    expect(receiver.received.map(({ body }) => body.status)).toEqual([
      'pre_transit',
      'in_transit',
      'return_to_sender',
      'delivered',
    ]);
    expect(eventIds()).toEqual([1, 2, 5, 6].map((n) => `${shipmentId}-${n}`));
    expect(receiver.received.at(-1)?.body).toMatchObject({
      location: 'Sandbox Hub',
      message: 'Returned to sender',
    });
    expect((await stored(shipmentId)).schedule.every((entry) => entry.sentAt !== undefined)).toBe(true);
    expect(await simulator().resumeAll()).toBe(0);
  });

  it('sends nothing from a timer whose scan an intercept dropped, and a restart sends the new scans', async () => {
    // Prepare: this simulator hears of the label but not of the changed schedule.
    const sim = simulator();
    const carrier = new SandboxCarrier({
      doc: store.doc,
      table: store.table,
      daySeconds: INTERCEPT_DAY_SECONDS,
      baseUrl: 'http://localhost:3000',
      onLabelCreated: (shipment) => sim.schedule(shipment),
    });
    const { shipmentId } = await interceptAfterPickUp(carrier);

    // Act: the timers of out_for_delivery and delivered fire (after 2.375 s and 2.5 s) and find their scans gone.
    await vi.waitFor(() => expect(sim.pending).toBe(0), LONG_WAIT);
    await sim.whenIdle();
    const sentBeforeRestart = eventIds();
    const restarted = simulator();
    const armed = await restarted.resumeAll();
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), WAIT);

    // Assess
    expect(sentBeforeRestart).toEqual([`${shipmentId}-1`, `${shipmentId}-2`]);
    expect(armed).toBe(2);
    expect(eventIds()).toEqual([1, 2, 5, 6].map((n) => `${shipmentId}-${n}`));
  });

  it('keeps the new scans armed when a stale copy of the shipment is scheduled after the change', async () => {
    // Prepare
    const sim = simulator();
    const carrier = wiredCarrier(INTERCEPT_DAY_SECONDS, sim);
    const { shipmentId, original } = await interceptAfterPickUp(carrier);

    // Act
    sim.schedule(original);
    await vi.waitFor(() => expect(sim.pending).toBe(0), LONG_WAIT);
    await sim.whenIdle();

    // Assess
    expect(eventIds()).toEqual([1, 2, 5, 6].map((n) => `${shipmentId}-${n}`));
  });

  it('simulates a return label like an outbound one: drop-off, then delivered at the warehouse', async () => {
    // Prepare
    const sim = simulator();
    const carrier = wiredCarrier(0.02, sim);

    // Act
    const label = await carrier.returnLabel({
      orderId: 'order-3',
      returnId: 'ret-1',
      from: {
        name: 'Ada Lovelace',
        line1: '1 Main St',
        city: 'San Francisco',
        postalCode: '94105',
        country: 'US',
      },
      weightGrams: 400,
      idempotencyKey: 'order-3:return-label:ret-1',
    });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), WAIT);
    await sim.whenIdle();

    // Assess
    expect(receiver.received.map(({ body }) => [body.trackingNumber, body.status])).toEqual([
      [label.trackingNumber, 'in_transit'],
      [label.trackingNumber, 'delivered'],
    ]);
    expect(receiver.received.every(({ signed }) => signed)).toBe(true);
    expect(receiver.received.at(-1)?.body.location).toBe('Orderflow Sandbox Warehouse, Oakland, CA, US');
  });
});
