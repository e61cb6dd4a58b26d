// The customer's tracking page, linked from every customer message: no API key, the link's token (an HMAC of the
// order id) is the proof. It shows where the order is, never who it is for (tracking-view.ts decides what is on
// it); here it is laid out, every text escaped. While the order can still change, a small inline script refetches
// the page and swaps its content: polling works the same behind API Gateway and Lambda as locally, where a push
// channel would not. The Content-Security-Policy allows that one script and that one stylesheet, by their hashes.
import { createHash } from 'node:crypto';
import { escapeHtml } from '../domain/format';
import { sameSecret } from '../domain/hash';
import type { OrderRecord } from '../domain/order';
import { trackingToken } from '../domain/notices';
import {
  trackingView,
  type AmountLine,
  type ItemView,
  type Milestone,
  type ParcelView,
  type ReturnSection,
  type TrackingView,
} from './tracking-view';

/** Whether `token` is the link token of `orderId` (constant time). */
export const validTrackingToken = (orderId: string, token: string | undefined, secret: string): boolean => {
  if (!token || !secret) return false;
  return sameSecret(token, trackingToken(orderId, secret));
};

/** How often an open page looks for news. */
export const refreshSeconds = 20;

/**
 * Refetches the page every `refreshSeconds` while `<main data-final>` is not "true" and swaps `<main>`'s content
 * when it changed. A hidden tab skips its turn; a failed fetch tries again next time; a 404 (the link no longer
 * valid) stops it.
 */
const liveUpdateScript = `(() => {
  const main = document.querySelector('main');
  const refresh = async () => {
    if (!main || main.dataset.final === 'true') return;
    if (document.visibilityState === 'visible') {
      try {
        const response = await fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } });
        if (response.status === 404) return;
        if (response.ok) {
          const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main');
          if (next) {
            if (next.innerHTML !== main.innerHTML) main.innerHTML = next.innerHTML;
            main.dataset.final = next.dataset.final ?? 'false';
          }
        }
      } catch {
        // offline for a moment: the next turn tries again
      }
    }
    if (main.dataset.final !== 'true') setTimeout(refresh, ${refreshSeconds * 1000});
  };
  setTimeout(refresh, ${refreshSeconds * 1000});
})();`;

const styles = `body{font:16px/1.45 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#222}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.headline{font-size:1.15rem;font-weight:600}section{border-top:1px solid #ddd}
table{width:100%;border-collapse:collapse}td,th{padding:.3rem .25rem;text-align:left;vertical-align:top}
.n{text-align:right;white-space:nowrap}.sku{display:block;color:#666;font-size:.85rem}
tfoot th,tfoot td{border-top:1px solid #eee}ol,ul{padding-left:1.2rem}li{margin:.25rem 0}
time{color:#555;white-space:nowrap}code{font-size:.95rem;white-space:nowrap}`;

const hashSource = (source: string): string =>
  `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: its own script and stylesheet only, fetches to its own origin (the live
 * update), nothing else, and no framing.
 */
export const trackingPageCsp = [
  "default-src 'none'",
  `script-src ${hashSource(liveUpdateScript)}`,
  `style-src ${hashSource(styles)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const e = escapeHtml;

const statusSection = (view: TrackingView): string =>
  `<section><p class="headline">${e(view.headline)}</p>${view.notes.map((note) => `<p>${e(note)}</p>`).join('')}</section>`;

const parcelSection = (parcel: ParcelView | undefined): string => {
  if (!parcel) return '';
  const link = parcel.carrierUrl
    ? `<p><a href="${e(parcel.carrierUrl)}" rel="noreferrer">Follow the parcel on the carrier's page</a></p>`
    : '';
  return (
    `<section><h2>Parcel</h2><p>Carrier: ${e(parcel.carrier)} · tracking number <code>${e(parcel.trackingNumber)}</code></p>` +
    `${parcel.when ? `<p>${e(parcel.when)}</p>` : ''}${link}</section>`
  );
};

const returnItem = (ret: ReturnSection): string =>
  `<li><b>${e(ret.title)}</b><br>${e(ret.status)}` +
  (ret.trackingNumber ? `<br>Return tracking number <code>${e(ret.trackingNumber)}</code>` : '') +
  `<br>${e(ret.refund)}</li>`;

const returnsSection = (returns: ReturnSection[]): string =>
  returns.length === 0
    ? ''
    : `<section><h2>Returns</h2><ul>${returns.map(returnItem).join('')}</ul></section>`;

const itemRow = (item: ItemView): string =>
  `<tr><td>${e(item.name)}<span class="sku">${e(item.sku)}</span></td><td class="n">${item.quantity} × ${e(item.unitPrice)}</td>` +
  `<td class="n">${e(item.lineTotal)}</td></tr>`;

const totalRow = (line: AmountLine): string =>
  `<tr><th colspan="2">${e(line.label)}</th><td class="n">${e(line.amount)}</td></tr>`;

const itemsSection = (view: TrackingView): string =>
  `<section><h2>Items</h2><table><thead><tr><th>Item</th><th class="n">Quantity × price</th><th class="n">Amount</th></tr></thead>` +
  `<tbody>${view.items.map(itemRow).join('')}</tbody><tfoot>${view.totals.map(totalRow).join('')}</tfoot></table></section>`;

const milestone = (entry: Milestone): string =>
  `<li><time datetime="${e(entry.at)}">${e(entry.when)}</time> — ${e(entry.text)}</li>`;

const historySection = (history: Milestone[]): string =>
  `<section><h2>History</h2><ol>${history.map(milestone).join('')}</ol></section>`;

/** The page of a view: the live update script only while the order can still change. */
export const renderTrackingView = (view: TrackingView): string => {
  const ref = e(view.reference);
  const main =
    `<main data-final="${view.final}" aria-live="polite"><h1>Order ${ref}</h1>${statusSection(view)}` +
    `${parcelSection(view.parcel)}${returnsSection(view.returns)}${itemsSection(view)}${historySection(view.history)}</main>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Order ${ref}</title><style>${styles}</style></head>
<body>${main}${view.final ? '' : `<script>${liveUpdateScript}</script>`}</body></html>`;
};

/** The page for an order. */
export const renderTrackingPage = (order: OrderRecord): string => renderTrackingView(trackingView(order));
