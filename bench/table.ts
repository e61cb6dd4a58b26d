// Turns bench/results.json into the "latest run" tables of bench/README.md.
//
//   npx tsx bench/table.ts           prints the tables
//   npx tsx bench/table.ts --write   replaces the tables in bench/README.md (between the latest-run markers)
import { readFileSync, writeFileSync } from 'node:fs';
import type { Figure } from './figures';

interface Results {
  date: string;
  commit: string | null;
  quick: boolean;
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
  figures: Figure[];
}

const cell = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : String(value);
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

const tables = (results: Results): string => {
  const byName = new Map(results.figures.map((item) => [item.name, item]));
  const lines: string[] = [];
  const { machine } = results;
  lines.push(
    `Run of ${results.date.slice(0, 10)} (${results.quick ? 'quick' : 'full'}; commit ${results.commit?.slice(0, 10) ?? 'unknown'}), ` +
      `${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}; ` +
      `${results.totalSeconds} s in all (${Object.entries(results.secondsPerPart)
        .map(([part, seconds]) => `${part} ${seconds} s`)
        .join(', ')}).`,
    '',
  );

  const empty = byName.get('cold_start.init_ms.EmptyHandler');
  if (empty) {
    const sizes = results.figures.filter((item) => item.name.startsWith('cold_start.bundle_size.'));
    lines.push(
      ...section(
        `**Cold start** (empty handler: ${empty.value} ms init; targets ≤ 250 KB, init ≤ 2 × empty)`,
        ['function', 'bundle KB', 'size', 'init ms (median)', 'init × empty', 'init', 'init CPU ms'],
        ['---', '---:', '---', '---:', '---:', '---', '---:'],
        sizes.map((size) => {
          const id = size.name.split('.').at(-1)!;
          const init = byName.get(`cold_start.init_ms.${id}`);
          const times = init && empty ? Math.round((init.value / empty.value) * 10) / 10 : null;
          return [
            id,
            cell(size.value),
            verdict(size),
            cell(init?.value),
            cell(times),
            verdict(init),
            cell(init?.cpuMs as number | undefined),
          ];
        }),
      ),
    );
  }

  const cost = results.figures.filter((item) => item.name.startsWith('cost.'));
  if (cost.length > 0) {
    lines.push(
      ...section(
        '**Cost per order**',
        ['figure', 'value', 'unit', 'target', ''],
        ['---', '---:', '---', '---:', '---'],
        cost.map((item) => [item.name, cell(item.value), item.unit, cell(item.baseline), verdict(item)]),
      ),
    );
  }

  const intake = results.figures.filter((item) => item.name.endsWith('.requests_per_s'));
  if (intake.length > 0) {
    lines.push(
      ...section(
        '**Intake** (`POST /orders`; floor: bare Node HTTP + one PutItem on dynalite, same run)',
        ['connections', 'req/s', 'floor req/s', 'ratio', 'p50 ms', 'floor p50', 'p99 ms', 'floor p99'],
        ['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
        intake.map((rps) => {
          const prefix = rps.name.replace(/\.requests_per_s$/, '');
          const p50 = byName.get(`${prefix}.latency_p50_ms`);
          const p99 = byName.get(`${prefix}.latency_p99_ms`);
          return [
            cell(rps.connections as number),
            cell(rps.value),
            cell(rps.baseline),
            cell(rps.ratio),
            cell(p50?.value),
            cell(p50?.baseline),
            cell(p99?.value),
            cell(p99?.baseline),
          ];
        }),
      ),
    );
  }

  const e2e = results.figures.filter((item) => item.name.startsWith('end_to_end.'));
  if (e2e.length > 0) {
    lines.push(
      ...section(
        '**End to end**',
        ['figure', 'value', 'unit', 'baseline', 'ratio'],
        ['---', '---:', '---', '---:', '---:'],
        e2e.map((item) => [item.name, cell(item.value), item.unit, cell(item.baseline), cell(item.ratio)]),
      ),
    );
  }
  return lines.join('\n');
};

const resultsFile = new URL('./results.json', import.meta.url);
const readmeFile = new URL('./README.md', import.meta.url);
const start = '<!-- latest-run:start -->';
const end = '<!-- latest-run:end -->';

const markdown = tables(JSON.parse(readFileSync(resultsFile, 'utf8')) as Results);
if (process.argv.includes('--write')) {
  const readme = readFileSync(readmeFile, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`bench/README.md has no ${start} … ${end} section`);
  writeFileSync(readmeFile, `${readme.slice(0, from + start.length)}\n\n${markdown}\n${readme.slice(to)}`);
} else {
  process.stdout.write(`${markdown}\n`);
}
