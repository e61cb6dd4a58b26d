// Pages and endpoints that exist only on a laptop: the outbox of sent messages, the sandbox carrier's label and
// tracking pages (carrier-pages.ts), execution records, and the operator dashboard at `/` (local/dashboard/).
import { type Db } from '../functions/adapters/order-store';
import { carrierPage } from './carrier-pages';
import { dashboardRoutes } from './dashboard/routes';
import type { LocalResponse, LocalRoute } from './http-server';
import type { OrderFeed } from './order-feed';
import type { Outbox } from './outbox';
import type { LocalSettings } from './settings';
import { ExecutionNotRedrivableError, type LocalStepFunctions } from './step-functions';

const jsonResponse = (status: number, body: unknown): LocalResponse => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

const notFound = (what: string): LocalResponse =>
  jsonResponse(404, { error: { code: 'NOT_FOUND', message: `${what} not found`, details: [] } });

export const localRoutes = (parts: {
  db: Db;
  outbox: Outbox;
  engine: LocalStepFunctions;
  returnEngine: LocalStepFunctions;
  feed: OrderFeed;
  mailUrl: string;
  settings: LocalSettings;
}): LocalRoute => {
  const dashboard = dashboardRoutes(parts);
  return async (method, url) => {
    const page = await dashboard(method, url);
    if (page) return page;
    const path = url.pathname;
    const redrive = /^\/_local\/executions\/([\w-]+)\/redrive$/.exec(path);
    if (redrive && method === 'POST') {
      // RedriveExecution, as an operator runs it in AWS: the failed execution goes on from the state it failed in.
      const name = redrive[1]!;
      const engine = (await parts.engine.describe(name)) ? parts.engine : parts.returnEngine;
      try {
        const { redriveDate } = await engine.redrive(name);
        return jsonResponse(202, { name, redriveDate: redriveDate.toISOString() });
      } catch (error) {
        if (!(error instanceof ExecutionNotRedrivableError)) throw error;
        return jsonResponse(409, {
          error: { code: 'EXECUTION_NOT_REDRIVABLE', message: error.message, details: [] },
        });
      }
    }
    if (method !== 'GET') return undefined;
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
      // An order's execution is named after the order, a return's after the return.
      const record =
        (await parts.engine.describe(match[1]!)) ?? (await parts.returnEngine.describe(match[1]!));
      return record ? jsonResponse(200, record) : notFound('execution');
    }
    return carrierPage(parts.db, url);
  };
};
