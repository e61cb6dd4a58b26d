// VoidLabel, the compensation that voids a label bought for a parcel that never left: the carrier voids it and the
// order's shipment says so, a second run changes nothing, and an order without a label, or whose parcel has
// shipped, keeps its label.
import { describe, expect, it } from 'vitest';
import { getSandboxShipment } from '../../../functions/adapters/carrier/sandbox-carrier';
import type { OrderRecord, ShipmentState } from '../../../functions/domain/order';
import { buyLabel } from '../../../functions/buy-label/buy-label';
import { voidLabel } from '../../../functions/void-label/void-label';
import { timelineTypes, useStepWorld } from '../helpers/deps';
import { daysAfter, SHIPPED_AT, T0 } from '../helpers/orders';

const AT = daysAfter(T0, 0.5);

describe('voidLabel', () => {
  const world = useStepWorld();

  /** A confirmed order whose label BuyLabel bought from the sandbox carrier, with `shipment` changed after. */
  const anOrderWithLabel = async (shipment: Partial<ShipmentState> = {}): Promise<OrderRecord> => {
    const { orderId } = await world.storeOrder({ status: 'CONFIRMED' });
    await buyLabel(world.deps, { orderId });
    world.clock.set(AT);
    if (Object.keys(shipment).length === 0) return world.order(orderId);
    return world.changeOrder(orderId, (order) => ({
      ...order,
      shipment: { ...order.shipment!, ...shipment },
    }));
  };

  const carrierStatus = async (order: OrderRecord): Promise<string | undefined> =>
    (await getSandboxShipment(world.db.doc, world.db.tables.orders, order.shipment!.shipmentId))?.status;

  it('voids the label with the carrier and on the order', async () => {
    // Prepare
    const order = await anOrderWithLabel();

    // Act
    await voidLabel(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.shipment?.status).toBe('voided');
    expect(stored.timeline.at(-1)).toEqual({ at: AT, type: 'LABEL_VOIDED', detail: {} });
    expect(await carrierStatus(order)).toBe('VOIDED');
  });

  it('changes nothing when run a second time', async () => {
    // Prepare
    const order = await anOrderWithLabel();
    await voidLabel(world.deps, { orderId: order.orderId });
    const first = await world.order(order.orderId);

    // Act
    await voidLabel(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.version, timelineTypes(stored)]).toEqual([first.version, timelineTypes(first)]);
  });

  it('completes a retry after the carrier voided but the order never recorded it', async () => {
    // Prepare: the first run's void reached the carrier, then the step died.
    const order = await anOrderWithLabel();
    await world.carrier.voidLabel({
      shipmentId: order.shipment!.shipmentId,
      idempotencyKey: 'test:first-run',
    });

    // Act
    await voidLabel(world.deps, { orderId: order.orderId });

    // Assess
    expect((await world.order(order.orderId)).shipment?.status).toBe('voided');
  });

  it('has nothing to void for an order without a label', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    await voidLabel(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.version, stored.shipment]).toEqual([1, undefined]);
  });

  it('keeps the label of a parcel that has shipped', async () => {
    // Prepare
    const order = await anOrderWithLabel({ shippedAt: SHIPPED_AT, status: 'in_transit' });

    // Act
    await voidLabel(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.version, stored.shipment?.status]).toEqual([order.version, 'in_transit']);
    expect(await carrierStatus(order)).toBe('LABEL_CREATED');
  });
});
