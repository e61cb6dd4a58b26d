// Turns a run's results (bench/results.json) into the "latest run" tables of bench/README.md. `npm run bench` writes
// them itself at the end of a run that is not `--quick`; this file can also be run by hand:
//
//   npx tsx bench/table.ts           prints the tables of bench/results.json
//   npx tsx bench/table.ts --write   puts them into bench/README.md (between the latest-run markers)
//
// Each part's tables are a section of their own, labelled with the run they come from. A run replaces the sections
// of the parts it ran and keeps the others, so after a partial run every table still says which run it is from.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { Figure, Json } from './figures';
import { serviceNames, services } from './pricing';

/** The parts of the bench, in the order the README shows them. */
export const benchParts = ['cold_start', 'cost', 'intake', 'end_to_end'] as const;
export type BenchPart = (typeof benchParts)[number];

export interface Results {
  date: string;
  commit: string | null;
  quick: boolean;
  parts: readonly string[];
  machine: {
    cpu: string;
    cpus: number;
    memoryGb: number;
    os: string;
    node: string;
    loadAverageAtStart: number[];
  };
  totalSeconds: number;
  secondsPerPart: Record<string, number>;
  failures?: Record<string, string>;
  figures: Figure[];
}

const cell = (value: Json | undefined): string =>
  value === null || value === undefined
    ? '–'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
const verdict = (item: Figure | undefined): string =>
  item?.met === undefined ? '' : item.met ? 'met' : '**missed**';
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** A titled markdown table: the header row, its alignment row (`---` or `---:` per column), the rows, a blank line. */
const section = (
  title: string,
  header: readonly string[],
  align: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string[] => [title, '', row(header), row(align), ...rows.map(row), ''];

const partTitles: Record<BenchPart, string> = {
  cold_start: 'Cold start',
  cost: 'Cost per order',
  intake: 'Intake',
  end_to_end: 'End to end',
};

/** Which run a part's tables come from: when, which settings and commit, on what machine, how long the part took. */
export const runLabel = (results: Results, part: BenchPart): string => {
  const { machine } = results;
  const when = `${results.date.slice(0, 10)} ${results.date.slice(11, 16)} UTC`;
  const scope =
    results.parts.length === benchParts.length ? 'all parts' : `parts: ${results.parts.join(', ')}`;
  const seconds = results.secondsPerPart[part];
  return (
    `_Run of ${when} (${results.quick ? 'quick' : 'full'}, ${scope}; commit ` +
    `${results.commit?.slice(0, 10) ?? 'unknown'}), ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB, ` +
    `${machine.os}, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(' / ')}` +
    `${seconds === undefined ? '' : `; ${part} took ${seconds} s`}._`
  );
};

const coldStartTables = (results: Results, byName: Map<string, Figure>): string[] => {
  const empty = byName.get('cold_start.init_ms.EmptyHandler');
  if (!empty) return [];
  const sizes = results.figures.filter((item) => item.name.startsWith('cold_start.bundle_size.'));
  const floor = byName.get('cold_start.bundle_size.TableFloor');
  const floorNote = floor ? `; a function with a table starts from ${floor.value} KB (TableFloor)` : '';
  return section(
    `**Cold start** (empty handler: ${empty.value} ms init; targets ≤ 250 KB, init ≤ 2 × empty${floorNote})`,
    [
      'function',
      'bundle KB',
      'size',
      'over table floor KB',
      'init ms (median)',
      'init × empty',
      'init',
      'init CPU ms',
    ],
    ['---', '---:', '---', '---:', '---:', '---:', '---', '---:'],
    sizes.map((size) => {
      const id = size.name.split('.').at(-1)!;
      const init = byName.get(`cold_start.init_ms.${id}`);
      const times = init ? Math.round((init.value / empty.value) * 10) / 10 : null;
      return [
        id,
        cell(size.value),
        verdict(size),
        cell(size.overTableFloorKb),
        cell(init?.value),
        cell(times),
        verdict(init),
        cell(init?.cpuMs),
      ];
    }),
  );
};

const costTables = (results: Results, byName: Map<string, Figure>): string[] => {
  const cost = results.figures.filter((item) => item.name.startsWith('cost.'));
  if (cost.length === 0) return [];
  const journeys = [...new Set(cost.map((item) => item.name.split('.')[1]!))];
  const mixFigure = byName.get('cost.mix.usd_per_1000_orders_excluding_sms');
  const mix = (mixFigure?.mix ?? {}) as Record<string, number>;
  const value = (journey: string, name: string) => cell(byName.get(`cost.${journey}.${name}`)?.value);
  const share = (journey: string) =>
    journey === 'mix'
      ? '100 %'
      : mix[journey] === undefined
        ? '–'
        : `${Math.round(mix[journey] * 1000) / 10} %`;
  const lines = section(
    '**Cost per order by journey** (`mix`: the journeys weighted by their share of orders)',
    [
      'journey',
      'share',
      'transitions',
      'writes',
      'writes w/o sandbox',
      'WRU',
      'RRU',
      'invocations',
      'messages',
      'USD/1000 excl. SMS',
      'USD/1000 incl. SMS',
    ],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    journeys.map((journey) => [
      journey,
      share(journey),
      value(journey, 'state_transitions'),
      value(journey, 'store_writes'),
      value(journey, 'store_writes_without_sandbox'),
      value(journey, 'write_request_units'),
      value(journey, 'read_request_units'),
      value(journey, 'lambda_invocations'),
      value(journey, 'messages'),
      value(journey, 'usd_per_1000_orders_excluding_sms'),
      value(journey, 'usd_per_1000_orders_including_sms'),
    ]),
  );

  const columns = ['happy_path', 'mix'].filter((journey) =>
    byName.has(`cost.${journey}.usd_per_1000_orders_including_sms`),
  );
  if (columns.length > 0) {
    const byService = (journey: string) =>
      (byName.get(`cost.${journey}.usd_per_1000_orders_including_sms`)?.byService ?? {}) as Record<
        string,
        number
      >;
    const prices = byName.get(`cost.${columns[0]}.usd_per_1000_orders_including_sms`)?.prices;
    lines.push(
      ...section(
        `**Cost by service**, USD per 1,000 orders — prices: ${cell(prices)}`,
        ['service', ...columns],
        ['---', ...columns.map(() => '---:')],
        [
          ...services.map((service) => [
            serviceNames[service],
            ...columns.map((journey) => cell(byService(journey)[service])),
          ]),
          ['**total excluding SMS**', ...columns.map((j) => value(j, 'usd_per_1000_orders_excluding_sms'))],
          ['**total including SMS**', ...columns.map((j) => value(j, 'usd_per_1000_orders_including_sms'))],
        ],
      ),
    );
  }

  const targets = cost.filter((item) => item.met !== undefined);
  if (targets.length > 0) {
    lines.push(
      ...section(
        '**Cost targets**',
        ['figure', 'value', 'unit', 'target', ''],
        ['---', '---:', '---', '---:', '---'],
        targets.map((item) => [item.name, cell(item.value), item.unit, cell(item.baseline), verdict(item)]),
      ),
    );
  }
  return lines;
};

const intakeTables = (results: Results, byName: Map<string, Figure>): string[] => {
  const intake = results.figures.filter((item) => item.name.endsWith('.requests_per_s'));
  if (intake.length === 0) return [];
  return section(
    '**Intake** (`POST /orders`; floor: bare Node HTTP + one PutItem on dynalite, same run)',
    ['connections', 'req/s', 'floor req/s', 'ratio', 'p50 ms', 'floor p50', 'p99 ms', 'floor p99'],
    ['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    intake.map((rps) => {
      const prefix = rps.name.replace(/\.requests_per_s$/, '');
      const p50 = byName.get(`${prefix}.latency_p50_ms`);
      const p99 = byName.get(`${prefix}.latency_p99_ms`);
      return [
        cell(rps.connections),
        cell(rps.value),
        cell(rps.baseline),
        cell(rps.ratio),
        cell(p50?.value),
        cell(p50?.baseline),
        cell(p99?.value),
        cell(p99?.baseline),
      ];
    }),
  );
};

const endToEndTables = (results: Results): string[] => {
  const e2e = results.figures.filter((item) => item.name.startsWith('end_to_end.'));
  if (e2e.length === 0) return [];
  return section(
    '**End to end**',
    ['figure', 'value', 'unit', 'baseline', 'ratio'],
    ['---', '---:', '---', '---:', '---:'],
    e2e.map((item) => [item.name, cell(item.value), item.unit, cell(item.baseline), cell(item.ratio)]),
  );
};

/** The section of one part the run measured: its label, then its tables (or why there are none). */
export const partSection = (results: Results, part: BenchPart): string => {
  const byName = new Map(results.figures.map((item) => [item.name, item]));
  const tables = {
    cold_start: () => coldStartTables(results, byName),
    cost: () => costTables(results, byName),
    intake: () => intakeTables(results, byName),
    end_to_end: () => endToEndTables(results),
  }[part]();
  const failed = results.failures?.[part] !== undefined;
  const body =
    failed || tables.length === 0
      ? [
          `**${partTitles[part]}**: ${failed ? 'failed in this run' : 'no figures in this run'} (see \`failures\` in ` +
            'bench/results.json of that run); the tables of an earlier run are not kept beside it.',
          '',
        ]
      : tables;
  return [`<!-- part:${part} -->`, '', runLabel(results, part), '', ...body].join('\n');
};

export const latestRunStart = '<!-- latest-run:start -->';
export const latestRunEnd = '<!-- latest-run:end -->';
const partMarker = /^<!-- part:([a-z_]+) -->$/m;

/** The sections between the markers, by part; refuses content outside any part section. */
const sectionsOf = (block: string): Map<string, string> => {
  const sections = new Map<string, string>();
  const pieces = block.split(/^(?=<!-- part:[a-z_]+ -->$)/m);
  for (const piece of pieces) {
    const text = piece.trim();
    if (text === '') continue;
    const part = partMarker.exec(text)?.[1];
    if (!part || !text.startsWith('<!-- part:'))
      throw new Error(
        'bench/README.md has latest-run tables that name no run (no <!-- part:… --> sections): run the whole bench ' +
          '(`npm run bench`) to replace them all',
      );
    sections.set(part, text);
  }
  return sections;
};

/**
 * The README with this run's sections in place of the same parts' earlier ones; the sections of parts the run did
 * not measure stay as they are, each with the label of its own run.
 */
export const writeLatestRun = (readme: string, results: Results): string => {
  const from = readme.indexOf(latestRunStart);
  const to = readme.indexOf(latestRunEnd);
  if (from < 0 || to < from)
    throw new Error(`bench/README.md has no ${latestRunStart} … ${latestRunEnd} section`);
  const ran = benchParts.filter((part) => results.parts.includes(part));
  const wholeRun = ran.length === benchParts.length;
  const sections = wholeRun
    ? new Map<string, string>()
    : sectionsOf(readme.slice(from + latestRunStart.length, to));
  for (const part of ran) sections.set(part, partSection(results, part));
  const ordered = benchParts.flatMap((part) => {
    const text = sections.get(part);
    return text === undefined ? [] : [text.trimEnd()];
  });
  return `${readme.slice(0, from + latestRunStart.length)}\n\n${ordered.join('\n\n')}\n\n${readme.slice(to)}`;
};

export const resultsFile = new URL('./results.json', import.meta.url);
export const readmeFile = new URL('./README.md', import.meta.url);

/** Writes the run's sections into bench/README.md, laid out as the project's formatter lays out markdown. */
export const updateReadme = async (results: Results, file: URL = readmeFile): Promise<void> => {
  const path = fileURLToPath(file);
  const text = writeLatestRun(readFileSync(file, 'utf8'), results);
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(file, await format(text, { ...options, filepath: path }));
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  if (process.argv.includes('--write')) await updateReadme(results);
  else
    process.stdout.write(
      `${benchParts
        .filter((part) => results.parts.includes(part))
        .map((part) => partSection(results, part))
        .join('\n\n')}\n`,
    );
}
