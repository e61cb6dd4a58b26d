// The Node.js the bundles run on in the suite: the Lambda runtime's major version (22), from the npm registry's
// `node-<platform>-<arch>` package, fetched once into `.cache/` (not a dependency: its `node` bin would take over
// every npm script). ORDERFLOW_LAMBDA_NODE names a binary instead; on a platform the package does not cover, the
// bundles run on the current Node and the caller is told so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../catalog/paths';

/** The Node.js version Lambda's `nodejs22.x` runtime runs, as a registry package version. */
export const lambdaNodeVersion = '22.23.5';

export interface LambdaNode {
  /** The binary, or undefined for the current process's Node. */
  binary: string | undefined;
  /** Why the current Node is used, when it is. */
  fallback?: string;
}

export const resolveLambdaNode = (env: NodeJS.ProcessEnv = process.env): LambdaNode => {
  if (env.ORDERFLOW_LAMBDA_NODE) return { binary: env.ORDERFLOW_LAMBDA_NODE };
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
    return { binary: undefined, fallback: `no node-${process.platform}-${process.arch} package is fetched` };
  }
  const name = `node-linux-${process.arch}`;
  const cache = projectPath('.cache', `${name}-${lambdaNodeVersion}`);
  const binary = join(cache, 'package', 'bin', 'node');
  if (existsSync(binary)) return { binary };
  mkdirSync(projectPath('.cache'), { recursive: true });
  // Fetched into a fresh folder and moved into place at once, so test files starting together cannot see half.
  const work = mkdtempSync(join(projectPath('.cache'), 'fetch-'));
  try {
    const tarball = execFileSync(
      'npm',
      ['pack', `${name}@${lambdaNodeVersion}`, '--silent', '--pack-destination', work],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    try {
      renameSync(work, cache);
    } catch {
      // another test file put it in place first
    }
    return { binary };
  } catch (error) {
    return {
      binary: undefined,
      fallback: `${name}@${lambdaNodeVersion} could not be fetched: ${String(error)}`,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
