// The local Step Functions: runs the project's ASL file with aws-local-stepfunctions, mapping every Task to the
// local Lambda runtime by state name, emulating `.waitForTaskToken` with a token registry, and persisting each
// execution's progress (top-level state + its input) so executions carry on after a restart, as they do in AWS.
// Progress records go to the store through the engine table's batched puts: a state entered while the previous
// record of its execution is still waiting replaces it, so the store holds the latest state without a write per
// transition under load.
import './polyfills';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DeleteCommand, GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchedPuts } from './batched-puts';
import type { Counters } from './counters';
import type { LambdaRuntime } from './lambda-runtime';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type StateDefinition = Record<string, Json> & { Type: string; Next?: string; Resource?: string };

const waitForTaskToken = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Carries a Task's TimeoutSecondsPath value through Parameters (see `localDefinition`). */
const timeoutKey = 'localTimeoutSeconds';

/**
 * aws-local-stepfunctions evaluates a Task's `TimeoutSecondsPath` against the input after `Parameters`, where AWS
 * evaluates it against the state input. The local copy of the definition therefore also passes the value through
 * Parameters (and the dispatcher removes it again before the handler sees its input).
 */
export const localDefinition = (definition: StateMachineDefinition): StateMachineDefinition => ({
  ...definition,
  States: Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const task = state as unknown as StateDefinition;
      if (task.Type !== 'Task' || typeof task.TimeoutSecondsPath !== 'string' || !task.Parameters)
        return [name, state];
      return [
        name,
        {
          ...task,
          Parameters: {
            ...(task.Parameters as Record<string, Json>),
            [`${timeoutKey}.$`]: task.TimeoutSecondsPath,
          },
          TimeoutSecondsPath: `$.${timeoutKey}`,
        },
      ];
    }),
  ) as StateMachineDefinition['States'],
});

/**
 * The Retry timing of every state scaled so that its first retry waits `firstIntervalMs` (AWS waits seconds): the
 * backoff rate, the cap relative to the first interval, the attempts and the jitter strategy stay as the ASL says,
 * and the engine draws each delay from them as Step Functions does.
 */
export const scaledRetries = (
  definition: StateMachineDefinition,
  firstIntervalMs: number,
): StateMachineDefinition => ({
  ...definition,
  States: Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const retry = (state as unknown as { Retry?: Record<string, Json>[] }).Retry;
      if (!retry) return [name, state];
      const scaled = retry.map((retrier) => {
        const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
        const scale = firstIntervalMs / 1000 / interval;
        return {
          ...retrier,
          IntervalSeconds: interval * scale,
          ...(typeof retrier.MaxDelaySeconds === 'number'
            ? { MaxDelaySeconds: retrier.MaxDelaySeconds * scale }
            : {}),
        };
      });
      return [name, { ...state, Retry: scaled }];
    }),
  ) as StateMachineDefinition['States'],
});

const withoutTimeout = (input: Json): Json => {
  if (!input || typeof input !== 'object' || Array.isArray(input) || !(timeoutKey in input)) return input;
  const { [timeoutKey]: _timeout, ...rest } = input;
  return rest;
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionRecord {
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  /** The execution's input (for the same-name start check). */
  input: string;
  /** The top-level state the execution is in, and that state's input. */
  state: string;
  stateInput: Json;
  /**
   * The top-level states entered, oldest first (the dashboard shows an order's path through the workflow). A state
   * re-run after a restart appears again. Records written before it existed have none.
   */
  visited?: VisitedState[];
  startDate: string;
  stopDate?: string;
  error?: string;
  cause?: string;
  /** How often the execution was redriven (`$$.Execution.RedriveCount`), and when last. */
  redriveCount?: number;
  redriveDate?: string;
}

export interface VisitedState {
  state: string;
  at: string;
}

/**
 * How many visited states a record keeps (the latest): a parcel that waits for weeks loops through its waits, and
 * the record must stay far below DynamoDB's item size.
 */
export const maxVisitedStates = 200;

const withVisit = (record: ExecutionRecord, state: string, at: string): ExecutionRecord => ({
  ...record,
  state,
  visited: [...(record.visited ?? []), { state, at }].slice(-maxVisitedStates),
});

/** One event of an execution's log, as the engine reports it (`StateEntered`, `StateRetried`, ...). */
export type ExecutionEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer E> ? E : never;

/** Told every event of every execution, as it happens: the execution history AWS would keep. */
export type ExecutionEventListener = (execution: string, event: ExecutionEvent) => void;

export class ExecutionAlreadyExistsError extends Error {
  override name = 'ExecutionAlreadyExists';
}

/** RedriveExecution of an execution that is not FAILED (running, succeeded, or unknown). */
export class ExecutionNotRedrivableError extends Error {
  override name = 'ExecutionNotRedrivable';
}

export class TaskTimedOutError extends Error {
  override name = 'TaskTimedOut';
}

export class TaskFailedError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

interface PendingTask {
  execution: string;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
}

export interface LocalStepFunctionsOptions {
  /** The ASL document, `${...}` placeholders already substituted. */
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** Function ARN (as substituted into the ASL) → local function id. */
  functionIds: ReadonlyMap<string, string>;
  lambdas: LambdaRuntime;
  counters: Counters;
  /** Where execution progress is kept (a local-only table, not counted as application traffic). */
  doc: DynamoDBDocumentClient;
  table: string;
  /** The batched puts into `table` that progress records are written with. */
  puts: BatchedPuts;
  /**
   * Milliseconds the first Retry attempt waits, nominally (AWS waits seconds): the later ones back off from it with
   * full jitter as the ASL says (`scaledRetries`).
   */
  retryIntervalMs?: number;
}

/** Every state reachable from `start` (Next, Default, Choices, Catch). */
const reachable = (states: Record<string, StateDefinition>, start: string): Set<string> => {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !states[name]) continue;
    seen.add(name);
    const state = states[name] as Record<string, unknown>;
    const targets = [
      state.Next,
      state.Default,
      ...((state.Choices as { Next?: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((state.Catch as { Next?: string }[] | undefined) ?? []).map((c) => c.Next),
    ];
    for (const target of targets) if (typeof target === 'string') queue.push(target);
  }
  return seen;
};

/**
 * A restarted wait keeps its deadline: where a state's input carries `flow.wait.until`, the seconds it waits are
 * recomputed from it (AWS keeps a timer across our restarts; the local engine has to start a new one).
 */
const refreshWait = (input: Json): Json => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const flow = input.flow;
  if (!flow || typeof flow !== 'object' || Array.isArray(flow)) return input;
  const wait = flow.wait;
  if (!wait || typeof wait !== 'object' || Array.isArray(wait) || typeof wait.until !== 'string')
    return input;
  const seconds = Math.max(1, Math.ceil((Date.parse(wait.until) - Date.now()) / 1000));
  return { ...input, flow: { ...flow, wait: { ...wait, seconds } } };
};

export class LocalStepFunctions {
  private readonly definition: StateMachineDefinition;
  private readonly states: Record<string, StateDefinition>;
  private readonly machines = new Map<string, StateMachine>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly listeners = new Set<ExecutionEventListener>();
  private readonly retried = new Map<string, number>();
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.definition = scaledRetries(localDefinition(options.definition), options.retryIntervalMs ?? 50);
    this.states = this.definition.States as unknown as Record<string, StateDefinition>;
  }

  /** The machine's name (last part of its ARN), which keys its executions in the store. */
  private get machine(): string {
    return this.options.stateMachineArn.split(':').at(-1) ?? 'machine';
  }

  private key(name: string) {
    return { pk: `EXECUTION#${this.machine}#${name}`, sk: 'EXECUTION' };
  }

  /** Tells `listener` every execution event from now on (tests read the history from it); returns the unsubscribe. */
  watch(listener: ExecutionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a task of this machine's executions waits on `token`. */
  hasTask(token: string): boolean {
    return this.tasks.has(token);
  }

  private executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  /** The machine starting at `state`, with the states it cannot reach left out (built once per start state). */
  private machineFrom(state: string): StateMachine {
    let machine = this.machines.get(state);
    if (!machine) {
      const keep = reachable(this.states, state);
      const definition = {
        ...this.definition,
        StartAt: state,
        States: Object.fromEntries(Object.entries(this.definition.States).filter(([name]) => keep.has(name))),
      };
      machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
      this.machines.set(state, machine);
    }
    return machine;
  }

  async describe(name: string): Promise<ExecutionRecord | undefined> {
    const pending = this.options.puts.pending(this.key(name));
    if (pending) return structuredClone(pending.record) as ExecutionRecord;
    const { Item } = await this.options.doc.send(
      new GetCommand({ TableName: this.options.table, Key: this.key(name) }),
    );
    return Item?.record as ExecutionRecord | undefined;
  }

  /** Stores the record; resolves once it (or a later record of the same execution) is stored. */
  private save(record: ExecutionRecord): Promise<void> {
    return this.options.puts.put({ ...this.key(record.name), status: record.status, record });
  }

  /** StartExecution: a second start with the same name and input is the same execution, as in AWS. */
  async start(name: string, input: string): Promise<{ executionArn: string; startDate: Date }> {
    const existing = await this.describe(name);
    if (existing) {
      if (existing.input !== input || existing.status !== 'RUNNING') {
        throw new ExecutionAlreadyExistsError(`Execution Already Exists: '${existing.executionArn}'`);
      }
      return { executionArn: existing.executionArn, startDate: new Date(existing.startDate) };
    }
    const record: ExecutionRecord = {
      name,
      executionArn: this.executionArn(name),
      status: 'RUNNING',
      input,
      state: this.options.definition.StartAt,
      stateInput: JSON.parse(input) as Json,
      startDate: new Date().toISOString(),
    };
    await this.save(record);
    this.options.counters.executionStarted();
    // State transitions include the start, as AWS counts them.
    this.run(record);
    return { executionArn: record.executionArn, startDate: new Date(record.startDate) };
  }

  /**
   * RedriveExecution: a FAILED execution runs again from the state it failed in, with that state's input, as Step
   * Functions does; `$$.Execution.RedriveCount` tells the states which redrive this is.
   */
  async redrive(name: string): Promise<{ redriveDate: Date }> {
    await this.options.puts.flush();
    const existing = await this.describe(name);
    if (!existing || existing.status !== 'FAILED' || this.running.has(name)) {
      throw new ExecutionNotRedrivableError(
        `Execution ${name} cannot be redriven: ${existing ? existing.status : 'it does not exist'}`,
      );
    }
    const { stopDate: _stopDate, error: _error, cause: _cause, ...rest } = existing;
    const record: ExecutionRecord = {
      ...rest,
      status: 'RUNNING',
      redriveCount: (existing.redriveCount ?? 0) + 1,
      redriveDate: new Date().toISOString(),
    };
    await this.save(record);
    this.run(record);
    return { redriveDate: new Date(record.redriveDate!) };
  }

  /** Retries the engine made, by state name, since it started (what the ASL's Retry did, counted). */
  retries(): Record<string, number> {
    return Object.fromEntries(this.retried);
  }

  /** Carries on every execution that was running when the engine last stopped. */
  async resumeAll(): Promise<number> {
    let resumed = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.doc.send(
        new ScanCommand({
          TableName: this.options.table,
          FilterExpression: 'begins_with(pk, :p) AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':p': `EXECUTION#${this.machine}#`, ':running': 'RUNNING' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const record = item.record as ExecutionRecord;
        this.run({ ...record, stateInput: refreshWait(record.stateInput) });
        resumed += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return resumed;
  }

  async sendTaskSuccess(token: string, output: string): Promise<void> {
    const task = this.takeTask(token);
    task.resolve(JSON.parse(output) as Json);
    return Promise.resolve();
  }

  async sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
    const task = this.takeTask(token);
    task.reject(new TaskFailedError(error || 'TaskFailed', cause));
    return Promise.resolve();
  }

  private takeTask(token: string): PendingTask {
    const task = this.tasks.get(token);
    if (!task) throw new TaskTimedOutError('Task Timed Out: the token is unknown, used or timed out');
    this.tasks.delete(token);
    return task;
  }

  /** Resolves once no execution is running (for tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.race([...this.running.values()].map((r) => r.done));
  }

  /** Stops every execution where it is; its progress stays persisted for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { abort } of this.running.values()) abort();
    // Parked tasks are dropped, not failed: their executions resume (and park again) at the next start.
    this.tasks.clear();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.options.puts.flush();
  }

  private run(record: ExecutionRecord): void {
    const { counters, lambdas, functionIds } = this.options;
    const states = this.states;
    const topLevel = new Set(Object.keys(states));
    const tasks = this.tasks;
    const execution = record.name;
    const handlers = new Proxy(
      {},
      {
        get: (_target, stateName) => {
          if (typeof stateName !== 'string' || !states[stateName]) return undefined;
          const state = states[stateName];
          return async (stateInput: Json): Promise<Json> => {
            const input = withoutTimeout(stateInput);
            if (state.Resource === waitForTaskToken) {
              const request = input as {
                FunctionName: string;
                Payload: { token: string } & Record<string, Json>;
              };
              const functionId = functionIds.get(request.FunctionName);
              if (!functionId) throw new Error(`${stateName}: no local function for ${request.FunctionName}`);
              // One pending token per execution: an earlier one is stale (its wait timed out or was resumed).
              for (const [token, task] of tasks) if (task.execution === execution) tasks.delete(token);
              const settled = new Promise<Json>((resolve, reject) => {
                tasks.set(request.Payload.token, { execution, resolve, reject });
              });
              await lambdas.invoke(functionId, request.Payload);
              return settled;
            }
            const functionId = functionIds.get(state.Resource ?? '');
            if (!functionId)
              throw new Error(`${stateName}: no local function for ${state.Resource ?? '(none)'}`);
            return (await lambdas.invoke(functionId, input)) as Json;
          };
        },
      },
    );
    const machine = this.machineFrom(record.state);
    const context = {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        Input: JSON.parse(record.input) as Json,
        StartTime: record.startDate,
        RedriveCount: record.redriveCount ?? 0,
        ...(record.redriveDate ? { RedriveTime: record.redriveDate } : {}),
      },
      Task: {
        get Token() {
          return `${execution}:${randomUUID()}`;
        },
      },
    };
    const { abort, result, eventLogs } = machine.run(record.stateInput, {
      overrides: { taskResourceLocalHandlers: handlers },
      context,
    });
    let current = record;
    const progress = (async () => {
      for await (const event of eventLogs) {
        for (const listener of this.listeners) listener(execution, event);
        if (event.type === 'StateEntered' || event.type === 'StateRetried') counters.transition();
        if (event.type === 'StateRetried')
          this.retried.set(event.state.name, (this.retried.get(event.state.name) ?? 0) + 1);
        if (event.type === 'StateEntered' && topLevel.has(event.state.name) && event.index === undefined) {
          const at = new Date(event.timestamp).toISOString();
          current = { ...withVisit(current, event.state.name, at), stateInput: event.state.input };
          // Not awaited: the next state's record may replace this one before it is written. The final save
          // below comes after every progress record and waits until it is stored.
          if (!this.stopped) this.save(current).catch(() => undefined);
        }
      }
    })();
    const done = (async () => {
      try {
        await result;
        current = { ...current, status: 'SUCCEEDED' };
      } catch (error) {
        if (this.stopped) return; // interrupted by a shutdown: stays RUNNING, resumed at the next start
        const failure = error as Error & { cause?: { name?: string; message?: string } };
        current = {
          ...current,
          status: 'FAILED',
          error: failure.cause?.name ?? failure.name,
          cause: failure.cause?.message ?? failure.message,
        };
      } finally {
        await progress.catch(() => undefined);
      }
      current.stopDate = new Date().toISOString();
      await this.save(current);
    })().finally(() => this.running.delete(execution));
    this.running.set(execution, { abort, done });
  }

  /** Forgets an execution (tests use it to start a name afresh). */
  async forget(name: string): Promise<void> {
    await this.options.puts.flush();
    await this.options.doc.send(new DeleteCommand({ TableName: this.options.table, Key: this.key(name) }));
  }
}
