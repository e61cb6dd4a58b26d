// Formatting shared by customer messages and HTML pages.

/** Minor units as a price (`4498`, `USD` → `$44.98`). */
export const formatMoney = (amount: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);

const htmlEntities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to put into HTML, as content or inside a quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);

/** A timestamp as pages show it (`Sat, 09 Mar 2030 10:00 UTC`): a page rendered on the server knows no time zone. */
export const formatWhen = (iso: string): string => new Date(iso).toUTCString().replace(/:\d\d GMT$/, ' UTC');
