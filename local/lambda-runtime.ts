// Runs the project's Lambda handlers in this process as Lambda would: JSON in, JSON out (a deep copy each way,
// so no handler shares objects with the engine), a fresh context per invocation, and a count of invocations and
// their duration per function for the cost model.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Counters } from './counters';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaRuntime {
  private readonly handlers = new Map<string, LambdaHandler>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly counters: Counters) {}

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
    const deadline = Date.now() + 60_000;
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
      const result = await handler(JSON.parse(JSON.stringify(event ?? null)) as unknown, context);
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    } finally {
      this.counters.lambda(functionId, performance.now() - started);
    }
  }
}
