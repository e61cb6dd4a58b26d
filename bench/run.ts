// `npm run bench`: every benchmark of the issue "Benchmarks: intake, end to end, cost per order, cold start", one
// JSON line per figure on stdout, everything (figures, machine, date, timings) in bench/results.json, and the tables
// of the parts it ran in bench/README.md (not after `--quick`). Progress and problems go to stderr. See
// bench/README.md for what each figure means.
//
//   npm run bench                     all four parts
//   npm run bench -- cost intake      only these parts (cold_start, cost, intake, end_to_end)
//   npm run bench -- --quick          smaller runs, for trying the bench itself (results say so; README untouched)
import './quiet-env';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, arch, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureColdStart } from './cold-start';
import { costDaySeconds, measureCost } from './cost';
import { measureEndToEnd } from './end-to-end';
import { FigureLog, type Json } from './figures';
import { measureIntake } from './intake';
import { realisticMix } from './journeys';
import { loadPriceBook, priceBookName } from './pricing';
import { round } from './stats';
import { benchParts as parts, updateReadme, type BenchPart as Part } from './table';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((arg) => !arg.startsWith('--'));
for (const name of chosen) {
  if (!(parts as readonly string[]).includes(name)) {
    process.stderr.write(`unknown part "${name}"; parts: ${parts.join(', ')}\n`);
    process.exit(2);
  }
}
const selected: readonly Part[] = chosen.length > 0 ? (chosen as Part[]) : parts;

/** The settings of each part; `--quick` shrinks them. */
const settings = {
  coldStart: { runs: quick ? 3 : 7, sizeTargetKb: 250, initTargetFactor: 2 },
  cost: {
    ordersPerJourney: quick ? 5 : 20,
    concurrency: 1,
    daySeconds: costDaySeconds,
    prices: `bench/${priceBookName}`,
    coldStartShare: loadPriceBook().coldStartShare,
    mix: realisticMix,
  },
  intake: { connections: [1, 16, 64], seconds: quick ? 2 : 6, warmupSeconds: 1 },
  endToEnd: {
    orders: quick ? 100 : 500,
    daySeconds: 4,
    inFlight: 32,
    budgetMs: quick ? 60_000 : 240_000,
    orderTimeoutMs: 90_000,
    ceiling: { seconds: 3, inFlight: 16 },
  },
};

// Stdout carries figure lines only: anything else written there (a library's console output) goes to stderr.
const writeFigureLine = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
const log = new FigureLog((line) => writeFigureLine(`${line}\n`));
const note = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const timings: Record<string, number> = {};
const failures: Record<string, string> = {};
const extra: Record<string, Json> = {};

const gitCommit = (): string | null => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
};

const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  memoryGb: round(totalmem() / 1024 ** 3, 3),
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
});

const started = Date.now();
const loadAtStart = loadavg().map((value) => round(value, 3));
note(`parts: ${selected.join(', ')}${quick ? ' (quick)' : ''}; load average ${loadAtStart.join(' ')}`);

const phase = async (part: Part, work: () => Promise<void>) => {
  if (!selected.includes(part)) return;
  const t0 = Date.now();
  note(`${part}…`);
  try {
    await work();
  } catch (error) {
    failures[part] = error instanceof Error ? (error.stack ?? error.message) : String(error);
    note(`${part} failed: ${failures[part]}`);
  }
  timings[part] = round((Date.now() - t0) / 1000, 3);
  note(`${part} took ${timings[part]} s`);
};

await phase('cold_start', async () => {
  const result = await measureColdStart(settings.coldStart);
  log.add(...result.figures);
  extra.coldStartBundling = {
    settings: 'catalog/bundling.ts, the settings the stack bundles with',
    ...(JSON.parse(JSON.stringify(result.stackBundling)) as Record<string, Json>),
  };
});

await phase('cost', async () => {
  const { figures, usage } = await measureCost(settings.cost);
  log.add(...figures);
  extra.costUsage = JSON.parse(JSON.stringify(usage)) as Json;
});

await phase('intake', async () => {
  log.add(...(await measureIntake(settings.intake)));
});

await phase('end_to_end', async () => {
  const { figures } = await measureEndToEnd(settings.endToEnd);
  log.add(...figures);
});

const totalSeconds = round((Date.now() - started) / 1000, 3);
const results = {
  date: new Date(started).toISOString(),
  commit: gitCommit(),
  quick,
  parts: selected,
  machine: {
    ...machine(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((v) => round(v, 3)),
  },
  settings,
  secondsPerPart: timings,
  totalSeconds,
  failures,
  figures: log.figures,
  ...extra,
};
writeFileSync(
  fileURLToPath(new URL('./results.json', import.meta.url)),
  `${JSON.stringify(results, null, 2)}\n`,
);

if (quick) note('quick run: bench/README.md left as it is (its tables are of full runs)');
else {
  try {
    await updateReadme(results);
    note(`bench/README.md: tables of ${selected.join(', ')} replaced, each labelled with this run`);
  } catch (error) {
    failures.readme = error instanceof Error ? error.message : String(error);
    note(`bench/README.md not updated: ${failures.readme}`);
  }
}

const missed = log.figures.filter((item) => item.met === false).map((item) => item.name);
note(`done in ${totalSeconds} s; ${log.figures.length} figures; targets missed: ${missed.length}`);
for (const name of missed) note(`  missed: ${name}`);
// Parked workflow timers and the like would keep the process alive; everything is written.
process.exit(Object.keys(failures).length > 0 ? 1 : 0);
