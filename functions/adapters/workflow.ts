// The order workflow seen from handlers: start one execution per order (named after it, so a retry cannot start
// a second) and resume an execution parked on a task token.
import { SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WakeSignal } from '../domain/waits';

export interface WorkflowInput {
  orderId: string;
}

export interface ReturnWorkflowInput {
  orderId: string;
  returnId: string;
  flow: WakeSignal;
}

export interface Workflow {
  start(orderId: string): Promise<void>;
  /** Starts the return workflow of one return (named after it; a repeated start is the same execution). */
  startReturn(input: ReturnWorkflowInput): Promise<void>;
  /** Resumes the execution holding `token`; a token already used or timed out is ignored. */
  resume(token: string, output: WakeSignal): Promise<boolean>;
}

const staleTokenErrors = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Starts an execution named `name`; a start of an execution that exists already is not an error. */
const startOnce = async (
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<void> => {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  } catch (error) {
    // Same name, same input: Step Functions treats a repeated start as the running execution.
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
    throw error;
  }
};

export const sdkWorkflow = (
  sfn: SFNClient,
  stateMachineArn: string,
  returnStateMachineArn: string,
): Workflow => ({
  start: (orderId) => startOnce(sfn, stateMachineArn, orderId, { orderId } satisfies WorkflowInput),
  startReturn: (input) => startOnce(sfn, returnStateMachineArn, input.returnId, input),
  async resume(token, output) {
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (error instanceof Error && staleTokenErrors.has(error.name)) return false;
      throw error;
    }
  },
});
