// The intake sweep: intake stores an order and then starts its workflow; if the start never happened (the API
// died or Step Functions failed between the two), the order would wait in RECEIVED for ever. The sweep finds
// orders RECEIVED for longer than a grace period and starts their workflow. A start is idempotent (the execution is
// named after the order), so an order whose workflow runs but is still early in it costs one no-op start.
//
// The index only points at candidates: each is read again (a consistent read of the order item) and started only if
// it is stored and still RECEIVED. An index can be ahead of the item it indexes: DynamoDB's indexes are eventually
// consistent, and the local store (dynalite) writes an item's index entries before the item, so a process killed
// between the two leaves an entry for an order that was never stored. Starting that order's workflow would fail it
// for want of the order, and fail the order too when the storefront's retry then stores it.
import type { CoreDeps, WorkflowDeps } from '../runtime/deps';
import { logger } from '../runtime/observability';
import { indexBuckets } from '../domain/order';
import { getOrder, receivedBefore } from '../adapters/order-store';

/** The parts the sweep uses. */
type SweepDeps = CoreDeps & WorkflowDeps;

export interface SweepOptions {
  /** Orders received less than this long ago are left to the request that stores them. */
  graceSeconds: number;
  /** At most this many starts per run; the rest waits for the next run. */
  maxOrders?: number;
  pageSize?: number;
}

export interface SweepResult {
  /** Orders found RECEIVED past the grace period, whose workflow was started (or found running). */
  started: string[];
  /** Index entries whose order is not stored, or no longer RECEIVED: nothing to start. */
  skipped: string[];
  /** Orders whose start failed; the next run tries them again. */
  failed: string[];
}

export const sweepReceivedOrders = async (deps: SweepDeps, options: SweepOptions): Promise<SweepResult> => {
  const maxOrders = options.maxOrders ?? 500;
  const pageSize = options.pageSize ?? 100;
  const before = new Date(deps.now().getTime() - options.graceSeconds * 1000).toISOString();
  const result: SweepResult = { started: [], skipped: [], failed: [] };
  for (let bucket = 0; bucket < indexBuckets; bucket += 1) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const room = maxOrders - result.started.length - result.failed.length;
      if (room <= 0) return result;
      const page = await receivedBefore(deps.db, String(bucket), before, Math.min(pageSize, room), startKey);
      for (const orderId of page.orderIds) {
        try {
          if ((await getOrder(deps.db, orderId))?.status !== 'RECEIVED') {
            result.skipped.push(orderId);
            continue;
          }
          await deps.workflow.start(orderId);
          result.started.push(orderId);
        } catch (error) {
          logger.error('intake sweep could not start a workflow', { orderId, error: error as Error });
          result.failed.push(orderId);
        }
      }
      startKey = page.nextKey;
    } while (startKey);
  }
  return result;
};
