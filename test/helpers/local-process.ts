// Runs `npm start`'s entry point (local/main.ts) as a process of its own, as a developer runs it, so a test can
// kill it without warning (SIGKILL: no shutdown code runs) and start it again on the same data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../catalog/paths';

export interface LocalProcess {
  /** The API's base URL, known once the process says it is running. */
  url: string;
  pid: number;
  /** Milliseconds from the spawn to the "is running" line (every resumed execution in place). */
  startupMs: number;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop, as Ctrl-C), then waits for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** What the process wrote to stderr so far (for a failure's message). */
  stderr(): string;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/**
 * Starts `node --import tsx local/main.ts` with the given environment (on top of this process's) and resolves once
 * it prints where it serves; fails with its output when it exits first or takes longer than `timeoutMs`.
 */
export const startLocalProcess = (
  environment: Record<string, string>,
  timeoutMs = 60_000,
): Promise<LocalProcess> =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`local/main.ts did not start within ${timeoutMs} ms`), timeoutMs);
    child.on('exit', (code, signal) => {
      if (!ready) fail(`local/main.ts exited (${code ?? signal}) before it ran`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /API and dashboard +(http:\/\/\S+)\n/.exec(stdout);
      if (!match || ready) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        pid: child.pid!,
        startupMs: Date.now() - started,
        async kill() {
          child.kill('SIGKILL');
          await exited(child);
        },
        async stop() {
          child.kill('SIGTERM');
          return exited(child);
        },
        stderr: () => stderr,
      });
    });
  });
