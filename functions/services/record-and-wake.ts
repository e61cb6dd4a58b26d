// How an outside event reaches a parked workflow (docs/workflow.md, "The inbox and the task token"): the event is
// written into the order's inbox with a version-conditional write, and if that write changed the order and the
// stored item holds a wait the event matters to, that wait is resumed with its original deadline. Used by the
// ship and cancel commands and the carrier webhook; what to record and whom to wake is the domain's.
import type { CoreDeps, WorkflowDeps } from '../runtime/deps';
import type { OrderRecord } from '../domain/order';
import { orderWake, wakeSignal, waitPolicy, type DueWake } from '../domain/waits';
import { mutateOrder, type Mutation } from '../adapters/order-store';

/** The parts recording an event and waking the workflow uses. */
type RecordAndWakeDeps = CoreDeps & WorkflowDeps;

/**
 * Records an event with `record` (pure: the order with the event in its inbox, or undefined when it adds nothing;
 * it may throw to refuse the event) and wakes the wait `wake` finds on the stored order, the order's own by
 * default. Returns the order as stored and whether this call changed it.
 */
export const recordAndWake = async (
  deps: RecordAndWakeDeps,
  orderId: string,
  record: (current: OrderRecord) => OrderRecord | undefined,
  wake: (stored: OrderRecord) => DueWake | undefined = (stored) => orderWake(stored, waitPolicy(deps.config)),
): Promise<Omit<Mutation<undefined>, 'result'>> => {
  const { order, changed } = await mutateOrder(
    deps.db,
    orderId,
    (current) => ({ next: record(current), result: undefined }),
    deps.now,
  );
  const due = changed ? wake(order) : undefined;
  if (due) await deps.workflow.resume(due.token, wakeSignal(due.action, due.until, deps.now()));
  return { order, changed };
};
