// Parcel reconciliation against dynalite: it asks the carrier about the parcels it has been silent about (and no
// others), reading the parcelsInFlight index bucket by bucket and page by page; what the carrier answers is recorded
// as a webhook's scan would be (once, waking the parked wait); a run that overlaps the one before does nothing; and
// a carrier failure on one parcel does not keep the others from being reconciled.
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileParcels, RECONCILE_LEASE } from '../../../functions/reconcile-parcels/reconcile-parcels';
import { takeLease } from '../../../functions/adapters/lease';
import { getOrder, putReturnTracking } from '../../../functions/adapters/order-store';
import { indexBucketOf, type OrderRecord } from '../../../functions/domain/order';
import type { CarrierEvent, TrackedParcel } from '../../../functions/domain/providers';
import type { Deps } from '../../../functions/runtime/deps';
import { useStepWorld } from '../helpers/deps';
import {
  aDeliveredOrder,
  aReturn,
  aReturnScan,
  aScan,
  aShipment,
  aShippedOrder,
  daysAfter,
  SHIPPED_AT,
  withReturns,
  withReturnScans,
  withScans,
} from '../helpers/orders';

const world = useStepWorld();
/** Two days after shipment: a parcel last heard of at shipment has been silent for longer than the day allowed. */
const NOW = daysAfter(SHIPPED_AT, 2);

/** A carrier whose answers the test gives per tracking number; it records what it was asked. */
class ScriptedCarrier {
  readonly asked: TrackedParcel[] = [];
  readonly answers = new Map<string, CarrierEvent[] | Error>();
  /** While set, every question waits for it (a run in progress). */
  gate: Promise<void> | undefined;
  reached: (() => void) | undefined;

  trackingEvents = async (parcel: TrackedParcel): Promise<CarrierEvent[]> => {
    this.asked.push(parcel);
    this.reached?.();
    if (this.gate) await this.gate;
    const answer = this.answers.get(parcel.trackingNumber) ?? [];
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

let carrier: ScriptedCarrier;
const stored: string[] = [];
let run = 0;

const depsWith = (scripted: ScriptedCarrier): Deps => ({
  ...world.deps,
  carrier: { ...world.deps.carrier, trackingEvents: scripted.trackingEvents },
});

const reconcile = (options: { pageSize?: number; maxParcels?: number } = {}) =>
  reconcileParcels(depsWith(carrier), { runId: `run-${(run += 1)}`, leaseSeconds: 60, ...options });

/** Stores an order with a parcel of its own (a unique tracking number), in the shape `shape` gives. */
const storeParcelOrder = async (shape: (trackingNumber: string) => OrderRecord): Promise<OrderRecord> => {
  const trackingNumber = `SBX7${String(stored.length + run * 100).padStart(11, '0')}${Math.random().toString().slice(2, 6)}`;
  // A fresh order id: the shapes start from the example order, whose id every test would share.
  const { orderId: _shared, ...fields } = shape(trackingNumber);
  const order = await world.storeOrder(fields);
  stored.push(order.orderId);
  return order;
};

/** A parcel in transit, last heard of when it shipped (or at `heardAt`). */
const inTransit = (trackingNumber: string, heardAt?: string): OrderRecord => {
  const order = aShippedOrder({
    status: 'IN_TRANSIT',
    trackingNumber,
    shipment: aShipment({ status: 'in_transit', trackingNumber, shipmentId: `shp_${trackingNumber}` }),
  });
  return heardAt ? withScans(order, { ...aScan('in_transit', heardAt), applied: true }) : order;
};

const delivered = (trackingNumber: string): CarrierEvent => ({
  eventId: `${trackingNumber}-4`,
  trackingNumber,
  status: 'delivered',
  occurredAt: daysAfter(SHIPPED_AT, 1.5),
  location: 'San Francisco, CA, US',
});

const beginWorld = () => {
  world.clock.set(NOW);
  carrier = new ScriptedCarrier();
};

afterEach(async () => {
  // Every order of the test ends, so that the next test starts from an empty index.
  world.clock.set(NOW);
  for (const orderId of stored.splice(0)) {
    await world.changeOrder(orderId, (order) => ({ ...order, status: 'DELIVERED', returns: [] }));
  }
});

describe('reconcileParcels', () => {
  it('asks the carrier about parcels silent for longer than the interval, and about no other', async () => {
    // Prepare
    beginWorld();
    const silent = await storeParcelOrder((tracking) => inTransit(tracking));
    const heardRecently = await storeParcelOrder((tracking) => inTransit(tracking, daysAfter(NOW, -0.5)));
    const done = await storeParcelOrder((tracking) => ({ ...aDeliveredOrder(), trackingNumber: tracking }));
    const unshipped = await storeParcelOrder(() => ({ ...aShippedOrder(), status: 'LABEL_CREATED' }));

    // Act
    const result = await reconcile();

    // Assess
    const asked = carrier.asked.map((parcel) => parcel.trackingNumber);
    expect(asked).toEqual([silent.trackingNumber]);
    expect(result).toMatchObject({ skipped: false, checked: 1, failed: [] });
    expect([heardRecently, done, unshipped].map((order) => order.trackingNumber)).not.toContain(asked[0]);
  });

  it('records what the carrier knows as a webhook would, waking the parked wait once', async () => {
    // Prepare
    beginWorld();
    const order = await storeParcelOrder((tracking) => ({
      ...inTransit(tracking),
      wait: { stage: 'delivery', token: 'delivery-token', until: daysAfter(NOW, 3) },
    }));
    const tracking = order.trackingNumber!;
    carrier.answers.set(tracking, [
      { ...delivered(tracking), eventId: `${tracking}-2`, status: 'in_transit' },
      delivered(tracking),
    ]);

    // Act
    const first = await reconcile();
    const second = await reconcile();

    // Assess
    const after = await getOrder(world.db, order.orderId);
    // Delivered needs no decision of the workflow: applied in the write that records it, the wait woken to end.
    expect(after?.inbox[`carrier:${tracking}-4`]).toMatchObject({ status: 'delivered', applied: true });
    expect(after?.status).toBe('DELIVERED');
    expect(first.recorded).toBe(1);
    expect(second.recorded).toBe(0);
    expect(world.workflow.resumed.map((wake) => [wake.token, wake.output.action])).toEqual([
      ['delivery-token', 'delivered'],
    ]);
  });

  it('reads every bucket of the index, page by page', async () => {
    // Prepare
    beginWorld();
    const orders: OrderRecord[] = [];
    for (let i = 0; i < 20; i += 1) orders.push(await storeParcelOrder((tracking) => inTransit(tracking)));

    // Act
    const result = await reconcile({ pageSize: 2 });

    // Assess
    expect(new Set(orders.map((order) => indexBucketOf(order.orderId))).size).toBe(8);
    expect(carrier.asked.map((parcel) => parcel.trackingNumber).sort()).toEqual(
      orders.map((order) => order.trackingNumber).sort(),
    );
    expect(result.truncated).toBe(false);
  });

  it('stops at its parcel budget and leaves the rest to the next run', async () => {
    // Prepare
    beginWorld();
    for (let i = 0; i < 5; i += 1) await storeParcelOrder((tracking) => inTransit(tracking));

    // Act
    const result = await reconcile({ maxParcels: 3 });

    // Assess
    expect(result).toMatchObject({ checked: 3, truncated: true });
    expect(carrier.asked).toHaveLength(3);
  });

  it('does nothing while an earlier run still holds the lease, and runs once it has ended', async () => {
    // Prepare
    beginWorld();
    const order = await storeParcelOrder((tracking) => inTransit(tracking));
    let open: () => void = () => undefined;
    carrier.gate = new Promise((resolve) => (open = resolve));
    const reached = new Promise<void>((resolve) => (carrier.reached = resolve));
    const earlier = reconcile();
    await reached;

    // Act
    const overlapping = await reconcile();
    open();
    const earlierResult = await earlier;
    carrier.gate = undefined;
    const later = await reconcile();

    // Assess
    expect(overlapping).toMatchObject({ skipped: true, checked: 0 });
    expect(earlierResult).toMatchObject({ skipped: false, checked: 1 });
    expect(later).toMatchObject({ skipped: false, checked: 1 });
    expect(carrier.asked.map((parcel) => parcel.trackingNumber)).toEqual([
      order.trackingNumber,
      order.trackingNumber,
    ]);
  });

  it('takes over the lease of a run that died once the lease has expired', async () => {
    // Prepare
    beginWorld();
    await storeParcelOrder((tracking) => inTransit(tracking));
    await takeLease(world.db, RECONCILE_LEASE, 'a-run-that-died', NOW, daysAfter(NOW, 0.01));

    // Act
    const whileHeld = await reconcile();
    world.clock.set(daysAfter(NOW, 0.02));
    const afterExpiry = await reconcile();

    // Assess
    expect(whileHeld.skipped).toBe(true);
    expect(afterExpiry).toMatchObject({ skipped: false, checked: 1 });
  });

  it('goes on past a parcel the carrier cannot answer for, and reports it', async () => {
    // Prepare
    beginWorld();
    const broken = await storeParcelOrder((tracking) => inTransit(tracking));
    const fine = await storeParcelOrder((tracking) => inTransit(tracking));
    carrier.answers.set(broken.trackingNumber!, new Error('the carrier is unavailable'));
    carrier.answers.set(fine.trackingNumber!, [delivered(fine.trackingNumber!)]);

    // Act
    const result = await reconcile();

    // Assess
    expect(result.failed).toEqual([broken.trackingNumber]);
    expect(result.recorded).toBe(1);
    expect((await getOrder(world.db, fine.orderId))?.inbox).toHaveProperty(
      `carrier:${fine.trackingNumber}-4`,
    );
  });

  it('reconciles a return parcel on its way back into its return', async () => {
    // Prepare
    beginWorld();
    const returnTracking = `SBX8${Date.now()}`;
    const order = await storeParcelOrder((tracking) =>
      withReturnScans(
        withReturns(
          { ...aDeliveredOrder(), trackingNumber: tracking },
          aReturn({ status: 'in_transit', trackingStatus: 'in_transit', trackingNumber: returnTracking }),
        ),
        { ...aReturnScan('ret_0123456789abcdef0123', 'in_transit', SHIPPED_AT), applied: true },
      ),
    );
    await putReturnTracking(world.db, order.orderId, 'ret_0123456789abcdef0123', returnTracking);
    carrier.answers.set(returnTracking, [delivered(returnTracking)]);

    // Act
    const result = await reconcile();

    // Assess
    expect(carrier.asked).toEqual([
      expect.objectContaining({ trackingNumber: returnTracking, shipmentId: 'shp_sbx_ret_0001' }),
    ]);
    expect(result.recorded).toBe(1);
    expect((await getOrder(world.db, order.orderId))?.inbox[`return:${returnTracking}-4`]).toMatchObject({
      kind: 'return',
      status: 'delivered',
    });
  });
});

describe('the parcelsInFlight index keys', () => {
  it('are kept while the parcel is out, move with a new scan, and go when the order ends', async () => {
    // Prepare
    beginWorld();
    const order = await storeParcelOrder((tracking) => inTransit(tracking));
    const heardAt = daysAfter(NOW, -0.1);

    // Act
    const inFlight = await getOrder(world.db, order.orderId);
    const scanned = await world.changeOrder(order.orderId, (current) =>
      withScans(current, aScan('out_for_delivery', heardAt)),
    );
    const storedScanned = await getOrder(world.db, order.orderId);
    await world.changeOrder(scanned.orderId, (current) => ({ ...current, status: 'DELIVERED' }));
    const ended = await getOrder(world.db, order.orderId);
    stored.splice(stored.indexOf(order.orderId), 1);

    // Assess
    expect(inFlight).toMatchObject({
      parcelBucket: indexBucketOf(order.orderId),
      lastCarrierEventAt: SHIPPED_AT,
    });
    expect(storedScanned?.lastCarrierEventAt).toBe(heardAt);
    expect(ended).not.toHaveProperty('parcelBucket');
    expect(ended).not.toHaveProperty('lastCarrierEventAt');
  });
});
