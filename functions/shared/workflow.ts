// The order workflow seen from handlers: start one execution per order (named after it, so a retry cannot start
// a second) and resume an execution parked on a task token.
import { SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface WorkflowInput {
  orderId: string;
}

/** What a parked execution is woken with: the wait's next timeout, so a wake-up keeps the original deadline. */
export interface WakeSignal {
  action: string;
  wait: { until: string; seconds: number };
}

export interface Workflow {
  start(orderId: string): Promise<void>;
  /** Resumes the execution holding `token`; a token already used or timed out is ignored. */
  resume(token: string, output: WakeSignal): Promise<boolean>;
}

const staleTokenErrors = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export const sdkWorkflow = (sfn: SFNClient, stateMachineArn: string): Workflow => ({
  async start(orderId) {
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: orderId,
          input: JSON.stringify({ orderId } satisfies WorkflowInput),
        }),
      );
    } catch (error) {
      // Same name, same input: Step Functions treats a repeated start as the running execution.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  },
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

/** Seconds from now until `until`, at least one (a timeout of 0 is invalid in Step Functions). */
export const secondsUntil = (until: string, now: Date): number =>
  Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));

export const wakeSignal = (action: string, until: string, now: Date): WakeSignal => ({
  action,
  wait: { until, seconds: secondsUntil(until, now) },
});
