// Small inline SVG charts drawn here (no library): horizontal bars for counts by reason, a line for a figure per
// day, columns for a count per day. Each scales to its container's width through its viewBox.
import { h, svg } from './dom.js';

const WIDTH = 320;
const PLOT_HEIGHT = 120;
const PAD = { top: 10, right: 10, bottom: 22, left: 36 };

const figure = (name, title, chart, empty) =>
  h(
    'figure',
    { class: 'chart', dataset: { chart: name } },
    h('figcaption', { text: title }),
    chart ?? h('p', { class: 'muted empty', text: empty }),
  );

/** Counts by reason, largest first, as horizontal bars with their values. */
export const barChart = ({ name, title, entries, empty }) => {
  const rows = Object.entries(entries ?? {})
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return figure(name, title, null, empty);
  const rowHeight = 24;
  const labelWidth = 130;
  const max = Math.max(...rows.map(([, value]) => value));
  const barSpace = WIDTH - labelWidth - 40;
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${rows.length * rowHeight + 4}`, role: 'img', 'aria-label': title },
    rows.map(([label, value], i) => {
      const y = i * rowHeight + 4;
      const width = Math.max(2, (value / max) * barSpace);
      return svg(
        'g',
        { class: 'bar', dataset: { label } },
        svg(
          'text',
          { x: labelWidth - 6, y: y + 14, 'text-anchor': 'end', class: 'label' },
          label.replaceAll('_', ' '),
        ),
        svg(
          'rect',
          { x: labelWidth, y, width, height: rowHeight - 8, rx: 2 },
          svg('title', {}, `${label}: ${value}`),
        ),
        svg('text', { x: labelWidth + width + 4, y: y + 14, class: 'value' }, String(value)),
      );
    }),
  );
  return figure(name, title, chart, empty);
};

/** The plot area's scales for `points` (x by index, `inset` in from both ends; y from 0 to `max`). */
const scales = (points, max, inset) => {
  const plotWidth = WIDTH - PAD.left - PAD.right - 2 * inset;
  const step = points.length > 1 ? plotWidth / (points.length - 1) : 0;
  return {
    x: (i) => PAD.left + inset + (points.length > 1 ? i * step : plotWidth / 2),
    y: (value) => PAD.top + PLOT_HEIGHT - (max > 0 ? (value / max) * PLOT_HEIGHT : 0),
    step,
  };
};

/** The y axis (0 and the top value) and the first and last x labels. */
const axes = (points, max, format, x) => {
  const bottom = PAD.top + PLOT_HEIGHT;
  const labels = points.length > 1 ? [0, points.length - 1] : [0];
  return svg(
    'g',
    { class: 'axes' },
    svg('line', { x1: PAD.left, y1: bottom, x2: WIDTH - PAD.right, y2: bottom }),
    svg('text', { x: PAD.left - 4, y: bottom, 'text-anchor': 'end', class: 'label' }, format(0)),
    svg('text', { x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end', class: 'label' }, format(max)),
    labels.map((i) =>
      svg(
        'text',
        {
          x: x(i),
          y: bottom + 16,
          'text-anchor': points.length > 1 ? (i === 0 ? 'start' : 'end') : 'middle',
          class: 'label',
        },
        points[i].label,
      ),
    ),
  );
};

const plotBox = (title, ...children) =>
  svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${PAD.top + PLOT_HEIGHT + PAD.bottom}`, role: 'img', 'aria-label': title },
    children,
  );

/**
 * A figure per day as a line with a dot per day; a day without a value (null: nothing to measure) breaks the line.
 * `max` fixes the top of the scale (1 for a rate), else it is the largest value.
 */
export const lineChart = ({ name, title, points, format, max, empty }) => {
  const values = points.map((p) => p.value).filter((v) => typeof v === 'number');
  if (values.length === 0) return figure(name, title, null, empty);
  const top = max ?? Math.max(...values, 0);
  const { x, y } = scales(points, top, 6);
  const segments = [];
  let segment = [];
  points.forEach((p, i) => {
    if (typeof p.value === 'number') segment.push(`${x(i)},${y(p.value)}`);
    else if (segment.length > 0) segments.push(segment.splice(0));
  });
  if (segment.length > 0) segments.push(segment);
  const chart = plotBox(
    title,
    axes(points, top, format, x),
    segments.map((s) => svg('polyline', { points: s.join(' '), class: 'line' })),
    points.map((p, i) =>
      typeof p.value === 'number'
        ? svg(
            'circle',
            { cx: x(i), cy: y(p.value), r: 3, class: 'dot' },
            svg('title', {}, `${p.label}: ${format(p.value)}`),
          )
        : null,
    ),
  );
  return figure(name, title, chart, empty);
};

/** A count per day as columns. */
export const columnChart = ({ name, title, points, format, empty }) => {
  if (points.length === 0) return figure(name, title, null, empty);
  const top = Math.max(1, ...points.map((p) => p.value ?? 0));
  const { x, y, step } = scales(points, top, 14);
  const width = Math.max(3, Math.min(24, (step || 40) * 0.6));
  const chart = plotBox(
    title,
    axes(points, top, format, x),
    points.map((p, i) =>
      svg(
        'rect',
        {
          x: x(i) - width / 2,
          y: y(p.value ?? 0),
          width,
          height: PAD.top + PLOT_HEIGHT - y(p.value ?? 0),
          class: 'column',
        },
        svg('title', {}, `${p.label}: ${format(p.value ?? 0)}`),
      ),
    ),
  );
  return figure(name, title, chart, empty);
};
