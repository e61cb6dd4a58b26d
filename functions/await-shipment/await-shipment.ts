// Parks the workflow until the parcel ships, after a renewed authorization or a wake-up that did not end the wait
// (BuyLabel parks the first shipment wait itself, in the write that stores the label). Called with a task token:
// if the ship call or a carrier scan is already in the inbox it resumes its own token at once; otherwise it stores
// the token with the order, where the ship call and the webhook find it.
import type { CoreDeps, WorkflowDeps } from '../runtime/deps';
import { shipmentWakeAction } from '../domain/cancellation';
import { TransientError } from '../domain/errors';
import { commitStep, parkInput, type ParkInput } from '../runtime/step';
import { waitPolicy, wakeDeadline, wakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & WorkflowDeps;

export { parkInput, type ParkInput };

/**
 * The ship call or a carrier scan resumes with `ship` (and the delivery wait); a cancellation (with no ship
 * trigger) with `cancel`; otherwise the token is stored and the workflow stays parked.
 */
export const awaitShipment = async (deps: StepDeps, input: ParkInput): Promise<void> => {
  const { order, result } = await commitStep(deps, input.orderId, (current) => {
    // No label yet: BuyLabel's wait timed out while its invocation still runs. Parking now could be overwritten by
    // its write; the retry parks once the label is stored.
    if (!current.shipment) throw new TransientError(`order ${current.orderId} has no label stored yet`);
    const action = shipmentWakeAction(current);
    if (action) return { next: undefined, result: action };
    return {
      next: { ...current, wait: { stage: 'shipment' as const, token: input.token, until: input.until } },
      result: 'parked' as const,
    };
  });
  if (result === 'parked') return;
  const until = wakeDeadline(order, result, input.until, waitPolicy(deps.config));
  await deps.workflow.resume(input.token, wakeSignal(result, until, deps.now()));
};
