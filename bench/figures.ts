// One figure of the bench: a value beside the baseline it is judged against (a floor measured in the same run, or
// the target), printed as one JSON line. Pure, so the smoke test can check the arithmetic.
import { round } from './stats';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The floor, ceiling or target the value is judged against; null only where the issue names none. */
  baseline: number | null;
  /** value / baseline, or null without a baseline. */
  ratio: number | null;
  /** Which direction is good: `lower` for latency, size, cost; `higher` for throughput. */
  better: 'lower' | 'higher';
  /** What the baseline is, in words. */
  baselineIs: string;
  /** Only where the baseline is a target: whether the value meets it. */
  met?: boolean;
  [detail: string]: Json | undefined;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  better: 'lower' | 'higher';
  baselineIs: string;
  /** The baseline is a target (adds `met`) rather than a measured floor. */
  target?: boolean;
  details?: Record<string, Json>;
}

const reserved = new Set(['name', 'value', 'unit', 'baseline', 'ratio', 'better', 'baselineIs', 'met']);

export const figure = (input: FigureInput): Figure => {
  const { name, value, unit, baseline, better, baselineIs } = input;
  const ratio =
    baseline === null || baseline === 0 || !Number.isFinite(value) ? null : round(value / baseline, 3);
  const result: Figure = {
    name,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio,
    better,
    baselineIs,
  };
  if (input.target && baseline !== null)
    result.met = better === 'lower' ? value <= baseline : value >= baseline;
  for (const [key, detail] of Object.entries(input.details ?? {})) {
    if (reserved.has(key)) throw new Error(`figure ${name}: detail "${key}" would overwrite a core field`);
    result[key] = detail;
  }
  return result;
};

/** Collects figures and prints each as one JSON line the moment it is known. */
export class FigureLog {
  readonly figures: Figure[] = [];

  constructor(private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  add(...figures: Figure[]): void {
    for (const item of figures) {
      this.figures.push(item);
      this.print(JSON.stringify(item));
    }
  }
}
