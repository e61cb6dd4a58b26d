// The sandbox carrier's pages (local only), against a real store: a parcel's tracking page is readable HTML (its
// status in words, the estimate, every scan in time order with its place and the carrier's message), JSON on
// `?format=json`, a return parcel's page tells of the return parcel, and the label page shows the shipment and
// whether it is voided.
import { describe, expect, it } from 'vitest';
import {
  getSandboxShipment,
  type SandboxShipment,
} from '../../../functions/adapters/carrier/sandbox-carrier';
import { putReturnTracking } from '../../../functions/adapters/order-store';
import type { InboxEvent, OrderRecord } from '../../../functions/domain/order';
import type { Label } from '../../../functions/domain/providers';
import { carrierPage } from '../../../local/carrier-pages';
import type { LocalResponse } from '../../../local/http-server';
import { anOrderId, useStepWorld } from '../helpers/deps';
import { aReturn, aShipment, aShippedOrder, aUsAddress, daysAfter, RETURN_ID, T0 } from '../helpers/orders';

const world = useStepWorld();

const open = (path: string): Promise<LocalResponse | undefined> =>
  carrierPage(world.db, new URL(path, 'http://localhost:3000'));

const aLabel = (orderId: string): Promise<Label> =>
  world.carrier.buyLabel({
    orderId,
    service: 'standard',
    to: { name: 'Ada Lovelace', ...aUsAddress() },
    weightGrams: 400,
    idempotencyKey: `${orderId}:label`,
  });

const sandboxShipment = async (shipmentId: string): Promise<SandboxShipment> => {
  const shipment = await getSandboxShipment(world.db.doc, world.db.tables.orders, shipmentId);
  if (!shipment) throw new Error(`no sandbox shipment ${shipmentId}`);
  return shipment;
};

/** A scan of the sandbox's schedule as the order's inbox records it (applied). */
const recorded = (
  shipment: SandboxShipment,
  n: number,
  kind: 'carrier' | 'return' = 'carrier',
): [string, InboxEvent] => {
  const entry = shipment.schedule[n - 1]!;
  return [
    `${kind}:${entry.eventId}`,
    {
      kind,
      ...(kind === 'return' ? { returnId: RETURN_ID } : {}),
      receivedAt: entry.at,
      occurredAt: entry.at,
      status: entry.status,
      estimatedDelivery: entry.estimatedDelivery,
      location: entry.location,
      applied: true,
    },
  ];
};

/** A stored order whose parcel, with a real sandbox label, has had its first two scans (recorded newest first). */
const anOrderInTransit = async (): Promise<{ order: OrderRecord; shipment: SandboxShipment }> => {
  const orderId = anOrderId();
  const label = await aLabel(orderId);
  const shipment = await sandboxShipment(label.shipmentId);
  const order = await world.storeOrder(
    aShippedOrder({
      orderId,
      status: 'IN_TRANSIT',
      trackingNumber: label.trackingNumber,
      shipment: aShipment({
        shipmentId: label.shipmentId,
        trackingNumber: label.trackingNumber,
        trackingUrl: label.trackingUrl,
        status: 'in_transit',
        estimatedDelivery: daysAfter(T0, 5),
      }),
      inbox: Object.fromEntries([recorded(shipment, 2), recorded(shipment, 1)]),
    }),
  );
  return { order, shipment };
};

describe("the sandbox carrier's tracking page", () => {
  it('shows the tracking number, the status in words and the estimated delivery', async () => {
    // Prepare
    const { shipment } = await anOrderInTransit();

    // Act
    const page = await open(`/_local/carrier/tracking/${shipment.trackingNumber}`);

    // Assess
    expect(page?.status).toBe(200);
    expect(page?.contentType).toBe('text/html; charset=utf-8');
    expect(page?.body).toContain(`<h1>Tracking ${shipment.trackingNumber}</h1>`);
    expect(page?.body).toContain('<p><b>In transit</b></p>');
    expect(page?.body).toContain('Estimated delivery: Sat, 09 Mar 2030 10:00 UTC');
  });

  it('lists the scans in time order, each with its place and the carrier message', async () => {
    // Prepare
    const { shipment } = await anOrderInTransit();

    // Act
    const page = await open(`/_local/carrier/tracking/${shipment.trackingNumber}`);

    // Assess
    const rows = [...(page?.body ?? '').matchAll(/<tr><td><time[^>]*>([^<]*)<\/time><\/td>(.*?)<\/tr>/g)].map(
      (match) => `${match[1]} | ${match[2]!.replace(/<\/?td>/g, ' ').trim()}`,
    );
    expect(rows).toEqual([
      'Mon, 04 Mar 2030 12:24 UTC | Label created, awaiting pickup  Sandbox Hub  Shipping label created',
      'Mon, 04 Mar 2030 22:00 UTC | In transit  Sandbox Hub  Departed sandbox hub',
    ]);
  });

  it('answers the same tracking as JSON on ?format=json', async () => {
    // Prepare
    const { shipment } = await anOrderInTransit();

    // Act
    const page = await open(`/_local/carrier/tracking/${shipment.trackingNumber}?format=json`);

    // Assess
    expect(page?.contentType).toBe('application/json');
    expect(JSON.parse(page?.body ?? '')).toEqual({
      trackingNumber: shipment.trackingNumber,
      status: 'in_transit',
      estimatedDelivery: daysAfter(T0, 5),
      scans: [
        {
          status: 'pre_transit',
          occurredAt: shipment.schedule[0]!.at,
          location: 'Sandbox Hub',
          message: 'Shipping label created',
        },
        {
          status: 'in_transit',
          occurredAt: shipment.schedule[1]!.at,
          location: 'Sandbox Hub',
          message: 'Departed sandbox hub',
          estimatedDelivery: shipment.schedule[1]!.estimatedDelivery,
        },
      ],
    });
  });

  it("shows a return parcel's own status and scans, not the outbound parcel's", async () => {
    // Prepare
    const { order } = await anOrderInTransit();
    const label = await world.carrier.returnLabel({
      orderId: order.orderId,
      returnId: RETURN_ID,
      from: { name: 'Ada Lovelace', ...aUsAddress() },
      weightGrams: 400,
      idempotencyKey: `${order.orderId}:return-label:${RETURN_ID}`,
    });
    const returnShipment = await sandboxShipment(label.shipmentId);
    await world.changeOrder(order.orderId, (current) => ({
      ...current,
      status: 'RETURN_REQUESTED',
      shipment: { ...current.shipment!, status: 'delivered', deliveredAt: daysAfter(T0, 5) },
      returns: [
        aReturn({
          shipmentId: label.shipmentId,
          trackingNumber: label.trackingNumber,
          status: 'in_transit',
          trackingStatus: 'in_transit',
        }),
      ],
      inbox: { ...current.inbox, ...Object.fromEntries([recorded(returnShipment, 1, 'return')]) },
    }));
    await putReturnTracking(world.db, order.orderId, RETURN_ID, label.trackingNumber);

    // Act
    const page = await open(`/_local/carrier/tracking/${label.trackingNumber}?format=json`);

    // Assess
    expect(JSON.parse(page?.body ?? '')).toMatchObject({
      trackingNumber: label.trackingNumber,
      status: 'in_transit',
      estimatedDelivery: returnShipment.estimatedDelivery,
      scans: [{ status: returnShipment.schedule[0]!.status, message: 'Dropped off by the customer' }],
    });
  });

  it('escapes what a webhook sent', async () => {
    // Prepare
    const { order, shipment } = await anOrderInTransit();
    await world.changeOrder(order.orderId, (current) => ({
      ...current,
      inbox: {
        ...current.inbox,
        'carrier:evt-markup': {
          kind: 'carrier',
          receivedAt: daysAfter(T0, 1),
          occurredAt: daysAfter(T0, 1),
          status: 'in_transit',
          location: '<img src=x onerror=alert(1)>',
          applied: true,
        },
      },
    }));

    // Act
    const page = await open(`/_local/carrier/tracking/${shipment.trackingNumber}`);

    // Assess
    expect(page?.body).not.toContain('<img');
    expect(page?.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers 404 for a tracking number no parcel has', async () => {
    // Act
    const page = await open('/_local/carrier/tracking/SBX000000000000');

    // Assess
    expect(page?.status).toBe(404);
  });
});

describe("the sandbox carrier's label page", () => {
  it('shows the shipment, the tracking number and the service', async () => {
    // Prepare
    const label = await aLabel(anOrderId());

    // Act
    const page = await open(`/_local/carrier/labels/${label.shipmentId}`);

    // Assess
    expect(page?.contentType).toBe('text/html; charset=utf-8');
    expect(page?.body).toContain(`<dt>Shipment</dt><dd><code>${label.shipmentId}</code></dd>`);
    expect(page?.body).toContain(`<dt>Tracking number</dt><dd><code>${label.trackingNumber}</code></dd>`);
    expect(page?.body).toContain('<dt>Service</dt><dd>standard</dd>');
    expect(page?.body).not.toContain('VOIDED');
  });

  it('marks a voided label VOIDED', async () => {
    // Prepare
    const label = await aLabel(anOrderId());
    await world.carrier.voidLabel({
      shipmentId: label.shipmentId,
      idempotencyKey: `${label.shipmentId}:void`,
    });

    // Act
    const page = await open(`/_local/carrier/labels/${label.shipmentId}`);

    // Assess
    expect(page?.body).toContain('<p class="voided">VOIDED</p>');
  });

  it('answers nothing for paths that are not its own', async () => {
    // Act
    const page = await open('/_local/outbox');

    // Assess
    expect(page).toBeUndefined();
  });
});
