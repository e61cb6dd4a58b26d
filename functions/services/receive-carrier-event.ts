// Carrier tracking events, from a webhook or found by parcel reconciliation: each is written into its order's inbox
// (idempotent by event id; duplicates and out-of-order scans add nothing), and the waiting workflow is resumed when
// the event matters to it. Events for tracking numbers we do not know are kept for operators and acknowledged.
import type { CoreDeps, TopicDeps, WorkflowDeps } from '../runtime/deps';
import { withCarrierEvent, withReturnEvent } from '../domain/inbox';
import type { CarrierEvent } from '../domain/providers';
import { findByTracking, putUnmatchedEvent } from '../adapters/order-store';
import { addDays } from '../domain/time';
import { returnWake } from '../domain/waits';
import { recordAndWake } from './record-and-wake';

/** The parts receiving a carrier event uses: operator alerts, waking the workflow. */
type ReceiveEventDeps = CoreDeps & TopicDeps & WorkflowDeps;

export type EventOutcome = 'recorded' | 'ignored' | 'unmatched';

/** Keeps an event of an unknown tracking number for operators (90 days) and alerts them once per number. */
const recordUnmatched = async (
  deps: ReceiveEventDeps,
  event: CarrierEvent,
  receivedAt: string,
): Promise<void> => {
  const expiresAt = Math.floor(Date.parse(addDays(receivedAt, 90, 86_400)) / 1000);
  // Already kept, and operators already alerted.
  if (!(await putUnmatchedEvent(deps.db, event, receivedAt, expiresAt))) return;
  await deps.messaging.alertOps({
    kind: 'unknown_tracking',
    subject: 'Carrier event for an unknown tracking number',
    text: `A carrier event (${event.status}) arrived for tracking number ${event.trackingNumber}, which belongs to no order.`,
  });
};

export const receiveCarrierEvent = async (
  deps: ReceiveEventDeps,
  event: CarrierEvent,
): Promise<EventOutcome> => {
  const receivedAt = deps.now().toISOString();
  const found = await findByTracking(deps.db, event.trackingNumber);
  if (!found) {
    await recordUnmatched(deps, event, receivedAt);
    return 'unmatched';
  }
  if (found.returnId) return receiveReturnEvent(deps, found.orderId, found.returnId, event, receivedAt);
  const { changed } = await recordAndWake(deps, found.orderId, (current) =>
    withCarrierEvent(current, event, receivedAt),
  );
  return changed ? 'recorded' : 'ignored';
};

/** A return parcel's scan: into the order's inbox, and the return's workflow woken if it waits. */
const receiveReturnEvent = async (
  deps: ReceiveEventDeps,
  orderId: string,
  returnId: string,
  event: CarrierEvent,
  receivedAt: string,
): Promise<EventOutcome> => {
  const { changed } = await recordAndWake(
    deps,
    orderId,
    (current) => withReturnEvent(current, returnId, event, receivedAt),
    (stored) => returnWake(stored, returnId),
  );
  return changed ? 'recorded' : 'ignored';
};
