// Parcel reconciliation: carriers give up retrying a webhook quickly, and a dropped scan (above all a dropped
// `delivered`) would leave an order in transit until the lost-parcel rule gives the parcel up weeks later. This job
// finds orders whose parcels the carrier has been silent about for longer than the stage's interval (the sparse
// parcelsInFlight index, bucket by bucket and page by page, never a scan), asks the carrier for each such parcel's
// scans and feeds what is news through the webhooks' own path (services/receive-carrier-event.ts): idempotent by
// event id, so a scan that arrives both ways counts once and its notice is sent once. A lease keeps a run that the
// schedule fires while the previous one still goes from doing the same work again.
import type { CarrierDeps, CoreDeps, MessagingDeps, TrackingLinkDeps, WorkflowDeps } from '../runtime/deps';
import { logger } from '../runtime/observability';
import { carrierEventKey, returnEventKey } from '../domain/inbox';
import { indexBuckets, type OrderRecord } from '../domain/order';
import { lastCarrierEventAt, parcelsInFlight, type ParcelInFlight } from '../domain/parcels-in-flight';
import type { CarrierEvent } from '../domain/providers';
import { addDays } from '../domain/time';
import { releaseLease, takeLease } from '../adapters/lease';
import { getOrder, silentParcelOrders } from '../adapters/order-store';
import { receiveCarrierEvent } from '../services/receive-carrier-event';

/** The parts parcel reconciliation uses. */
type ReconcileDeps = CoreDeps & CarrierDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;

/** The lease every run takes (`LEASE#ReconcileParcels`). */
export const RECONCILE_LEASE = 'ReconcileParcels';

export interface ReconcileOptions {
  /** Who runs (the invocation's request id): the lease's holder. */
  runId: string;
  /** How long the lease holds if this run dies without giving it back; longer than a run can last. */
  leaseSeconds: number;
  /** No parcel is started on after this (real) time, in epoch ms: the rest is the next run's. */
  stopAt?: number | undefined;
  /** At most this many parcels asked about per run. */
  maxParcels?: number;
  pageSize?: number;
}

export interface ReconcileResult {
  /** True when another run held the lease: this one did nothing. */
  skipped: boolean;
  /** Parcels the carrier was asked about. */
  checked: number;
  /** Carrier events found that were news, recorded into their order's inbox. */
  recorded: number;
  /** Tracking numbers the carrier could not be asked about; the next run asks again. */
  failed: string[];
  /** True when the run stopped at its time or parcel budget before the index's end. */
  truncated: boolean;
}

/** The parcel's events not already in the order's inbox (a duplicate costs no lookup and no write). */
const unseen = (order: OrderRecord, parcel: ParcelInFlight, events: CarrierEvent[]): CarrierEvent[] =>
  events.filter(
    (event) =>
      !((parcel.returnId ? returnEventKey(event.eventId) : carrierEventKey(event.eventId)) in order.inbox),
  );

export const reconcileParcels = async (
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<ReconcileResult> => {
  const result: ReconcileResult = { skipped: false, checked: 0, recorded: 0, failed: [], truncated: false };
  const now = deps.now();
  const { daySeconds, durations } = deps.config;
  const leaseUntil = new Date(now.getTime() + options.leaseSeconds * 1000).toISOString();
  if (!(await takeLease(deps.db, RECONCILE_LEASE, options.runId, now.toISOString(), leaseUntil))) {
    return { ...result, skipped: true };
  }
  const maxParcels = options.maxParcels ?? 500;
  const pageSize = options.pageSize ?? 100;
  const silentSince = addDays(now, -durations.carrierSilenceDays, daySeconds);
  const outOfBudget = () =>
    result.checked >= maxParcels || (options.stopAt !== undefined && Date.now() >= options.stopAt);

  const reconcileParcel = async (order: OrderRecord, parcel: ParcelInFlight): Promise<void> => {
    result.checked += 1;
    try {
      const events = unseen(order, parcel, await deps.carrier.trackingEvents(parcel));
      for (const event of events) {
        if ((await receiveCarrierEvent(deps, event)) === 'recorded') result.recorded += 1;
      }
    } catch (error) {
      // One parcel the carrier cannot answer for must not keep the others from being reconciled.
      logger.error('parcel reconciliation could not ask the carrier', {
        orderId: order.orderId,
        trackingNumber: parcel.trackingNumber,
        error: error as Error,
      });
      result.failed.push(parcel.trackingNumber);
    }
  };

  try {
    for (let bucket = 0; bucket < indexBuckets; bucket += 1) {
      let startKey: Record<string, unknown> | undefined;
      do {
        if (outOfBudget()) return { ...result, truncated: true };
        const page = await silentParcelOrders(deps.db, String(bucket), silentSince, pageSize, startKey);
        for (const orderId of page.orderIds) {
          // The index lags the table a little: the order as it is now decides whether a parcel is still silent.
          const order = await getOrder(deps.db, orderId);
          if (!order || lastCarrierEventAt(order) >= silentSince) continue;
          for (const parcel of parcelsInFlight(order)) {
            if (outOfBudget()) return { ...result, truncated: true };
            await reconcileParcel(order, parcel);
          }
        }
        startKey = page.nextKey;
      } while (startKey);
    }
    return result;
  } finally {
    await releaseLease(deps.db, RECONCILE_LEASE, options.runId, deps.now().toISOString());
  }
};
