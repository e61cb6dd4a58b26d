// Pages and endpoints that exist only on a laptop: the outbox of sent messages, the sandbox carrier's label and
// tracking pages (carrier-pages.ts), execution records, and the operator dashboard at `/`.
import { escapeHtml, formatMoney } from '../functions/domain/format';
import { parseApiKeys } from '../functions/runtime/config';
import { listOrders, type Db } from '../functions/adapters/order-store';
import type { OrderRecord } from '../functions/domain/order';
import { carrierPage } from './carrier-pages';
import type { LocalResponse, LocalRoute } from './http-server';
import type { Outbox } from './outbox';
import type { LocalSettings } from './settings';
import type { LocalStepFunctions } from './step-functions';

const jsonResponse = (status: number, body: unknown): LocalResponse => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

const notFound = (what: string): LocalResponse =>
  jsonResponse(404, { error: { code: 'NOT_FOUND', message: `${what} not found`, details: [] } });

/** The dashboard's rows: a storefront's 50 newest orders. */
const recentOrders = async (db: Db, storefrontId: string): Promise<OrderRecord[]> =>
  (await listOrders(db, { storefrontId, limit: 50 })).orders;

const dashboard = async (
  db: Db,
  settings: LocalSettings,
  mailUrl: string,
  outbox: Outbox,
): Promise<string> => {
  const storefronts = [...new Set(parseApiKeys(settings.apiKeys).values())].filter((p) => p !== 'ops');
  const sections = await Promise.all(
    storefronts.map(async (storefront) => {
      const rows = (await recentOrders(db, storefront))
        .map(
          (o) =>
            `<tr><td><code>${escapeHtml(o.orderId)}</code></td><td>${escapeHtml(o.externalId ?? '')}</td>` +
            `<td class="s">${o.status}</td><td>${o.payment.status}</td><td>${formatMoney(o.total, o.currency)}</td>` +
            `<td>${escapeHtml(o.shipment?.trackingNumber ?? '')}</td><td>${o.updatedAt}</td></tr>`,
        )
        .join('');
      return (
        `<h2>${escapeHtml(storefront)}</h2><table><tr><th>order</th><th>external id</th><th>status</th>` +
        `<th>payment</th><th>total</th><th>tracking</th><th>updated</th></tr>${rows || '<tr><td colspan="7">no orders yet</td></tr>'}</table>`
      );
    }),
  );
  const sent = (await outbox.list()).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orderflow (local)</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}th{background:#f4f4f4}.s{font-weight:600}</style>
</head><body><h1>Orderflow — local operator view</h1>
<p>Carrier simulation: <b>${settings.carrierSimulation}</b> · one business day = ${settings.daySeconds} s ·
<a href="${escapeHtml(mailUrl)}">mail viewer</a> · <a href="/_local/outbox">outbox</a> (${sent} messages) ·
<a href="/health">health</a></p>${sections.join('')}</body></html>`;
};

export const localRoutes =
  (parts: {
    db: Db;
    outbox: Outbox;
    engine: LocalStepFunctions;
    mailUrl: string;
    settings: LocalSettings;
  }): LocalRoute =>
  async (method, url) => {
    if (method !== 'GET') return undefined;
    const path = url.pathname;
    if (path === '/') {
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: await dashboard(parts.db, parts.settings, parts.mailUrl, parts.outbox),
      };
    }
    if (path === '/_local/outbox') {
      return jsonResponse(
        200,
        await parts.outbox.list({ orderId: url.searchParams.get('orderId') ?? undefined }),
      );
    }
    if (path === '/_local/settings') {
      // What a local client (npm run demo) must know to play along: whether the carrier moves parcels by itself,
      // and how long a business day is. No keys or secrets.
      const { carrierSimulation, daySeconds } = parts.settings;
      return jsonResponse(200, { carrierSimulation, daySeconds });
    }
    const match = /^\/_local\/executions\/([\w-]+)$/.exec(path);
    if (match) {
      const record = await parts.engine.describe(match[1]!);
      return record ? jsonResponse(200, record) : notFound('execution');
    }
    return carrierPage(parts.db, url);
  };
