// Parcels with the carrier, and when we last heard of them: the keys of the sparse parcelsInFlight index and what
// parcel reconciliation asks the carrier about. A carrier gives up retrying a webhook quickly, so a dropped scan
// (above all a dropped `delivered`) would leave an order in transit until the lost-parcel rule fires; the
// reconciliation job finds parcels that have been silent for a while and asks the carrier for their scans.
import { indexBucketOf, type OrderRecord } from './order';
import type { OrderStatus } from './requests';
import type { TrackedParcel } from './providers';

/** Order statuses at which the outbound parcel is with the carrier and its next scan is news. */
const outboundInFlight: ReadonlySet<OrderStatus> = new Set([
  'SHIPPED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'INTERCEPT_REQUESTED',
]);

/** A parcel with the carrier: the order's own (`returnId` absent) or one of its return parcels. */
export interface ParcelInFlight extends TrackedParcel {
  returnId?: string | undefined;
}

/**
 * The order's parcels with the carrier now: the outbound parcel from shipment until the order ends, and every return
 * parcel from its first scan (the customer dropped it off) until it is back or the return expired. A return label
 * the customer has not used yet is no parcel in flight: silence is normal then.
 */
export const parcelsInFlight = (order: OrderRecord): ParcelInFlight[] => {
  const parcels: ParcelInFlight[] = [];
  const { shipment } = order;
  if (shipment && outboundInFlight.has(order.status)) {
    parcels.push({
      shipmentId: shipment.shipmentId,
      trackingNumber: shipment.trackingNumber,
      ...(shipment.trackerId ? { trackerId: shipment.trackerId } : {}),
    });
  }
  for (const ret of order.returns ?? []) {
    if (ret.status !== 'in_transit') continue;
    parcels.push({
      shipmentId: ret.shipmentId,
      trackingNumber: ret.trackingNumber,
      returnId: ret.returnId,
      ...(ret.trackerId ? { trackerId: ret.trackerId } : {}),
    });
  }
  return parcels;
};

/**
 * When the last carrier event of the order (outbound or return parcel) was received; the shipment time when none
 * came yet (the ship call came first), and the last write of the order when neither is known.
 */
export const lastCarrierEventAt = (order: OrderRecord): string =>
  Object.values(order.inbox)
    .filter((event) => event.kind === 'carrier' || event.kind === 'return')
    .map((event) => event.receivedAt)
    .reduce((latest, at) => (at > latest ? at : latest), order.shipment?.shippedAt ?? order.updatedAt);

/**
 * The parcelsInFlight index keys of the order as it is about to be stored, or undefined when no parcel of it is with
 * the carrier (the item then leaves the index). Computed on every write of the order item, so the index costs no
 * write of its own: a recorded scan moves the key, a final status drops it.
 */
export const parcelIndexKeys = (
  order: OrderRecord,
): { parcelBucket: string; lastCarrierEventAt: string } | undefined =>
  parcelsInFlight(order).length > 0
    ? { parcelBucket: indexBucketOf(order.orderId), lastCarrierEventAt: lastCarrierEventAt(order) }
    : undefined;
