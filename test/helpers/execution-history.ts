// Everything the workflows of a local system carry, as Step Functions would keep it in the execution history:
// each execution's events (states entered and exited, retries, catches, with their inputs and outputs), the
// payload of every Lambda invocation a state makes and its result, and every task token's answer. The PII canary
// searches it; the workflow-limits test counts its events and weighs its payloads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import type { ExecutionEvent } from '../../local/step-functions';
import type { LocalSystem } from '../../local/system';

const waitForTaskToken = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The Resource of every Task state, per state machine (by the last part of its ARN, e.g. `order-fulfillment`). */
const taskResources = (): Map<string, Map<string, string>> => {
  const machines = new Map<string, Map<string, string>>();
  for (const machine of ['order-fulfillment', 'order-return']) {
    const definition = JSON.parse(
      readFileSync(join(projectRoot, 'statemachines', `${machine}.asl.json`), 'utf8'),
    ) as { States: Record<string, { Type: string; Resource?: string }> };
    machines.set(
      machine,
      new Map(
        Object.entries(definition.States)
          .filter(([, state]) => state.Type === 'Task')
          .map(([name, state]) => [name, state.Resource ?? '']),
      ),
    );
  }
  return machines;
};

/** JSON of a recorded value; errors (an event's `Cause`, a failed invocation) keep their name and message. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, field: unknown) =>
    field instanceof Error ? { name: field.name, message: field.message, cause: field.cause } : field,
  ) ?? 'null';

/** One payload Step Functions would store: where it was seen and its JSON. */
export interface Payload {
  execution: string;
  /** e.g. `StateEntered WaitForDelivery input`, `Lambda TrackDelivery result`, `SendTaskSuccess output`. */
  where: string;
  json: string;
  /** Its size as Step Functions measures the 256 KiB limit: UTF-8 bytes. */
  bytes: number;
}

export interface Invocation {
  functionId: string;
  event: unknown;
  result?: unknown;
  error?: Error;
}

const payload = (execution: string, where: string, value: unknown): Payload => {
  const json = toJson(value);
  return { execution, where, json, bytes: Buffer.byteLength(json, 'utf8') };
};

/**
 * Records a running system's workflows from now on, until `stop()`. Invocations are those of the workflow states
 * and schedules: API Gateway events (the HTTP API's, whose bodies are the callers' own requests) are not
 * workflow payloads and are left out.
 */
export class ExecutionHistory {
  /** Each execution's events, keyed `<machine>/<execution name>`, oldest first. */
  readonly events = new Map<string, ExecutionEvent[]>();
  readonly invocations: Invocation[] = [];
  /** The outputs and errors task tokens were answered with. */
  readonly taskAnswers: Payload[] = [];
  private readonly resources = taskResources();
  private readonly undo: (() => void)[] = [];

  constructor(private readonly system: LocalSystem) {
    for (const [machine, engine] of [
      ['order-fulfillment', system.engine],
      ['order-return', system.returnEngine],
    ] as const) {
      this.undo.push(
        engine.watch((execution, event) => {
          const key = `${machine}/${execution}`;
          this.events.set(key, [...(this.events.get(key) ?? []), event]);
        }),
      );
      const sendTaskSuccess = engine.sendTaskSuccess.bind(engine);
      const sendTaskFailure = engine.sendTaskFailure.bind(engine);
      engine.sendTaskSuccess = (token, output) => {
        this.taskAnswers.push(payload(token.split(':')[0]!, 'SendTaskSuccess output', JSON.parse(output)));
        return sendTaskSuccess(token, output);
      };
      engine.sendTaskFailure = (token, error, cause) => {
        this.taskAnswers.push(payload(token.split(':')[0]!, 'SendTaskFailure', { error, cause }));
        return sendTaskFailure(token, error, cause);
      };
      this.undo.push(() => {
        engine.sendTaskSuccess = sendTaskSuccess;
        engine.sendTaskFailure = sendTaskFailure;
      });
    }
    const lambdas = system.lambdas;
    const invoke = lambdas.invoke.bind(lambdas);
    lambdas.invoke = (functionId, event) => {
      const call = invoke(functionId, event);
      if (event && typeof event === 'object' && 'httpMethod' in event) return call;
      const invocation: Invocation = { functionId, event: structuredClone(event) };
      this.invocations.push(invocation);
      return call.then(
        (result) => {
          invocation.result = result;
          return result;
        },
        (error: unknown) => {
          invocation.error = error as Error;
          throw error;
        },
      );
    };
    this.undo.push(() => {
      lambdas.invoke = invoke;
    });
  }

  stop(): void {
    this.undo.splice(0).forEach((undo) => undo());
  }

  /**
   * The history events Step Functions would record for an execution, counted from the engine's log: one for the
   * start and one for the end; one per state entered and one per state exited; and per attempt of a Task (its
   * first run and every retry) the events of one Lambda call: 3 for a function ARN (LambdaFunctionScheduled,
   * LambdaFunctionStarted, LambdaFunctionSucceeded|Failed|TimedOut), 4 for `lambda:invoke.waitForTaskToken`
   * (TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded|Failed|TimedOut). A failure and its catch add no
   * event of their own: the attempt's failed event is counted already.
   */
  historyEvents(key: string): number {
    const machine = key.split('/')[0]!;
    const resources = this.resources.get(machine) ?? new Map<string, string>();
    const perAttempt = (state: string): number => {
      const resource = resources.get(state);
      if (resource === undefined) return 0;
      return resource === waitForTaskToken ? 4 : 3;
    };
    let count = 0;
    for (const event of this.events.get(key) ?? []) {
      switch (event.type) {
        case 'ExecutionStarted':
        case 'ExecutionSucceeded':
        case 'ExecutionFailed':
        case 'ExecutionAborted':
        case 'ExecutionTimeout':
        case 'StateExited':
          count += 1;
          break;
        case 'StateEntered':
          count += 1 + perAttempt(event.state.name);
          break;
        case 'StateRetried':
          count += perAttempt(event.state.name);
          break;
        default:
          break;
      }
    }
    return count;
  }

  /** How many times each state was retried in an execution. */
  retries(key: string): Map<string, number> {
    const retries = new Map<string, number>();
    for (const event of this.events.get(key) ?? []) {
      if (event.type === 'StateRetried') {
        retries.set(event.state.name, (retries.get(event.state.name) ?? 0) + 1);
      }
    }
    return retries;
  }

  /**
   * Every payload of every execution: the execution's input and output, each state's input and output, each
   * failure's error and cause, each Lambda call's payload and result (or error), each task token's answer.
   */
  payloads(): Payload[] {
    const payloads: Payload[] = [];
    for (const [key, events] of this.events) {
      for (const event of events) {
        if (event.type === 'ExecutionStarted') payloads.push(payload(key, 'execution input', event.input));
        else if (event.type === 'ExecutionSucceeded')
          payloads.push(payload(key, 'execution output', event.output));
        else if (event.type === 'ExecutionFailed')
          payloads.push(payload(key, 'execution failure', { error: event.Error, cause: event.Cause }));
        else if (event.type === 'StateEntered')
          payloads.push(payload(key, `${event.state.name} input`, event.state.input));
        else if (event.type === 'StateExited')
          payloads.push(payload(key, `${event.state.name} output`, event.state.output));
        else if (event.type === 'StateFailed')
          payloads.push(
            payload(key, `${event.state.name} failure`, { error: event.Error, cause: event.Cause }),
          );
      }
    }
    for (const invocation of this.invocations) {
      const execution = (invocation.event as { orderId?: string } | null)?.orderId ?? invocation.functionId;
      payloads.push(payload(execution, `Lambda ${invocation.functionId} payload`, invocation.event));
      if (invocation.error) {
        payloads.push(payload(execution, `Lambda ${invocation.functionId} error`, invocation.error));
      } else {
        payloads.push(
          payload(execution, `Lambda ${invocation.functionId} result`, invocation.result ?? null),
        );
      }
    }
    return [...payloads, ...this.taskAnswers];
  }
}
