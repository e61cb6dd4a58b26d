// Which writes of an order are order events: the first write of the order (it is RECEIVED) and every write that
// moves its status. A write that changes anything else (a notice recorded, a wait stored, a scan applied that keeps
// the status) is none. The event of a write is derived from that write alone, so whichever attempt publishes it,
// and however often, it carries the same id.
import type { OrderEvent } from './notices';

/** What an order event is made of: the fields of the order item as the write stored it. */
export interface StoredOrderFields {
  orderId: string;
  storefrontId: string;
  status: string;
  version: number;
  updatedAt: string;
}

/** The id subscribers de-duplicate on: one per stored version of an order. */
export const orderEventId = (orderId: string, version: number): string => `${orderId}:${version}`;

/**
 * The event of one write of an order: `previousStatus` is the status before the write (undefined for a new order).
 * Undefined when the write kept the status.
 */
export const orderEventFor = (
  previousStatus: string | undefined,
  order: StoredOrderFields,
): OrderEvent | undefined => {
  if (previousStatus === order.status) return undefined;
  return {
    eventId: orderEventId(order.orderId, order.version),
    type: `order.${order.status.toLowerCase()}`,
    orderId: order.orderId,
    storefrontId: order.storefrontId,
    status: order.status,
    version: order.version,
    at: order.updatedAt,
  };
};
