// The local operator dashboard: `/` and its static files (plain ES modules and CSS in ./public, no build step and
// nothing from outside this server), the settings the page needs to call the API as an operator, and the live
// feed of order changes. It exists only in local mode; the deployed stack's operators have CloudWatch.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseApiKeys } from '../../functions/runtime/config';
import type { LocalResponse, LocalRoute, LocalStream } from '../http-server';
import type { OrderFeed } from '../order-feed';
import type { LocalSettings } from '../settings';
import { orderStatuses } from '../../functions/domain/requests';
import { orderEventStream } from './event-stream';

const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The files the dashboard may serve: those in ./public at start, by name (a request path never reaches the disk). */
const publicFiles = new Set(readdirSync(publicDir).filter((name) => extname(name) in contentTypes));

/**
 * The page loads only what this server serves and talks only to it (the API, the feed): the browser enforces it,
 * so a slip that would fetch a font or a script from elsewhere fails visibly rather than working by accident.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const staticFile = async (name: string): Promise<LocalResponse> => ({
  status: 200,
  contentType: contentTypes[extname(name)]!,
  body: await readFile(join(publicDir, name), 'utf8'),
  headers: {
    'cache-control': 'no-cache',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
  },
});

/** What the page needs to know: the operator key it calls the API with, the storefronts, the local settings. */
export interface DashboardSettings {
  /** The first key of the `ops` principal in ORDERFLOW_API_KEYS, or null when none is configured. */
  opsKey: string | null;
  /** The order statuses the status filter offers, in the workflow's order. */
  statuses: readonly string[];
  /** Every storefront that has a key, in the order configured. */
  storefronts: string[];
  carrierSimulation: LocalSettings['carrierSimulation'];
  daySeconds: number;
  mailUrl: string;
}

export const dashboardSettings = (settings: LocalSettings, mailUrl: string): DashboardSettings => {
  const principals = [...parseApiKeys(settings.apiKeys)];
  return {
    opsKey: principals.find(([, principal]) => principal === 'ops')?.[0] ?? null,
    statuses: orderStatuses,
    storefronts: [...new Set(principals.map(([, principal]) => principal))].filter((p) => p !== 'ops'),
    carrierSimulation: settings.carrierSimulation,
    daySeconds: settings.daySeconds,
    mailUrl,
  };
};

export const dashboardRoutes = (parts: {
  feed: OrderFeed;
  settings: LocalSettings;
  mailUrl: string;
  /** Milliseconds between the event stream's heartbeats (tests shorten it). */
  heartbeatMs?: number;
}): LocalRoute => {
  const settings = dashboardSettings(parts.settings, parts.mailUrl);
  return async (method, url): Promise<LocalResponse | LocalStream | undefined> => {
    if (method !== 'GET') return undefined;
    const path = url.pathname;
    if (path === '/') return staticFile('index.html');
    const file = /^\/dashboard\/([\w-]+\.\w+)$/.exec(path)?.[1];
    if (file && publicFiles.has(file)) return staticFile(file);
    if (path === '/_local/dashboard/settings') {
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(settings),
        headers: { 'cache-control': 'no-store' },
      };
    }
    if (path === '/_local/events') return orderEventStream(parts.feed, parts.heartbeatMs);
    return undefined;
  };
};
