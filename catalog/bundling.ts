// How every Lambda is bundled, in one place: the stack hands these settings to NodejsFunction (which runs esbuild
// for `cdk synth`), and the local bundle builder and the cold-start bench hand the same settings to esbuild's API,
// so the bundles the tests and benchmarks run are the bundles AWS runs. Plain data: no CDK import, so the builder
// and the bench load fast.

/** ESM bundles that pull in CommonJS dependencies need `require`; esbuild does not provide it in ESM output. */
export const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const lambdaBundling = {
  format: 'esm',
  /** The Lambda runtime, Node.js 22. */
  target: 'node22',
  platform: 'node',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  minify: true,
  /** A source map beside each bundle (`index.mjs.map`), applied by the runtime with `--enable-source-maps`. */
  sourceMap: true,
  sourcesContent: false,
  /**
   * The SDK versions pinned in the lockfile, bundled and minified: measured, this halves init time against the
   * runtime's SDK (about 180 ms against 370 ms per function), at the cost of bigger bundles (bench/README.md).
   */
  bundleAwsSdk: true,
  /** NodejsFunction names an ESM bundle `index.mjs` inside the function's asset. */
  outputFile: 'index.mjs',
} as const;

/** What `lambdaBundling` means to esbuild, as NodejsFunction passes it (see test/infra/bundling.test.ts). */
export const esbuildOptions = (settings: typeof lambdaBundling = lambdaBundling) => ({
  bundle: true,
  format: settings.format,
  target: settings.target,
  platform: settings.platform,
  mainFields: [...settings.mainFields],
  banner: { js: settings.banner },
  minify: settings.minify,
  sourcemap: settings.sourceMap,
  sourcesContent: settings.sourcesContent,
  // NodejsFunction leaves `@aws-sdk/*` to the runtime unless bundleAwsSDK is set.
  external: settings.bundleAwsSdk ? [] : ['@aws-sdk/*'],
  outExtension: { '.js': settings.outputFile.slice(settings.outputFile.lastIndexOf('.')) },
});
