// The inbox's part in cancellations and returns: a cancellation is recorded once and stops the steps before
// shipment, a parked execution is woken with the right action, return-parcel scans are recorded only when they
// move that return forward, and `delivered` after `return_to_sender` is news (the parcel is back at the sender).
import { describe, expect, it } from 'vitest';
import { OrderCancelledError } from '../../../functions/domain/errors';
import {
  assertNotCancelled,
  cancelEventKey,
  hasPendingCancel,
  withCancelEvent,
} from '../../../functions/domain/cancellation';
import {
  carrierEventKey,
  markApplied,
  pendingReturnEvents,
  returnEventKey,
  withCarrierEvent,
  withReturnEvent,
  withShipEvent,
} from '../../../functions/domain/inbox';
import { wakeAction } from '../../../functions/domain/waits';
import type { OrderRecord } from '../../../functions/domain/order';
import {
  aCarrierEvent,
  aDeliveredOrder,
  anOrder,
  aReturn,
  aReturnScan,
  aScan,
  aShipment,
  aShippedOrder,
  CANCEL_REQUESTED_AT,
  daysAfter,
  RETURN_ID,
  RETURN_OPENED_AT,
  SHIPPED_AT,
  withReturns,
  withReturnScans,
  withScans,
} from '../helpers/orders';

const RECEIVED_AT = daysAfter(SHIPPED_AT, 1);

/** The example order with a label, waiting for the warehouse to hand the parcel over. */
const aLabelledOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }), ...overrides });

/** The order with its execution parked at `stage`. */
const parked = (order: OrderRecord, stage: 'shipment' | 'delivery'): OrderRecord => ({
  ...order,
  wait: { stage, token: 'task-token-1', until: daysAfter(RECEIVED_AT, 3) },
});

/** The order with the cancel call recorded, failing the test if it was not. */
const cancelled = (order: OrderRecord, at = CANCEL_REQUESTED_AT): OrderRecord => {
  const next = withCancelEvent(order, at);
  if (!next) throw new Error('the cancellation was not recorded');
  return next;
};

describe('withCancelEvent', () => {
  it('records the cancellation, not yet applied', () => {
    // Act
    const next = withCancelEvent(aLabelledOrder(), CANCEL_REQUESTED_AT);

    // Assess
    expect(next?.inbox[cancelEventKey]).toEqual({
      kind: 'cancel',
      receivedAt: CANCEL_REQUESTED_AT,
      occurredAt: CANCEL_REQUESTED_AT,
      applied: false,
    });
  });

  it('adds nothing for a second cancellation', () => {
    // Prepare
    const order = cancelled(aLabelledOrder());

    // Act
    const next = withCancelEvent(order, daysAfter(CANCEL_REQUESTED_AT, 0.1));

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a cancellation after the first one was applied', () => {
    // Prepare
    const order = markApplied(cancelled(aLabelledOrder()), ['cancel']);

    // Act
    const next = withCancelEvent(order, daysAfter(CANCEL_REQUESTED_AT, 0.1));

    // Assess
    expect(next).toBeUndefined();
  });

  it('leaves the order it was given unchanged', () => {
    // Prepare
    const order = aLabelledOrder();

    // Act
    withCancelEvent(order, CANCEL_REQUESTED_AT);

    // Assess
    expect(order.inbox).toEqual({});
  });
});

describe('hasPendingCancel', () => {
  it('is false for an order nobody cancelled', () => {
    // Act
    const pending = hasPendingCancel(aShippedOrder());

    // Assess
    expect(pending).toBe(false);
  });

  it('is true once a cancellation is recorded', () => {
    // Act
    const pending = hasPendingCancel(cancelled(aShippedOrder()));

    // Assess
    expect(pending).toBe(true);
  });

  it('is false once the workflow has applied the cancellation', () => {
    // Prepare
    const order = markApplied(cancelled(aShippedOrder()), ['cancel']);

    // Act
    const pending = hasPendingCancel(order);

    // Assess
    expect(pending).toBe(false);
  });
});

describe('assertNotCancelled', () => {
  it('lets a step go on for an order nobody cancelled', () => {
    // Act
    const check = () => assertNotCancelled(aLabelledOrder());

    // Assess
    expect(check).not.toThrow();
  });

  it('stops a step with OrderCancelledError once a cancellation came in', () => {
    // Prepare
    const order = cancelled(aLabelledOrder());

    // Act
    const check = () => assertNotCancelled(order);

    // Assess
    expect(check).toThrow(OrderCancelledError);
  });

  it('names the error so that the workflow can catch it by name', () => {
    // Prepare
    const order = cancelled(aLabelledOrder());

    // Act
    let caught: unknown;
    try {
      assertNotCancelled(order);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect([(caught as Error).name, (caught as Error).message]).toEqual([
      'OrderCancelledError',
      `order ${order.orderId} was cancelled on request`,
    ]);
  });
});

describe('wakeAction with a cancellation', () => {
  it('wakes the shipment wait with cancel when only a cancellation came in', () => {
    // Prepare
    const order = cancelled(parked(aLabelledOrder(), 'shipment'));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('cancel');
  });

  it('wakes the shipment wait with ship when the ship call came with the cancellation', () => {
    // Prepare
    const shipped = withShipEvent(parked(aLabelledOrder(), 'shipment'), RECEIVED_AT);
    if (!shipped) throw new Error('the ship call was not recorded');
    const order = cancelled(shipped);

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('ship');
  });

  it('wakes the shipment wait with ship when an in_transit scan came with the cancellation', () => {
    // Prepare
    const order = withScans(
      cancelled(parked(aLabelledOrder(), 'shipment')),
      aScan('in_transit', RECEIVED_AT),
    );

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('ship');
  });

  it('wakes the delivery wait with recheck for a pending cancellation alone', () => {
    // Prepare
    const order = cancelled(parked(aShippedOrder({ status: 'IN_TRANSIT' }), 'delivery'));

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBe('recheck');
  });

  it('leaves the delivery wait parked once the cancellation was applied', () => {
    // Prepare
    const order = markApplied(cancelled(parked(aShippedOrder({ status: 'IN_TRANSIT' }), 'delivery')), [
      'cancel',
    ]);

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBeUndefined();
  });

  it('wakes nothing for a cancellation when no execution is parked', () => {
    // Prepare
    const order = cancelled(aLabelledOrder());

    // Act
    const action = wakeAction(order);

    // Assess
    expect(action).toBeUndefined();
  });
});

describe('withReturnEvent', () => {
  const SCAN_AT = daysAfter(RETURN_OPENED_AT, 1);

  /** The delivered order with the example return open. */
  const anOrderWithAReturn = (overrides: Parameters<typeof aReturn>[0] = {}): OrderRecord =>
    withReturns(aDeliveredOrder(), aReturn(overrides));

  /** The order with a return scan recorded, failing the test if it was not. */
  const recorded = (order: OrderRecord, returnId: string, event: ReturnType<typeof aCarrierEvent>) => {
    const next = withReturnEvent(order, returnId, event, RECEIVED_AT);
    if (!next) throw new Error('the return scan was not recorded');
    return next;
  };

  it("records a scan of the return parcel with the return's id, not yet applied", () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { trackingNumber: 'SBX900000000001', occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(anOrderWithAReturn(), RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next?.inbox[returnEventKey(event.eventId)]).toEqual({
      kind: 'return',
      returnId: RETURN_ID,
      receivedAt: RECEIVED_AT,
      occurredAt: SCAN_AT,
      status: 'in_transit',
      location: 'Sandbox Hub',
      applied: false,
    });
  });

  it('adds nothing for a return the order does not have', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(anOrderWithAReturn(), 'ret_unknown', event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for an order without returns', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(aDeliveredOrder(), RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for an event id it has already recorded', () => {
    // Prepare
    const event = aCarrierEvent('in_transit', { occurredAt: SCAN_AT });
    const order = recorded(anOrderWithAReturn(), RETURN_ID, event);

    // Act
    const next = withReturnEvent(order, RETURN_ID, { ...event, status: 'delivered' }, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a repeated scan of the stage already reached', () => {
    // Prepare
    const order = recorded(
      anOrderWithAReturn(),
      RETURN_ID,
      aCarrierEvent('in_transit', { occurredAt: SCAN_AT }),
    );
    const repeated = aCarrierEvent('in_transit', { occurredAt: daysAfter(SCAN_AT, 0.5) });

    // Act
    const next = withReturnEvent(order, RETURN_ID, repeated, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a late scan of an earlier stage', () => {
    // Prepare
    const order = recorded(
      anOrderWithAReturn(),
      RETURN_ID,
      aCarrierEvent('out_for_delivery', { occurredAt: daysAfter(SCAN_AT, 1) }),
    );
    const late = aCarrierEvent('in_transit', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(order, RETURN_ID, late, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a scan of no stage at all (unknown)', () => {
    // Prepare
    const event = aCarrierEvent('unknown', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(anOrderWithAReturn(), RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });

  it("records the parcel's arrival after an in_transit scan already applied", () => {
    // Prepare
    const order = withReturnScans(
      anOrderWithAReturn({ status: 'in_transit', trackingStatus: 'in_transit' }),
      aReturnScan(RETURN_ID, 'in_transit', SCAN_AT, { applied: true }),
    );
    const event = aCarrierEvent('delivered', { occurredAt: daysAfter(SCAN_AT, 2) });

    // Act
    const next = withReturnEvent(order, RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next?.inbox[returnEventKey(event.eventId)]?.status).toBe('delivered');
  });

  it("does not count another return's scans against this one", () => {
    // Prepare
    const other = aReturn({ returnId: 'ret_other', items: [{ sku: 'SKU-TSHIRT', quantity: 1 }] });
    const mine = aReturn({ items: [{ sku: 'SKU-TSHIRT', quantity: 1 }] });
    const order = withReturnScans(
      withReturns(aDeliveredOrder(), other, mine),
      aReturnScan('ret_other', 'delivered', SCAN_AT),
    );
    const event = aCarrierEvent('in_transit', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(order, RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next?.inbox[returnEventKey(event.eventId)]?.returnId).toBe(RETURN_ID);
  });

  it.each(['refunded', 'expired'] as const)('ignores every scan of a return that is %s', (status) => {
    // Prepare
    const order = anOrderWithAReturn({ status });
    const event = aCarrierEvent('delivered', { occurredAt: SCAN_AT });

    // Act
    const next = withReturnEvent(order, RETURN_ID, event, RECEIVED_AT);

    // Assess
    expect(next).toBeUndefined();
  });
});

describe('pendingReturnEvents', () => {
  const DAY_1 = daysAfter(RETURN_OPENED_AT, 1);
  const DAY_2 = daysAfter(RETURN_OPENED_AT, 2);
  const DAY_3 = daysAfter(RETURN_OPENED_AT, 3);

  it('lists the unapplied scans of the return by when they happened, oldest first', () => {
    // Prepare
    const order = withReturnScans(
      withReturns(aDeliveredOrder(), aReturn()),
      aReturnScan(RETURN_ID, 'delivered', DAY_3),
      aReturnScan(RETURN_ID, 'in_transit', DAY_1, { receivedAt: DAY_3 }),
      aReturnScan(RETURN_ID, 'out_for_delivery', DAY_2),
    );

    // Act
    const pending = pendingReturnEvents(order, RETURN_ID);

    // Assess
    expect(pending.map(([, event]) => event.status)).toEqual(['in_transit', 'out_for_delivery', 'delivered']);
  });

  it('orders scans of the same moment by when they were received', () => {
    // Prepare
    const order = withReturnScans(
      withReturns(aDeliveredOrder(), aReturn()),
      aReturnScan(RETURN_ID, 'out_for_delivery', DAY_2, { receivedAt: DAY_3 }),
      aReturnScan(RETURN_ID, 'in_transit', DAY_2, { receivedAt: DAY_2 }),
    );

    // Act
    const pending = pendingReturnEvents(order, RETURN_ID);

    // Assess
    expect(pending.map(([, event]) => event.status)).toEqual(['in_transit', 'out_for_delivery']);
  });

  it('gives each scan with the inbox key it is stored under', () => {
    // Prepare
    const order = withReturnScans(
      withReturns(aDeliveredOrder(), aReturn()),
      aReturnScan(RETURN_ID, 'in_transit', DAY_1),
    );

    // Act
    const pending = pendingReturnEvents(order, RETURN_ID);

    // Assess
    expect(pending.map(([key, event]) => order.inbox[key] === event)).toEqual([true]);
  });

  it('leaves out applied scans, scans of other returns and carrier scans of the parcel', () => {
    // Prepare
    const order = withScans(
      withReturnScans(
        withReturns(aDeliveredOrder(), aReturn(), aReturn({ returnId: 'ret_other' })),
        aReturnScan(RETURN_ID, 'in_transit', DAY_1, { applied: true }),
        aReturnScan('ret_other', 'in_transit', DAY_1),
        aReturnScan(RETURN_ID, 'delivered', DAY_3),
      ),
      aScan('delivered', DAY_2),
    );

    // Act
    const pending = pendingReturnEvents(order, RETURN_ID);

    // Assess
    expect(pending.map(([, event]) => [event.returnId, event.status])).toEqual([[RETURN_ID, 'delivered']]);
  });
});

describe('withCarrierEvent after an intercept', () => {
  const RETURN_SCAN_AT = daysAfter(CANCEL_REQUESTED_AT, 0.5);
  const BACK_AT = daysAfter(CANCEL_REQUESTED_AT, 2);

  /** A shipped order whose parcel the carrier is bringing back. */
  const anInterceptedOrder = (): OrderRecord =>
    aShippedOrder({ status: 'INTERCEPT_REQUESTED', shipment: aShipment({ status: 'in_transit' }) });

  it('records delivered after an applied return_to_sender, although both have the same rank', () => {
    // Prepare
    const order = {
      ...anInterceptedOrder(),
      shipment: aShipment({ status: 'return_to_sender' }),
    };
    const event = aCarrierEvent('delivered', { occurredAt: BACK_AT });

    // Act
    const next = withCarrierEvent(order, event, BACK_AT);

    // Assess
    expect(next?.inbox[carrierEventKey(event.eventId)]?.status).toBe('delivered');
  });

  it('records delivered after a return_to_sender still waiting in the inbox', () => {
    // Prepare
    const order = withScans(anInterceptedOrder(), aScan('return_to_sender', RETURN_SCAN_AT));
    const event = aCarrierEvent('delivered', { occurredAt: BACK_AT });

    // Act
    const next = withCarrierEvent(order, event, BACK_AT);

    // Assess
    expect(next?.inbox[carrierEventKey(event.eventId)]?.status).toBe('delivered');
  });

  it('adds nothing for a second delivered once the parcel is back at the sender', () => {
    // Prepare
    const order = withScans(
      anInterceptedOrder(),
      aScan('return_to_sender', RETURN_SCAN_AT),
      aScan('delivered', BACK_AT),
    );
    const event = aCarrierEvent('delivered', { occurredAt: daysAfter(BACK_AT, 0.1) });

    // Act
    const next = withCarrierEvent(order, event, daysAfter(BACK_AT, 0.1));

    // Assess
    expect(next).toBeUndefined();
  });

  it('adds nothing for a delivered after a delivery without return_to_sender', () => {
    // Prepare
    const order = withScans(anInterceptedOrder(), aScan('delivered', RETURN_SCAN_AT));
    const event = aCarrierEvent('delivered', { occurredAt: BACK_AT });

    // Act
    const next = withCarrierEvent(order, event, BACK_AT);

    // Assess
    expect(next).toBeUndefined();
  });
});
