// Runs the deployed bundles (local/bundles.ts) as Lambda does: in a separate Node process (local/bundle-worker.mjs)
// with only the environment the stack sets plus local endpoints, calling each bundle's `handler` export. Nothing
// of this process reaches the bundles but JSON: events in, results or `{errorType, errorMessage}` out. The Node
// binary is the current one unless `node` names another (ORDERFLOW_LAMBDA_NODE, e.g. a Node.js 22 as in Lambda).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LambdaHandler } from './lambda-runtime';

const workerFile = fileURLToPath(new URL('./bundle-worker.mjs', import.meta.url));

type Reply =
  | { ready: string }
  | { id: number; result: unknown }
  | { id: number; error: { errorType: string; errorMessage: string } };

/** An error as the Lambda service reports it: its type is the thrown error's name. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(errorMessage);
    this.name = errorType;
  }
}

export interface BundleRuntime {
  /** The worker's Node version, e.g. `v22.23.5`. */
  nodeVersion: string;
  /** The handler of one bundle, as the local Lambda runtime invokes it (with its context). */
  handler(file: string): LambdaHandler;
  stop(): Promise<void>;
}

export const startBundleRuntime = async (options: {
  environment: Readonly<Record<string, string>>;
  node?: string | undefined;
}): Promise<BundleRuntime> => {
  const child: ChildProcess = fork(workerFile, [], {
    execPath: options.node ?? process.execPath,
    // The stack sets NODE_OPTIONS=--enable-source-maps; nothing of this process's flags (tsx, vitest) goes along.
    execArgv: ['--enable-source-maps'],
    env: { PATH: process.env.PATH ?? '', ...options.environment },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let sequence = 0;
  let exited = false;
  const nodeVersion = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bundle runtime exited at start (code ${code})`)));
    child.once('message', (message: Reply) => resolve('ready' in message ? message.ready : ''));
  });
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    exited = true;
    for (const { reject } of pending.values()) {
      reject(new LambdaFunctionError('Runtime.ExitError', `the bundle runtime exited (${code ?? signal})`));
    }
    pending.clear();
  });
  child.on('message', (message: Reply) => {
    if (!('id' in message)) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (!waiting) return;
    if ('error' in message)
      waiting.reject(new LambdaFunctionError(message.error.errorType, message.error.errorMessage));
    else waiting.resolve(message.result);
  });
  return {
    nodeVersion,
    handler: (file) => (event, context) =>
      new Promise((resolve, reject) => {
        if (exited)
          return reject(new LambdaFunctionError('Runtime.ExitError', 'the bundle runtime has exited'));
        const id = (sequence += 1);
        pending.set(id, { resolve, reject });
        // The context's plain fields (JSON leaves its functions out) and its deadline; the worker gives back its clock.
        const fields = JSON.parse(JSON.stringify(context)) as Record<string, unknown>;
        const deadline = Date.now() + context.getRemainingTimeInMillis();
        child.send({ id, file, event, context: { ...fields, deadline } });
      }),
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      await gone;
    },
  };
};
