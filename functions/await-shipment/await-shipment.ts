// Parks the workflow until the parcel ships. Called with a task token: if the ship call or a carrier scan is
// already in the inbox it resumes its own token at once; otherwise it stores the token with the order, where the
// ship call and the webhook find it.
import type { CoreDeps, WorkflowDeps } from '../runtime/deps';
import { shipmentWakeAction } from '../domain/cancellation';
import { commitStep, parkInput, type ParkInput } from '../runtime/step';
import { wakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & WorkflowDeps;

export { parkInput, type ParkInput };

/**
 * The ship call or a carrier scan resumes with `ship`; a cancellation (with no ship trigger) with `cancel`;
 * otherwise the token is stored and the workflow stays parked.
 */
export const awaitShipment = async (deps: StepDeps, input: ParkInput): Promise<void> => {
  const { result } = await commitStep(deps, input.orderId, (order) => {
    const action = shipmentWakeAction(order);
    if (action) return { next: undefined, result: action };
    return {
      next: { ...order, wait: { stage: 'shipment' as const, token: input.token, until: input.until } },
      result: 'parked' as const,
    };
  });
  if (result !== 'parked')
    await deps.workflow.resume(input.token, wakeSignal(result, input.until, deps.now()));
};
