// Cold start: bundles every Lambda of the catalog as the CDK stack does (the settings of catalog/bundling.ts), an
// empty handler and one that imports only the logger the same way, reports each bundle's size, and times its
// module initialisation in fresh Node processes (import the bundle, stop the clock when the import resolves),
// interleaving the bundles run by run so a change in machine load hits them all alike. The logger-only handler
// gives the logger's own init cost, which every function pays (`loggerOwnMs`, `initTargetWithLoggerMs`). A third
// reference, the logger plus one DynamoDB read through the document client the functions use, is the floor of any
// function with a table: the SDK's share that no composition of ours can take off (`overTableFloorKb`).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, lambdaBundling } from '../catalog/bundling';
import { functionCatalog } from '../catalog/functions';
import { projectRoot } from '../catalog/paths';
import { figure, type Figure, type Json } from './figures';
import { median, round } from './stats';

const run = promisify(execFile);

export const kb = (bytes: number): number => bytes / 1024;

/** Bytes in the bundle per npm package (scoped packages whole), the project's own code as `(project)`. */
export const bytesByPackage = (inputs: Metafile['outputs'][string]['inputs']): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const name = match?.[1] ?? '(project)';
    totals[name] = (totals[name] ?? 0) + bytesInOutput;
  }
  return totals;
};

interface Bundle {
  id: string;
  file: string;
  bytes: number;
  mapBytes: number;
  /** The same entry with `@aws-sdk/*` left to the runtime (what `bundleAwsSDK: false` would ship). */
  sdkExternalBytes: number;
  packages: Record<string, number>;
}

/** The six packages that weigh most in a bundle, in KB. */
const topPackagesKb = (item: Bundle): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(item.packages)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 6)
      .map(([name, bytes]) => [name, round(kb(bytes), 3)]),
  );

interface Built {
  file: string;
  bytes: number;
  mapBytes: number;
  inputs: Metafile['outputs'][string]['inputs'];
}

/**
 * Bundles every entry in one esbuild call (each entry still gets a bundle of its own: no code splitting), into
 * `<outDir>/<variant>/<id>/index.mjs` as NodejsFunction lays out its asset.
 */
const bundleAll = async (
  entries: readonly { id: string; entry: string }[],
  outDir: string,
  variant: 'stack' | 'sdk-external',
): Promise<Map<string, Built>> => {
  const stack = esbuildOptions();
  const result = await build({
    entryPoints: entries.map(({ id, entry }) => ({ in: entry, out: join(id, 'index') })),
    outdir: join(outDir, variant),
    ...stack,
    external: variant === 'sdk-external' ? ['@aws-sdk/*'] : stack.external,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: projectRoot,
  });
  const built = new Map<string, Built>();
  for (const { id } of entries) {
    const file = join(outDir, variant, id, 'index.mjs');
    const output = Object.entries(result.metafile.outputs).find(([name]) =>
      name.endsWith(`${variant}/${id}/index.mjs`),
    )?.[1];
    if (!output) throw new Error(`esbuild wrote no bundle for ${id}`);
    built.set(id, {
      file,
      bytes: statSync(file).size,
      mapBytes: statSync(`${file}.map`).size,
      inputs: output.inputs,
    });
  }
  return built;
};

const bundle = async (
  entries: readonly { id: string; entry: string }[],
  outDir: string,
): Promise<Bundle[]> => {
  const full = await bundleAll(entries, outDir, 'stack');
  const lean = await bundleAll(entries, outDir, 'sdk-external');
  return entries.map(({ id }) => {
    const stack = full.get(id)!;
    return {
      id,
      file: stack.file,
      bytes: stack.bytes,
      mapBytes: stack.mapBytes,
      sdkExternalBytes: lean.get(id)!.bytes,
      packages: bytesByPackage(stack.inputs),
    };
  });
};

/** Imports a module in a fresh Node process and prints how long the import took. */
const timerSource = `const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[2]);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));
`;

interface InitTime {
  /** Wall clock from the import's start until it resolved: the figure. */
  wallMs: number;
  /** CPU time the process spent meanwhile (all its threads): less sensitive to other load on the machine. */
  cpuMs: number;
}

/** The environment a function starts with: what the stack sets that is read at import time, nothing of ours. */
const lambdaEnvironment = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_SERVICE_NAME: 'orderflow',
  ORDERS_TABLE: 'Orders',
  INVENTORY_TABLE: 'Inventory',
};

const initTime = async (timer: string, file: string): Promise<InitTime> => {
  // NODE_OPTIONS=--enable-source-maps is what the stack sets: Node then reads each bundle's map at load.
  const { stdout } = await run(process.execPath, ['--enable-source-maps', timer, pathToFileURL(file).href], {
    env: lambdaEnvironment,
    cwd: tmpdir(),
  });
  const time = JSON.parse(stdout) as InitTime;
  if (!Number.isFinite(time.wallMs))
    throw new Error(`init timer printed ${JSON.stringify(stdout)} for ${file}`);
  return time;
};

export interface ColdStartOptions {
  runs: number;
  /** KB (1,024 bytes) per bundle. */
  sizeTargetKb: number;
  /** Init time as a multiple of the empty handler's. */
  initTargetFactor: number;
}

export interface ColdStartResult {
  figures: Figure[];
  /** The settings the bundles were built with: the stack's own (catalog/bundling.ts). */
  stackBundling: typeof lambdaBundling;
  emptyInitMs: number;
}

export const measureColdStart = async (options: ColdStartOptions): Promise<ColdStartResult> => {
  // Inside the project, so that a bundle's external `@aws-sdk/*` imports resolve from node_modules, as they resolve
  // from the runtime's own SDK in Lambda (and their load time is part of the measured init).
  const cacheDir = join(projectRoot, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'orderflow-bench-cold-start-'));
  try {
    const emptyEntry = join(outDir, 'empty-handler.ts');
    writeFileSync(emptyEntry, "export const handler = async () => ({ statusCode: 200, body: '' });\n");
    // The empty handler plus the Powertools logger every function imports: what the logger alone costs at init.
    const loggerEntry = join(outDir, 'logger-handler.ts');
    writeFileSync(
      loggerEntry,
      `import { logger } from ${JSON.stringify(join(projectRoot, 'functions/runtime/observability'))};\n` +
        "export const handler = async () => { logger.info('invoked'); return { statusCode: 200, body: '' }; };\n",
    );
    // The logger and one GetItem through the project's document client: the least a function with a table ships.
    const tableEntry = join(outDir, 'table-handler.ts');
    writeFileSync(
      tableEntry,
      `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n` +
        `import { GetCommand } from '@aws-sdk/lib-dynamodb';\n` +
        `import { documentClient } from ${JSON.stringify(join(projectRoot, 'functions/adapters/dynamo'))};\n` +
        `import { logger } from ${JSON.stringify(join(projectRoot, 'functions/runtime/observability'))};\n` +
        'const doc = documentClient(new DynamoDBClient({}));\n' +
        'export const handler = async (event: { id: string }) => {\n' +
        "  const { Item } = await doc.send(new GetCommand({ TableName: 'Orders', Key: { pk: event.id, sk: 'ORDER' } }));\n" +
        "  logger.info('read', { found: Item !== undefined });\n" +
        "  return { statusCode: 200, body: '' };\n" +
        '};\n',
    );
    const timer = join(outDir, 'init-timer.mjs');
    writeFileSync(timer, timerSource);

    const [empty, loggerOnly, tableFloor, ...bundles] = await bundle(
      [
        { id: 'EmptyHandler', entry: emptyEntry },
        { id: 'LoggerHandler', entry: loggerEntry },
        { id: 'TableFloor', entry: tableEntry },
        ...functionCatalog.map((spec) => ({ id: spec.id, entry: join(projectRoot, spec.entry) })),
      ],
      outDir,
    );
    if (!empty || !loggerOnly || !tableFloor) throw new Error('the reference handlers were not bundled');

    const everyBundle = [empty, loggerOnly, tableFloor, ...bundles];
    const times = new Map<string, InitTime[]>(everyBundle.map((b) => [b.id, []]));
    // One throwaway import warms the file cache and Node's own startup paths.
    await initTime(timer, empty.file);
    for (let run = 0; run < options.runs; run += 1) {
      for (const item of everyBundle) times.get(item.id)!.push(await initTime(timer, item.file));
    }
    const wall = (id: string) => times.get(id)!.map((time) => time.wallMs);
    const cpu = (id: string) => times.get(id)!.map((time) => time.cpuMs);
    const emptyMs = median(wall(empty.id));
    const emptyCpuMs = median(cpu(empty.id));
    const initTarget = emptyMs * options.initTargetFactor;
    // The logger's own init cost, and the target that allows for it (every function imports the logger).
    const loggerOwnMs = Math.max(0, median(wall(loggerOnly.id)) - emptyMs);
    const initTargetWithLogger = initTarget + loggerOwnMs;

    const figures: Figure[] = [
      figure({
        name: 'cold_start.init_ms.EmptyHandler',
        value: emptyMs,
        unit: 'ms',
        better: 'lower',
        baseline: null,
        baselineIs: 'the floor itself: an empty handler bundled and timed the same way',
        details: {
          bytes: empty.bytes,
          cpuMs: round(emptyCpuMs),
          runs: wall(empty.id).map((ms) => round(ms, 3)),
        },
      }),
      figure({
        name: 'cold_start.init_ms.LoggerHandler',
        value: median(wall(loggerOnly.id)),
        unit: 'ms',
        better: 'lower',
        baseline: emptyMs,
        baselineIs: 'the empty handler: the difference is what importing the Powertools logger costs',
        details: {
          bytes: loggerOnly.bytes,
          loggerOwnMs: round(loggerOwnMs, 3),
          cpuMs: round(median(cpu(loggerOnly.id))),
          runs: wall(loggerOnly.id).map((ms) => round(ms, 3)),
        },
      }),
      figure({
        name: 'cold_start.bundle_size.TableFloor',
        value: kb(tableFloor.bytes),
        unit: 'KB',
        better: 'lower',
        baseline: null,
        baselineIs:
          'the floor of a function with a table: the logger and one GetItem through the document client',
        details: {
          withSdkFromRuntimeKb: round(kb(tableFloor.sdkExternalBytes)),
          topPackagesKb: topPackagesKb(tableFloor),
        },
      }),
      figure({
        name: 'cold_start.init_ms.TableFloor',
        value: median(wall(tableFloor.id)),
        unit: 'ms',
        better: 'lower',
        baseline: emptyMs,
        baselineIs:
          'the empty handler: the difference is what the logger and the DynamoDB client cost at init',
        details: {
          cpuMs: round(median(cpu(tableFloor.id))),
          cpuRatioToEmpty: round(median(cpu(tableFloor.id)) / emptyCpuMs, 3),
          runs: wall(tableFloor.id).map((ms) => round(ms, 3)),
        },
      }),
    ];
    const tableIds = new Set(
      functionCatalog.filter((spec) => Object.keys(spec.tables).length > 0).map((spec) => spec.id),
    );
    for (const item of bundles) {
      const cpuMs = median(cpu(item.id));
      figures.push(
        figure({
          name: `cold_start.bundle_size.${item.id}`,
          value: kb(item.bytes),
          unit: 'KB',
          better: 'lower',
          baseline: options.sizeTargetKb,
          target: true,
          baselineIs: `issue target ≤ ${options.sizeTargetKb} KB (1 KB = 1,024 bytes) of bundled JavaScript`,
          details: {
            sourceMapKb: round(kb(item.mapBytes)),
            withSdkFromRuntimeKb: round(kb(item.sdkExternalBytes)),
            overTableFloorKb: tableIds.has(item.id) ? round(kb(item.bytes - tableFloor.bytes)) : null,
            topPackagesKb: topPackagesKb(item),
          },
        }),
        figure({
          name: `cold_start.init_ms.${item.id}`,
          value: median(wall(item.id)),
          unit: 'ms',
          better: 'lower',
          baseline: initTarget,
          target: true,
          baselineIs: `issue target ≤ ${options.initTargetFactor} × the empty handler's ${round(emptyMs, 3)} ms`,
          details: {
            emptyHandlerMs: round(emptyMs),
            loggerOwnMs: round(loggerOwnMs, 3),
            initTargetWithLoggerMs: round(initTargetWithLogger, 3),
            metWithLogger: median(wall(item.id)) <= initTargetWithLogger,
            cpuMs: round(cpuMs),
            cpuRatioToEmpty: round(cpuMs / emptyCpuMs, 3),
            runs: wall(item.id).map((ms) => round(ms, 3)),
          },
        }),
      );
    }
    return {
      figures,
      stackBundling: lambdaBundling,
      emptyInitMs: emptyMs,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};
