// Builds the Lambda bundles the stack deploys, one per catalog function, with the stack's esbuild settings
// (catalog/bundling.ts) in one esbuild call: `<outDir>/<FunctionId>/index.mjs` and its source map, the layout of a
// NodejsFunction asset. The local engine can run these instead of the TypeScript sources (`functions: 'bundles'`),
// so the suite exercises what AWS runs. `npx tsx local/bundles.ts [outDir]` builds them into `.bundles/`.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions, lambdaBundling } from '../catalog/bundling';
import { functionCatalog, type FunctionSpec } from '../catalog/functions';
import { projectPath, projectRoot } from '../catalog/paths';

/** Where bundles go by default (gitignored). */
export const defaultBundleDir = projectPath('.bundles');

export interface BuiltBundles {
  dir: string;
  /** The bundle file of each function id. */
  files: ReadonlyMap<string, string>;
  buildMs: number;
}

export const bundleFile = (dir: string, functionId: string): string =>
  join(dir, functionId, lambdaBundling.outputFile);

export const buildBundles = async (
  outDir: string = defaultBundleDir,
  specs: readonly Pick<FunctionSpec, 'id' | 'entry'>[] = functionCatalog,
): Promise<BuiltBundles> => {
  const started = performance.now();
  rmSync(outDir, { recursive: true, force: true });
  await build({
    ...esbuildOptions(),
    entryPoints: specs.map((spec) => ({ in: resolve(projectRoot, spec.entry), out: join(spec.id, 'index') })),
    outdir: outDir,
    absWorkingDir: projectRoot,
    logLevel: 'error',
  });
  return {
    dir: outDir,
    files: new Map(specs.map((spec) => [spec.id, bundleFile(outDir, spec.id)])),
    buildMs: performance.now() - started,
  };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = resolve(process.argv[2] ?? defaultBundleDir);
  const built = await buildBundles(outDir);
  console.log(`${built.files.size} bundles in ${outDir} (${Math.round(built.buildMs)} ms)`);
}
