// Operator KPIs over the orders created in a window (`GET /kpis`). Each figure is defined here once, and in
// docs/kpis.md. What one order contributes is `kpiFacts`: derived from the order in every put of its item and kept,
// with its status, in the byCreation index, so the figures are computed from that index alone, without PII and
// without a write of their own.
import { InvalidRequestError } from './errors';
import type { OrderRecord } from './order';
import type { OrderStatus } from './requests';

/** What one order contributes to the KPIs (the order item's `kpi`). Timestamps as the order holds them; no PII. */
export interface KpiFacts {
  /** The cancellation's reason (a survey reason or `authorization_expired`) once a cancellation was asked for. */
  cancellationReason?: string;
  /** The rejection code of a rejected order. */
  rejectionCode?: string;
  /** How the payment authorization was answered; absent before an answer (or when the provider failed). */
  authorization?: 'approved' | 'declined';
  /** When the parcel was handed to the carrier: the capture on the ship call or on the first carrier scan. */
  shippedAt?: string;
  /** When the carrier delivered the parcel to the customer (not a parcel back at the sender). */
  deliveredAt?: string;
  /** The delivery promised at label purchase. */
  promisedDelivery?: string;
  /** The shipment was reported late: a later estimate than promised, or its deadline passed. */
  delayed?: boolean;
  /** How many returns were opened on the order. */
  returns?: number;
}

/** The authorization's answer, read from the payment status it left (every later status follows an approval). */
const authorizationOf = (order: OrderRecord): KpiFacts['authorization'] => {
  if (order.payment.status === 'PENDING') return undefined;
  return order.payment.status === 'DECLINED' ? 'declined' : 'approved';
};

/** The KPI facts of the order as it is about to be stored (only the attributes that apply). */
export const kpiFacts = (order: OrderRecord): KpiFacts => {
  const { shipment } = order;
  const authorization = authorizationOf(order);
  const returns = order.returns?.length ?? 0;
  return {
    ...(order.cancellation ? { cancellationReason: order.cancellation.reason } : {}),
    ...(order.rejection ? { rejectionCode: order.rejection.code } : {}),
    ...(authorization ? { authorization } : {}),
    ...(shipment?.shippedAt ? { shippedAt: shipment.shippedAt } : {}),
    ...(shipment?.deliveredAt ? { deliveredAt: shipment.deliveredAt } : {}),
    ...(shipment ? { promisedDelivery: shipment.promisedDelivery } : {}),
    ...(shipment?.delayed ? { delayed: true } : {}),
    ...(returns > 0 ? { returns } : {}),
  };
};

/** One order as the byCreation index holds it, as far as the KPIs read it. */
export interface KpiRecord {
  createdAt: string;
  status: OrderStatus;
  kpi?: KpiFacts | undefined;
}

/** The figures of one UTC day of the window, for the dashboard's charts. */
export interface DailyKpis {
  day: string;
  orders: number;
  cancelled: number;
  delivered: number;
  onTimeDeliveryRate: number | null;
  delayedShipments: number;
  avgFulfillmentHours: number | null;
}

export interface KpiReport {
  from: string;
  to: string;
  orders: number;
  cancelled: number;
  cancellationRate: number | null;
  cancellationReasons: Record<string, number>;
  rejected: number;
  rejectionReasons: Record<string, number>;
  delivered: number;
  onTimeDeliveryRate: number | null;
  delayedShipments: number;
  avgFulfillmentHours: number | null;
  p90FulfillmentHours: number | null;
  avgDeliveryHours: number | null;
  paymentFailureRate: number | null;
  returns: number;
  daily: DailyKpis[];
}

/** The window a report covers: orders created at or after `from` and before `to` (ISO timestamps, UTC). */
export interface KpiWindow {
  from: string;
  to: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The longest window `GET /kpis` reads: a quarter, so one request reads a bounded part of the index. */
export const maxKpiWindowDays = 92;
/** The window when none is given: the last seven days up to now. */
export const defaultKpiWindowDays = 7;

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** A share from 0 to 1 (four decimals), or null when there is nothing to take it of. */
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));

/** The mean in hours (two decimals), or null without values. */
const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : round(values.reduce((sum, v) => sum + v, 0) / values.length, 2);

/** The nearest-rank percentile (two decimals): the smallest value at least `p` of the values do not exceed. */
const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.ceil(p * sorted.length) - 1]!, 2);
};

const tally = (keys: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
};

/** Hours from `from` to `to`, never negative (a carrier's clock may run a little behind ours). */
const hoursBetween = (from: string, to: string): number =>
  Math.max(0, (Date.parse(to) - Date.parse(from)) / HOUR_MS);

const isDelivered = (record: KpiRecord): boolean => record.kpi?.deliveredAt !== undefined;

/** Delivered no later than promised (compared as instants: carriers write timestamps their own way). */
const isOnTime = (record: KpiRecord): boolean => {
  const { deliveredAt, promisedDelivery } = record.kpi ?? {};
  return (
    deliveredAt !== undefined &&
    promisedDelivery !== undefined &&
    Date.parse(deliveredAt) <= Date.parse(promisedDelivery)
  );
};

/** Hours from creation to the handover to the carrier, of the orders handed over. */
const fulfillmentHours = (records: readonly KpiRecord[]): number[] =>
  records.flatMap((r) => (r.kpi?.shippedAt ? [hoursBetween(r.createdAt, r.kpi.shippedAt)] : []));

/** The figures the whole window and each of its days share. */
const summarize = (records: readonly KpiRecord[]) => {
  const delivered = records.filter(isDelivered);
  return {
    orders: records.length,
    cancelled: records.filter((r) => r.status === 'CANCELLED').length,
    delivered: delivered.length,
    onTimeDeliveryRate: ratio(delivered.filter(isOnTime).length, delivered.length),
    delayedShipments: records.filter((r) => r.kpi?.delayed === true).length,
    avgFulfillmentHours: mean(fulfillmentHours(records)),
  };
};

/** The UTC days the window touches, in order (`to` itself is outside the window). */
export const daysOf = (window: KpiWindow): string[] => {
  const days: string[] = [];
  const last = new Date(Date.parse(window.to) - 1).toISOString().slice(0, 10);
  for (let at = Date.parse(window.from.slice(0, 10)); ; at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.push(day);
    if (day >= last) return days;
  }
};

/**
 * The KPIs of the orders created in the window (`records` are exactly those). Rates are shares from 0 to 1 and
 * hours are decimal hours; either is null when no order gives it a value (no division by zero, no made-up 0).
 */
export const computeKpis = (records: readonly KpiRecord[], window: KpiWindow): KpiReport => {
  const cancelled = records.filter((r) => r.status === 'CANCELLED');
  const rejected = records.filter((r) => r.status === 'REJECTED');
  const delivered = records.filter(isDelivered);
  const answered = records.filter((r) => r.kpi?.authorization !== undefined);
  const declined = answered.filter((r) => r.kpi?.authorization === 'declined');
  const total = summarize(records);
  const byDay = new Map<string, KpiRecord[]>();
  for (const record of records) {
    const day = new Date(record.createdAt).toISOString().slice(0, 10);
    const orders = byDay.get(day);
    if (orders) orders.push(record);
    else byDay.set(day, [record]);
  }
  return {
    from: window.from,
    to: window.to,
    orders: total.orders,
    cancelled: total.cancelled,
    cancellationRate: ratio(total.cancelled, total.orders),
    cancellationReasons: tally(cancelled.map((r) => r.kpi?.cancellationReason ?? 'unknown')),
    rejected: rejected.length,
    rejectionReasons: tally(rejected.map((r) => r.kpi?.rejectionCode ?? 'unknown')),
    delivered: total.delivered,
    onTimeDeliveryRate: total.onTimeDeliveryRate,
    delayedShipments: total.delayedShipments,
    avgFulfillmentHours: total.avgFulfillmentHours,
    p90FulfillmentHours: percentile(fulfillmentHours(records), 0.9),
    avgDeliveryHours: mean(delivered.map((r) => hoursBetween(r.createdAt, r.kpi!.deliveredAt!))),
    paymentFailureRate: ratio(declined.length, answered.length),
    returns: records.reduce((sum, r) => sum + (r.kpi?.returns ?? 0), 0),
    daily: daysOf(window).map((day) => ({ day, ...summarize(byDay.get(day) ?? []) })),
  };
};

/** Refuses a range whose end is not after its start (`400`, naming `to`). */
export const checkRange = (range: { from?: string | undefined; to?: string | undefined }): void => {
  if (range.from !== undefined && range.to !== undefined && Date.parse(range.from) >= Date.parse(range.to)) {
    throw new InvalidRequestError('the range ends before it starts', [
      { path: 'to', message: 'must be after from' },
    ]);
  }
};

/**
 * The window of a KPI request: `to` defaults to now and `from` to seven days before `to`. A window that ends before
 * it starts, or spans more than 92 days, is refused with `400`.
 */
export const kpiWindow = (
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): KpiWindow => {
  const to = query.to ?? now.toISOString();
  const from = query.from ?? new Date(Date.parse(to) - defaultKpiWindowDays * DAY_MS).toISOString();
  checkRange({ from, to });
  if (Date.parse(to) - Date.parse(from) > maxKpiWindowDays * DAY_MS) {
    throw new InvalidRequestError(`the window spans more than ${maxKpiWindowDays} days`, [
      { path: 'from', message: `must be at most ${maxKpiWindowDays} days before to` },
    ]);
  }
  return { from, to };
};
