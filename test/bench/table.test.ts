// The "latest run" block of bench/README.md: a run replaces the sections of the parts it ran, keeps the others with
// the label of their own run, and refuses to mix a partial run into tables that name no run.
import { describe, expect, it } from 'vitest';
import { figure } from '../../bench/figures';
import { latestRunEnd, latestRunStart, partSection, writeLatestRun, type Results } from '../../bench/table';

const run = (patch: Partial<Results>): Results => ({
  date: '2026-11-25T18:49:18.391Z',
  commit: '93636592480e929f15c6849deaa973e81a7fe50b',
  quick: false,
  parts: ['cold_start', 'cost', 'intake', 'end_to_end'],
  machine: {
    cpu: 'AMD EPYC',
    cpus: 2,
    memoryGb: 23.5,
    os: 'linux',
    node: 'v20.20.2',
    loadAverageAtStart: [1, 2, 3],
  },
  totalSeconds: 200,
  secondsPerPart: { cold_start: 45, cost: 30, intake: 64, end_to_end: 95 },
  failures: {},
  figures: [],
  ...patch,
});

const usd = (journey: string, value: number, byService: Record<string, number> = {}) => [
  figure({
    name: `cost.${journey}.usd_per_1000_orders_excluding_sms`,
    value,
    unit: 'USD/1000 orders',
    baseline: 1,
    target: true,
    better: 'lower',
    baselineIs: 'target',
    details: journey === 'mix' ? { mix: { happy_path: 1 } } : {},
  }),
  figure({
    name: `cost.${journey}.usd_per_1000_orders_including_sms`,
    value: value + 30,
    unit: 'USD/1000 orders',
    baseline: null,
    better: 'lower',
    baselineIs: 'none',
    details: { byService, prices: 'bench/prices-2026-11.json (us-east-1, list prices as of 2026-11)' },
  }),
];

const e2e = (value: number) =>
  figure({
    name: 'end_to_end.delivered_orders_per_s',
    value,
    unit: 'orders/s',
    baseline: 10,
    better: 'higher',
    baselineIs: 'ceiling',
  });

const readme = (block: string) =>
  `# Bench\n\nintro\n\n${latestRunStart}\n${block}\n${latestRunEnd}\n\nafter\n`;
const blockOf = (text: string) => text.slice(text.indexOf(latestRunStart), text.indexOf(latestRunEnd));

describe('latest-run block of bench/README.md', () => {
  it('replaces the whole block after a run of every part, each part labelled with the run', () => {
    // Prepare
    const full = run({
      figures: [...usd('happy_path', 0.98, { stepFunctions: 0.45 }), ...usd('mix', 1.02), e2e(5)],
    });

    // Act
    const text = writeLatestRun(readme('old tables of no run'), full);

    // Assess
    expect(text.startsWith('# Bench\n\nintro\n\n')).toBe(true);
    expect(text.endsWith(`${latestRunEnd}\n\nafter\n`)).toBe(true);
    expect(text).not.toContain('old tables of no run');
    const block = blockOf(text);
    for (const part of ['cold_start', 'cost', 'intake', 'end_to_end'])
      expect(block).toContain(`<!-- part:${part} -->`);
    expect(block.match(/_Run of 2026-11-25 18:49 UTC \(full, all parts; commit 9363659248\)/g)).toHaveLength(
      4,
    );
    expect(block).toMatch(/\| Step Functions +\| +0\.45 \| +– \|/);
    expect(block).toMatch(/\| mix +\| +100 % \|/);
    expect(block).toMatch(/cost\.mix\.usd_per_1000_orders_excluding_sms \| +1\.02 \|.*\*\*missed\*\*/);
    expect(block).toContain('end_to_end.delivered_orders_per_s');
  });

  it('replaces only the tables of the parts a partial run measured, and keeps the others with their run', () => {
    // Prepare
    const earlier = writeLatestRun(readme(''), run({ figures: [...usd('happy_path', 0.98), e2e(5)] }));
    const costOnly = run({
      date: '2026-12-03T07:00:00.000Z',
      commit: 'abcdef0123456789',
      parts: ['cost'],
      secondsPerPart: { cost: 31 },
      figures: usd('happy_path', 1.13),
    });

    // Act
    const text = writeLatestRun(earlier, costOnly);

    // Assess
    const block = blockOf(text);
    const cost = block.slice(block.indexOf('<!-- part:cost -->'), block.indexOf('<!-- part:intake -->'));
    expect(cost).toContain('_Run of 2026-12-03 07:00 UTC (full, parts: cost; commit abcdef0123)');
    expect(cost).toContain('1.13');
    expect(cost).not.toContain('0.98');
    const endToEnd = block.slice(block.indexOf('<!-- part:end_to_end -->'));
    expect(endToEnd).toContain('_Run of 2026-11-25 18:49 UTC (full, all parts; commit 9363659248)');
    expect(endToEnd).toContain('end_to_end.delivered_orders_per_s');
    expect(writeLatestRun(text, costOnly)).toBe(text);
  });

  it('refuses a partial run into tables that name no run', () => {
    expect(() => writeLatestRun(readme('**Cost per order**\n\n| a |'), run({ parts: ['cost'] }))).toThrow(
      /name no run/,
    );
  });

  it('says that a part failed rather than showing no table or an older one', () => {
    // Act
    const section = partSection(
      run({ parts: ['intake'], failures: { intake: 'Error: port in use' } }),
      'intake',
    );

    // Assess
    expect(section).toContain('<!-- part:intake -->');
    expect(section).toContain('**Intake**: failed in this run');
  });

  it('refuses a README without the markers', () => {
    expect(() => writeLatestRun('# Bench\n', run({}))).toThrow(/latest-run/);
  });
});
