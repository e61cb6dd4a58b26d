// The `OrderFailed` state. Entered after CloseOrder marked the order FAILED (compensated, operators alerted), it fails
// the execution, so the execution shows as failed and can be redriven. A redrive (Step Functions RedriveExecution,
// `redriveCount` above zero) runs it again with the same input: it reopens the order as functions/domain/redrive.ts
// plans and answers where the journey goes on.
import * as z from 'zod';
import { OrderflowError } from '../domain/errors';
import { planReopening, type ResumePoint } from '../domain/redrive';
import type { CoreDeps } from '../runtime/deps';
import { commitStep, orderInput } from '../runtime/step';

/** The parts this step uses. */
type StepDeps = CoreDeps;

/** Fails the execution of a FAILED order (the error name its executions end with). */
export class OrderFailedError extends OrderflowError {
  override name = 'OrderFailed';
}

export const reopenInput = orderInput.extend({ redriveCount: z.number().int().min(0) });
export type ReopenInput = z.infer<typeof reopenInput>;

export const reopenOrder = async (
  deps: StepDeps,
  input: ReopenInput,
): Promise<{ orderId: string; resume: ResumePoint }> => {
  if (input.redriveCount === 0) {
    throw new OrderFailedError(
      'An unexpected error; what was done has been compensated and operators alerted. Redrive the execution once the cause is fixed.',
    );
  }
  const at = deps.now().toISOString();
  const { result } = await commitStep(deps, input.orderId, (current) => {
    const reopening = planReopening(current, input.redriveCount, at);
    return { next: reopening?.next, result: reopening };
  });
  if (!result) {
    throw new OrderFailedError(`order ${input.orderId} is no longer FAILED: there is nothing to redrive`);
  }
  return { orderId: input.orderId, resume: result.resume };
};
