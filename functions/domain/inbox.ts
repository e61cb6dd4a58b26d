// Outside events (the ship call, carrier scans) reach the workflow through the order's inbox. The receiver writes
// the event into the order item (idempotent by event id) and, when the execution is parked on a task token and
// the event matters, resumes it. The step that parks looks at the inbox in the same conditional write. Either the
// event is stored before the token (the step sees it) or after (the receiver sees the token), so none is lost.
// The cancel event and what it means are cancellation.ts's; what a parked wait is woken with is waits.ts's.
import type { CarrierEvent } from './providers';
import { finalStatuses, shipmentScans, trackingRank, type InboxEvent, type OrderRecord } from './order';

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

/** `delivered` after `return_to_sender`: the parcel is back at the sender (same rank, but news). */
const isBackAtSender = (order: OrderRecord, event: CarrierEvent): boolean => {
  if (event.status !== 'delivered') return false;
  const statuses = new Set([order.shipment?.status, ...Object.values(order.inbox).map((e) => e.status)]);
  return statuses.has('return_to_sender') && !statuses.has('delivered');
};

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
  if (!movesForward && !newEstimate && !problem && !isBackAtSender(order, event)) return undefined;
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

export const returnEventKey = (eventId: string): string => `return:${eventId}`;

/** Return-parcel scans of one return not yet applied, with their inbox keys, oldest first. */
export const pendingReturnEvents = (order: OrderRecord, returnId: string): [string, InboxEvent][] =>
  Object.entries(order.inbox)
    .filter(([, event]) => event.kind === 'return' && event.returnId === returnId && !event.applied)
    .sort(
      ([, a], [, b]) => a.occurredAt.localeCompare(b.occurredAt) || a.receivedAt.localeCompare(b.receivedAt),
    );

/** The order with a return parcel's scan in its inbox, or undefined for a duplicate or a scan adding nothing. */
export const withReturnEvent = (
  order: OrderRecord,
  returnId: string,
  event: CarrierEvent,
  receivedAt: string,
): OrderRecord | undefined => {
  const key = returnEventKey(event.eventId);
  const ret = order.returns?.find((r) => r.returnId === returnId);
  if (!ret || key in order.inbox || ret.status === 'refunded' || ret.status === 'expired') return undefined;
  const known = Object.values(order.inbox)
    .filter((e) => e.kind === 'return' && e.returnId === returnId)
    .map((e) => (e.status ? trackingRank[e.status] : 0));
  if (trackingRank[event.status] <= Math.max(0, ...known)) return undefined;
  const entry: InboxEvent = {
    kind: 'return',
    returnId,
    receivedAt,
    occurredAt: event.occurredAt,
    status: event.status,
    location: event.location,
    applied: false,
  };
  return { ...order, inbox: { ...order.inbox, [key]: entry } };
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
