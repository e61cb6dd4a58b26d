// Carrier tracking events, from a webhook or found by parcel reconciliation: each is written into its order's inbox
// (idempotent by event id; duplicates and out-of-order scans add nothing). A scan the parked delivery wait needs
// no decision for is applied in that same write; any other wakes the waiting workflow when it matters to it.
// Events for tracking numbers we do not know are kept for operators and acknowledged.
import type { CoreDeps, MessagingDeps, TrackingLinkDeps, WorkflowDeps } from '../runtime/deps';
import { deliveryPolicy, receiverPlan } from '../domain/delivery';
import { withCarrierEvent, withReturnEvent } from '../domain/inbox';
import type { CarrierEvent } from '../domain/providers';
import { findByTracking, mutateOrder, putUnmatchedEvent } from '../adapters/order-store';
import type { OrderRecord } from '../domain/order';
import { withoutNotices, type PlannedNotice } from '../domain/notices';
import { addDays } from '../domain/time';
import { orderWake, returnWake, waitPolicy, wakeSignal, type DueWake } from '../domain/waits';
import { noticeContext } from '../runtime/notice-context';
import { commitThenNotify } from '../runtime/step';
import { recordAndWake } from './record-and-wake';

/** The parts receiving a carrier event uses: operator alerts, waking the workflow. */
type ReceiveEventDeps = CoreDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;

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
  return receiveParcelEvent(deps, found.orderId, event, receivedAt);
};

/** What became of a scan: nothing new, recorded for the workflow, or applied (and the wait it ends). */
type ScanOutcome = { outcome: 'ignored' | 'recorded' } | { outcome: 'applied'; ends?: DueWake };

/**
 * A scan of the order's parcel. Applied by the receiver (domain/delivery.ts `receiverPlan`) in the write that
 * records it, its notices sent after that write: a parcel moving on leaves the wait parked, a delivered parcel
 * wakes it with `delivered`. Otherwise only recorded, and the wait it matters to is woken to apply it.
 */
const receiveParcelEvent = async (
  deps: ReceiveEventDeps,
  orderId: string,
  event: CarrierEvent,
  receivedAt: string,
): Promise<EventOutcome> => {
  const now = deps.now();
  const policy = deliveryPolicy(deps.config);
  const ctx = await noticeContext(deps);
  const { order, result, changed, unsent } = await commitThenNotify<ScanOutcome>(deps, orderId, (current) => {
    const recorded = withCarrierEvent(current, event, receivedAt);
    if (!recorded) return { next: undefined, result: { outcome: 'ignored' } };
    const plan = receiverPlan(recorded, now, policy, ctx);
    if (!plan) return { next: recorded, result: { outcome: 'recorded' } };
    const ends =
      plan.action === 'delivered' && recorded.wait
        ? { token: recorded.wait.token, action: plan.action, until: plan.until }
        : undefined;
    return { next: plan.next, notices: plan.notices, result: { outcome: 'applied', ends } };
  });
  if (!changed) return 'ignored';
  const due =
    unsent.length > 0
      ? await handOverNotices(deps, order, unsent, result.outcome === 'applied' ? result.ends : undefined)
      : result.outcome === 'applied'
        ? result.ends
        : orderWake(order, waitPolicy(deps.config));
  if (due) await deps.workflow.resume(due.token, wakeSignal(due.action, due.until, now));
  return 'recorded';
};

/**
 * Notices of an applied scan that could not be sent are handed to TrackDelivery, which sends what a milestone
 * still owes: they are no longer recorded as sent, and the delivery wait (or the one the delivery ended) is woken
 * with `recheck`.
 */
const handOverNotices = async (
  deps: ReceiveEventDeps,
  applied: OrderRecord,
  unsent: PlannedNotice[],
  ended: DueWake | undefined,
): Promise<DueWake | undefined> => {
  await mutateOrder(
    deps.db,
    applied.orderId,
    (current) => ({ next: withoutNotices(current, unsent), result: undefined }),
    deps.now,
  );
  const wait = ended ?? applied.wait;
  return wait && { token: wait.token, action: 'recheck', until: wait.until };
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
