// Intake: POST /orders under autocannon at a few connection counts, against the whole local system and against a
// bare Node HTTP server doing one PutItem per request on the same kind of store (the floor), each in a fresh
// server process of its own, one right after the other, so both see the same machine.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { CounterSnapshot } from '../local/counters';
import { figure, type Figure } from './figures';
import type { ChildMessage, ParentMessage } from './intake-server';
import { orderRequest, storefrontKey } from './local';
import { round } from './stats';

const serverFile = fileURLToPath(new URL('./intake-server.ts', import.meta.url));

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(mode: 'system' | 'baseline'): Promise<ServerProcess> {
    const child = fork(serverFile, [mode], {
      execArgv: ['--import', 'tsx'],
      // The child's stdout goes to our stderr: our stdout carries only figure lines.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`the ${mode} intake server did not start within 60 s`));
      }, 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${mode} intake server exited with ${code} before it was ready`));
      });
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve(new ServerProcess(child, message.url));
        else reject(new Error(`unexpected first message from the ${mode} intake server`));
      });
    });
  }

  counters(): Promise<CounterSnapshot & { cpuMs: number }> {
    return new Promise((resolve) => {
      const listener = (message: ChildMessage) => {
        if (message.type !== 'counters') return;
        this.child.off('message', listener);
        resolve({ ...message.snapshot, cpuMs: message.cpuMs });
      };
      this.child.on('message', listener);
      this.child.send({ type: 'counters' } satisfies ParentMessage);
    });
  }

  /** Waits until the workflows started so far have run as far as they go (transitions stop moving). */
  async quiet(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    let last = (await this.counters()).stateTransitions;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = (await this.counters()).stateTransitions;
      if (now === last) return;
      last = now;
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send({ type: 'stop' } satisfies ParentMessage);
    });
  }
}

let sequence = 0;

/**
 * autocannon posting the contract's order, each request with an externalId of its own. Ids are base 36: a run of
 * 13 or more digits that passes the Luhn check reads as a card number and the API rightly refuses the body.
 */
const load = (url: string, connections: number, seconds: number): Promise<autocannon.Result> => {
  const run = `intake-${Date.now().toString(36)}`;
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-api-key': storefrontKey },
    requests: [
      {
        method: 'POST',
        path: '/orders',
        setupRequest: (request) => {
          sequence += 1;
          return { ...request, body: JSON.stringify(orderRequest(`${run}-${sequence.toString(36)}`)) };
        },
      },
    ],
  });
};

interface LoadFigures {
  requestsPerSecond: number;
  /** The server process's CPU milliseconds per 2xx answer during the run. */
  cpuMsPerRequest: number;
  p50: number;
  p99: number;
  accepted: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

const summarize = (result: autocannon.Result, cpuMs: number): LoadFigures => ({
  requestsPerSecond: result['2xx'] / result.duration,
  cpuMsPerRequest: cpuMs / Math.max(1, result['2xx']),
  p50: result.latency.p50,
  p99: result.latency.p99,
  accepted: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  statusCodes: Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  ),
});

export interface IntakeOptions {
  connections: readonly number[];
  seconds: number;
  warmupSeconds: number;
}

const measureBaseline = async (connections: number, options: IntakeOptions): Promise<LoadFigures> => {
  const server = await ServerProcess.start('baseline');
  try {
    await load(server.url, connections, options.warmupSeconds);
    const before = await server.counters();
    const result = await load(server.url, connections, options.seconds);
    return summarize(result, (await server.counters()).cpuMs - before.cpuMs);
  } finally {
    await server.stop();
  }
};

const measureSystem = async (connections: number, options: IntakeOptions) => {
  const server = await ServerProcess.start('system');
  try {
    await load(server.url, connections, options.warmupSeconds);
    // The warm-up's workflows run to their wait for shipment before the clock starts.
    await server.quiet(30_000);
    const before = await server.counters();
    const loaded = await load(server.url, connections, options.seconds);
    const after = await server.counters();
    const result = summarize(loaded, after.cpuMs - before.cpuMs);
    return {
      result,
      background: {
        executionsStarted: after.executionsStarted - before.executionsStarted,
        workflowTransitions: after.stateTransitions - before.stateTransitions,
        workflowLambdaInvocations:
          after.lambdaInvocations - before.lambdaInvocations - (after.apiCalls - before.apiCalls),
      },
    };
  } finally {
    await server.stop();
  }
};

export const measureIntake = async (options: IntakeOptions): Promise<Figure[]> => {
  const figures: Figure[] = [];
  for (const connections of options.connections) {
    const floor = await measureBaseline(connections, options);
    const { result, background } = await measureSystem(connections, options);
    const name = (figureName: string) => `intake.c${connections}.${figureName}`;
    const floorIs = 'bare Node HTTP server, one PutItem per request, same SDK and store kind, same run';
    const details = {
      connections,
      seconds: options.seconds,
      accepted: result.accepted,
      non2xx: result.non2xx,
      errors: result.errors,
      statusCodes: result.statusCodes,
      baselineNon2xx: floor.non2xx + floor.errors,
    };
    figures.push(
      figure({
        name: name('requests_per_s'),
        value: result.requestsPerSecond,
        unit: 'req/s',
        better: 'higher',
        baseline: floor.requestsPerSecond,
        baselineIs: floorIs,
        details: {
          ...details,
          // Every accepted order starts a workflow that runs its first steps in the same process meanwhile.
          workflowsStartedDuringRun: background.executionsStarted,
          workflowTransitionsDuringRun: background.workflowTransitions,
          workflowLambdaInvocationsDuringRun: background.workflowLambdaInvocations,
          // CPU time of each server process per accepted request: other load on the machine hardly moves it.
          // The system's includes the workflow steps that ran meanwhile.
          cpuMsPerRequest: round(result.cpuMsPerRequest),
          baselineCpuMsPerRequest: round(floor.cpuMsPerRequest),
          cpuRatio: round(floor.cpuMsPerRequest / result.cpuMsPerRequest),
        },
      }),
      figure({
        name: name('latency_p50_ms'),
        value: result.p50,
        unit: 'ms',
        better: 'lower',
        baseline: floor.p50,
        baselineIs: floorIs,
        details: { connections },
      }),
      figure({
        name: name('latency_p99_ms'),
        value: result.p99,
        unit: 'ms',
        better: 'lower',
        baseline: floor.p99,
        baselineIs: floorIs,
        details: { connections, baselineRequestsPerS: round(floor.requestsPerSecond) },
      }),
    );
  }
  return figures;
};
