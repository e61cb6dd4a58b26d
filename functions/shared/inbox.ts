// Outside events (the ship call, carrier scans) reach the workflow through the order's inbox. The receiver writes
// the event into the order item (idempotent by event id) and, when the execution is parked on a task token and
// the event matters, resumes it. The step that parks looks at the inbox in the same conditional write. Either the
// event is stored before the token (the step sees it) or after (the receiver sees the token), so none is lost.
import type { CarrierEvent } from './providers/types';
import { finalStatuses, shipmentScans, trackingRank, type InboxEvent, type OrderRecord } from './model';

export const shipEventKey = 'ship';
export const carrierEventKey = (eventId: string): string => `carrier:${eventId}`;

const unapplied = (order: OrderRecord): InboxEvent[] =>
  Object.values(order.inbox).filter((event) => !event.applied);

/** The parcel has left: the ship call came, or the carrier scanned it in transit or later. */
export const hasShipTrigger = (order: OrderRecord): boolean =>
  unapplied(order).some(
    (event) => event.kind === 'ship' || (event.status !== undefined && shipmentScans.has(event.status)),
  );

/** Carrier events not yet applied, oldest first. */
export const pendingCarrierEvents = (order: OrderRecord): InboxEvent[] =>
  unapplied(order)
    .filter((event) => event.kind === 'carrier')
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.receivedAt.localeCompare(b.receivedAt));

/** Highest tracking rank already known for the order (stored status and inbox). */
const knownRank = (order: OrderRecord): number =>
  Math.max(
    order.shipment ? trackingRank[order.shipment.status] : 0,
    ...Object.values(order.inbox).map((event) => (event.status ? trackingRank[event.status] : 0)),
  );

const knownEstimates = (order: OrderRecord): Set<string> =>
  new Set(
    [
      order.shipment?.estimatedDelivery,
      ...Object.values(order.inbox).map((event) => event.estimatedDelivery),
    ].filter((value): value is string => value !== undefined),
  );

/**
 * The order with a carrier event added to its inbox, or undefined when the event adds nothing: a duplicate id, or
 * a scan that neither moves the parcel forward nor brings a new estimate (out-of-order or repeated scans).
 */
export const withCarrierEvent = (
  order: OrderRecord,
  event: CarrierEvent,
  receivedAt: string,
): OrderRecord | undefined => {
  const key = carrierEventKey(event.eventId);
  if (key in order.inbox || finalStatuses.has(order.status)) return undefined;
  const movesForward = trackingRank[event.status] > knownRank(order);
  const newEstimate =
    event.estimatedDelivery !== undefined && !knownEstimates(order).has(event.estimatedDelivery);
  const problem = event.status === 'failure' || event.status === 'return_to_sender';
  if (!movesForward && !newEstimate && !problem) return undefined;
  const entry: InboxEvent = {
    kind: 'carrier',
    receivedAt,
    occurredAt: event.occurredAt,
    status: event.status,
    estimatedDelivery: event.estimatedDelivery,
    location: event.location,
    applied: false,
  };
  return { ...order, inbox: { ...order.inbox, [key]: entry } };
};

export const withShipEvent = (order: OrderRecord, at: string): OrderRecord | undefined =>
  shipEventKey in order.inbox
    ? undefined
    : {
        ...order,
        inbox: {
          ...order.inbox,
          [shipEventKey]: { kind: 'ship', receivedAt: at, occurredAt: at, applied: false },
        },
      };

/** What a parked execution should be woken with after `order` received new events, if anything. */
export const wakeAction = (order: OrderRecord): 'ship' | 'recheck' | undefined => {
  if (!order.wait) return undefined;
  if (order.wait.stage === 'shipment') return hasShipTrigger(order) ? 'ship' : undefined;
  return pendingCarrierEvents(order).length > 0 ? 'recheck' : undefined;
};

/** The order with every unapplied event of a kind marked applied. */
export const markApplied = (order: OrderRecord, kinds: ReadonlyArray<InboxEvent['kind']>): OrderRecord => ({
  ...order,
  inbox: Object.fromEntries(
    Object.entries(order.inbox).map(([key, event]) => [
      key,
      kinds.includes(event.kind) ? { ...event, applied: true } : event,
    ]),
  ),
});
