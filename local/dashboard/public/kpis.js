// The key figures of a period (GET /kpis?from=&to=): tiles for the headline numbers and charts for the reasons
// and the days. The period is one of the range buttons: the last 24 hours, 7 days or 30 days up to now.
import { barChart, columnChart, lineChart } from './charts.js';
import { fill, h } from './dom.js';
import { count, day, hours, percent } from './format.js';

const HOUR = 3_600_000;
export const RANGES = { '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR };

/** The period a range stands for, ending now. */
export const periodOf = (range, now = Date.now()) => ({
  from: new Date(now - RANGES[range]).toISOString(),
  to: new Date(now).toISOString(),
});

const TILES = [
  { key: 'orders', label: 'Orders', format: count },
  {
    key: 'cancellationRate',
    label: 'Cancellation rate',
    format: percent,
    note: (k) => `${count(k.cancelled)} cancelled`,
  },
  { key: 'delivered', label: 'Delivered', format: count },
  { key: 'onTimeDeliveryRate', label: 'On time', format: percent },
  { key: 'delayedShipments', label: 'Delayed', format: count },
  { key: 'avgFulfillmentHours', label: 'Avg fulfillment', format: hours },
  { key: 'p90FulfillmentHours', label: 'p90 fulfillment', format: hours },
  { key: 'paymentFailureRate', label: 'Payment failures', format: percent },
  { key: 'returns', label: 'Returns', format: count },
];

const tile = ({ key, label, format, note }, kpis) =>
  h(
    'div',
    { class: 'tile', dataset: { kpi: key } },
    h('span', { class: 'tile-label', text: label }),
    // The figure as the API gave it too, for a reader (or a test) that wants the number rather than its text.
    h('span', { class: 'tile-value', dataset: { value: String(kpis[key] ?? '') }, text: format(kpis[key]) }),
    note ? h('span', { class: 'tile-note', text: note(kpis) }) : null,
  );

const dailySeries = (kpis, key) =>
  (kpis.daily ?? []).map((d) => ({ label: day(d.day), value: d[key] ?? null }));

const charts = (kpis) => [
  barChart({
    name: 'cancellation-reasons',
    title: 'Cancellation reasons',
    entries: kpis.cancellationReasons,
    empty: 'No cancellations in this period.',
  }),
  lineChart({
    name: 'fulfillment-hours',
    title: 'Avg fulfillment time per day',
    points: dailySeries(kpis, 'avgFulfillmentHours'),
    format: hours,
    empty: 'No order shipped in this period.',
  }),
  lineChart({
    name: 'on-time-rate',
    title: 'On-time delivery per day',
    points: dailySeries(kpis, 'onTimeDeliveryRate'),
    format: percent,
    max: 1,
    empty: 'No delivery in this period.',
  }),
  columnChart({
    name: 'delays',
    title: 'Delayed shipments per day',
    points: dailySeries(kpis, 'delayedShipments'),
    format: count,
    empty: 'No day in this period.',
  }),
];

export class KpiPanel {
  constructor(api, { tiles, charts, status }) {
    this.api = api;
    this.elements = { tiles, charts, status };
    this.range = '24h';
    this.generation = 0;
  }

  setRange(range) {
    this.range = range;
    return this.refresh();
  }

  async refresh() {
    const generation = ++this.generation;
    const { tiles, charts: chartBox, status } = this.elements;
    try {
      const kpis = await this.api.kpis(periodOf(this.range));
      // A newer range was asked for while this one loaded: its answer wins.
      if (generation !== this.generation) return;
      status.hidden = true;
      fill(
        tiles,
        TILES.map((spec) => tile(spec, kpis)),
      );
      fill(chartBox, charts(kpis));
    } catch (error) {
      if (generation !== this.generation) return;
      fill(status, `Key figures unavailable: ${error.message}`);
      status.hidden = false;
    }
  }
}
