// The order's inbox of outside events: what a carrier scan or the ship call adds (nothing for duplicates, stale
// scans or final orders), what counts as shipment, and what a parked execution is woken with.
import { describe, expect, it } from 'vitest';
import {
  carrierEventKey,
  hasShipTrigger,
  markApplied,
  shipEventKey,
  withCarrierEvent,
  withShipEvent,
} from '../../../functions/domain/inbox';
import { wakeAction } from '../../../functions/domain/waits';
import type { OrderRecord } from '../../../functions/domain/order';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  aCarrierEvent,
  anOrder,
  aScan,
  aShipment,
  aShippedOrder,
  daysAfter,
  PROMISED,
  SHIPPED_AT,
  T0,
  withScans,
} from '../helpers/orders';

const RECEIVED_AT = daysAfter(SHIPPED_AT, 1);

/** The example order with a label, waiting for the warehouse to hand the parcel over. */
const aLabelledOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }), ...overrides });

/** The shipped order with its in_transit scan already recorded and applied. */
const anOrderInTransit = (): OrderRecord =>
  aShippedOrder({ status: 'IN_TRANSIT', shipment: aShipment({ status: 'in_transit' }) });

describe('withCarrierEvent', () => {
  it('records a scan that moves the parcel forward, not yet applied', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { estimatedDelivery: PROMISED });

    // Act
    const next = withCarrierEvent(aShippedOrder(), event, RECEIVED_AT);

    // Assess
    expect(next?.inbox[carrierEventKey(event.eventId)]).toEqual({
      kind: 'carrier',
      receivedAt: RECEIVED_AT,
      occurredAt: event.occurredAt,
      status: 'in_transit',
      estimatedDelivery: PROMISED,
      location: 'Sandbox Hub',
      applied: false,
    });
  });

  it('adds nothing for an event id it has already recorded', () => {
    // Prepare
    const event = aCarrierEvent('in_transit');
    const recorded = withCarrierEvent(aShippedOrder(), event, RECEIVED_AT);
    if (!recorded) throw new Error('the first delivery of the event was not recorded');

    // Act
    const next = withCarrierEvent(
      recorded,
      { ...event, status: 'out_for_delivery' },
      daysAfter(RECEIVED_AT, 0.1),
    );

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a repeated scan that brings no new estimate', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { estimatedDelivery: PROMISED });

    // Act
    const next = withCarrierEvent(anOrderInTransit(), event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a late scan of an earlier stage', () => {
    // Prepare
    const event = aCarrierEvent('pre_transit', { occurredAt: T0 });

    // Act
    const next = withCarrierEvent(anOrderInTransit(), event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a scan of a stage an unapplied event already reached', () => {
    // Prepare
    const order = withScans(aShippedOrder(), aScan('out_for_delivery', daysAfter(SHIPPED_AT, 3)));
    const event = aCarrierEvent('in_transit', { occurredAt: daysAfter(SHIPPED_AT, 2) });

    // Act
    const next = withCarrierEvent(order, event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('records a scan that does not move forward but brings a new estimate', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { estimatedDelivery: daysAfter(PROMISED, 2) });

    // Act
    const next = withCarrierEvent(anOrderInTransit(), event, RECEIVED_AT);

    // Assess
    expect(next?.inbox[carrierEventKey(event.eventId)]?.estimatedDelivery).toBe(daysAfter(PROMISED, 2));
  });

  it.each(['failure', 'return_to_sender'] as const)(
    'always records a %s, even after a scan of the same rank (cancelled)',
    (status) => {
      // Prepare
      const order = withScans(aShippedOrder(), aScan('cancelled', daysAfter(SHIPPED_AT, 2)));
      const event = aCarrierEvent(status, { occurredAt: daysAfter(SHIPPED_AT, 3) });

      // Act
      const next = withCarrierEvent(order, event, RECEIVED_AT);

      // Assess
      expect(next?.inbox[carrierEventKey(event.eventId)]?.status).toBe(status);
    },
  );

  it.each<OrderStatus>(['DELIVERED', 'DELIVERY_FAILED', 'CANCELLED', 'FAILED'])(
    'adds nothing once the order is %s',
    (status) => {
      // Prepare
      const order = aShippedOrder({ status });

      // Act
      const next = withCarrierEvent(order, aCarrierEvent('failure'), RECEIVED_AT);

      // Assess
      expect(next).toBeUndefined();
    },
  );
});

describe('withShipEvent', () => {
  it('records the ship call, not yet applied', () => {
    // Act
    const next = withShipEvent(aLabelledOrder(), RECEIVED_AT);

    // Assess
    expect(next?.inbox[shipEventKey]).toEqual({
      kind: 'ship',
      receivedAt: RECEIVED_AT,
      occurredAt: RECEIVED_AT,
      applied: false,
    });
  });

  it('adds nothing for a second ship call', () => {
    // Prepare
    const shipped = withShipEvent(aLabelledOrder(), RECEIVED_AT);
    if (!shipped) throw new Error('the first ship call was not recorded');

    // Act
    const next = withShipEvent(shipped, daysAfter(RECEIVED_AT, 0.1));

    // Assess
    expect(next).toBeUndefined();
  });
});

describe('hasShipTrigger', () => {
  it('is true once the ship call is in the inbox', () => {
    // Prepare
    const order = withShipEvent(aLabelledOrder(), RECEIVED_AT);
    if (!order) throw new Error('the ship call was not recorded');

    // Act
    const triggered = hasShipTrigger(order);

    // Assess
    expect(triggered).toBe(true);
  });

  it.each(['in_transit', 'out_for_delivery', 'available_for_pickup', 'delivered'] as const)(
    'is true for a %s scan, which means the carrier has the parcel',
    (status) => {
      // Prepare
      const order = withScans(aLabelledOrder(), aScan(status, RECEIVED_AT));

      // Act
      const triggered = hasShipTrigger(order);

      // Assess
      expect(triggered).toBe(true);
    },
  );

  it('is false for a pre_transit scan only', () => {
    // Prepare
    const order = withScans(aLabelledOrder(), aScan('pre_transit', RECEIVED_AT));

    // Act
    const triggered = hasShipTrigger(order);

    // Assess
    expect(triggered).toBe(false);
  });

  it('is false once the ship call has been applied', () => {
    // Act
    const triggered = hasShipTrigger(aShippedOrder());

    // Assess
    expect(triggered).toBe(false);
  });
});

describe('wakeAction', () => {
  const parked = (order: OrderRecord, stage: 'shipment' | 'delivery'): OrderRecord => ({
    ...order,
    wait: { stage, token: 'task-token-1', until: daysAfter(RECEIVED_AT, 3) },
  });

  it('wakes nothing when no execution is parked', () => {
    // Prepare
    const order = withScans(aLabelledOrder(), aScan('in_transit', RECEIVED_AT));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBeUndefined();
  });

  it('wakes the shipment wait with ship when the ship call arrives', () => {
    // Prepare
    const order = withShipEvent(parked(aLabelledOrder(), 'shipment'), RECEIVED_AT);
    if (!order) throw new Error('the ship call was not recorded');

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('ship');
  });

  it('wakes the shipment wait with ship on a first in_transit scan', () => {
    // Prepare
    const order = withScans(parked(aLabelledOrder(), 'shipment'), aScan('in_transit', RECEIVED_AT));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('ship');
  });

  it('leaves the shipment wait parked on a pre_transit scan', () => {
    // Prepare
    const order = withScans(parked(aLabelledOrder(), 'shipment'), aScan('pre_transit', RECEIVED_AT));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBeUndefined();
  });

  it('wakes the delivery wait with recheck when a carrier event is pending', () => {
    // Prepare
    const order = withScans(parked(aShippedOrder(), 'delivery'), aScan('out_for_delivery', RECEIVED_AT));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('recheck');
  });

  it('leaves the delivery wait parked when every carrier event is applied', () => {
    // Prepare
    const order = withScans(
      parked(aShippedOrder(), 'delivery'),
      aScan('in_transit', RECEIVED_AT, { applied: true }),
    );

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBeUndefined();
  });
});

describe('markApplied', () => {
  it('marks every event of the named kinds applied', () => {
    // Prepare
    const shipped = withShipEvent(aLabelledOrder(), RECEIVED_AT);
    if (!shipped) throw new Error('the ship call was not recorded');
    const order = withScans(shipped, aScan('in_transit', RECEIVED_AT));

    // Act
    const next = markApplied(order, ['ship']);

    // Assess
    expect(Object.values(next.inbox).map((event) => [event.kind, event.applied])).toEqual([
      ['ship', true],
      ['carrier', false],
    ]);
  });

  it('leaves the order it was given unchanged', () => {
    // Prepare
    const order = withScans(aLabelledOrder(), aScan('in_transit', RECEIVED_AT));

    // Act
    markApplied(order, ['carrier']);

    // Assess
    expect(Object.values(order.inbox).map((event) => event.applied)).toEqual([false]);
  });
});
