// Runs the project's Lambda handlers in this process as Lambda would: JSON in, JSON out (a deep copy each way,
// so no handler shares objects with the engine), a fresh context per invocation, and a count of invocations and
// their duration per function for the cost model. With a timeout (set while faults are injected, local/faults.ts),
// an invocation that outlasts it fails as Lambda reports a timed-out function (`Sandbox.Timedout`); the handler's
// promise is left behind, as Lambda leaves a frozen sandbox.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Counters } from './counters';

/** How Lambda reports an invocation that ran past the function's timeout. */
export class FunctionTimedOutError extends Error {
  override name = 'Sandbox.Timedout';
}

const withTimeout = async <T>(running: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new FunctionTimedOutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
    // The abandoned invocation's own failure, if it comes, has nobody to reach.
    running.catch(() => undefined);
  }
};

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaRuntime {
  private readonly handlers = new Map<string, LambdaHandler>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly counters: Counters,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  register(functionId: string, handler: LambdaHandler): void {
    this.handlers.set(functionId, handler);
  }

  has(functionId: string): boolean {
    return this.handlers.has(functionId);
  }

  /** Invokes a function; its promise is tracked until it settles, so a shutdown can wait for it. */
  invoke(functionId: string, event: unknown): Promise<unknown> {
    const invocation = this.run(functionId, event);
    this.inFlight.add(invocation);
    void invocation.then(
      () => this.inFlight.delete(invocation),
      () => this.inFlight.delete(invocation),
    );
    return invocation;
  }

  /** Resolves when every invocation in flight has finished (successfully or not). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async run(functionId: string, event: unknown): Promise<unknown> {
    const handler = this.handlers.get(functionId);
    if (!handler) throw new Error(`no local handler for function ${functionId}`);
    const started = performance.now();
    const timeoutMs = this.options.timeoutMs;
    const deadline = Date.now() + (timeoutMs ?? 60_000);
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: functionId,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionId}`,
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionId}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const running = handler(JSON.parse(JSON.stringify(event ?? null)) as unknown, context);
      const result = timeoutMs === undefined ? await running : await withTimeout(running, timeoutMs);
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    } finally {
      this.counters.lambda(functionId, performance.now() - started);
    }
  }
}
