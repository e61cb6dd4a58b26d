// How the dashboard writes amounts, times, rates and the API's code words.

const moneyFormats = new Map();

/** Minor units in their currency (4498 USD → $44.98). */
export const money = (amount, currency) => {
  if (typeof amount !== 'number') return '—';
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 });
    }
    moneyFormats.set(currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
};

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—');

/** A `YYYY-MM-DD` day of the KPIs (a UTC day) as a short label. */
export const day = (isoDay) => dayFormat.format(new Date(`${isoDay}T00:00:00Z`));

/** A rate of 0..1 as a percentage; null (nothing to divide) as a dash. */
export const percent = (rate) =>
  typeof rate === 'number' ? `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)} %` : '—';

export const hours = (value) => (typeof value === 'number' ? `${value.toFixed(1)} h` : '—');

export const count = (value) => (typeof value === 'number' ? value.toLocaleString() : '—');

/** An API code word in words: `very_high_value` → `very high value`, `IN_REVIEW` → `in review`. */
export const words = (code) =>
  String(code ?? '')
    .replaceAll('_', ' ')
    .toLowerCase();

/** A link target from the API, only when it is http(s): a value the page did not make never becomes script. */
export const safeUrl = (value) => {
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};
