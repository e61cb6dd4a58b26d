// Pages and endpoints that exist only on a laptop: the outbox of sent messages, the sandbox carrier's label and
// tracking pages, execution records, and the operator dashboard at `/` (local/dashboard/).
import { findOrderIdByTracking, getOrder, type Db } from '../functions/adapters/order-store';
import { getSandboxShipment } from '../functions/adapters/carrier/sandbox-carrier';
import { dashboardRoutes } from './dashboard/routes';
import type { LocalResponse, LocalRoute } from './http-server';
import type { OrderFeed } from './order-feed';
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
    if (method !== 'GET') return undefined;
    const path = url.pathname;
    if (path === '/_local/outbox') {
      return jsonResponse(
        200,
        await parts.outbox.list({ orderId: url.searchParams.get('orderId') ?? undefined }),
      );
    }
    let match = /^\/_local\/executions\/([\w-]+)$/.exec(path);
    if (match) {
      // An order's execution is named after the order, a return's after the return.
      const record =
        (await parts.engine.describe(match[1]!)) ?? (await parts.returnEngine.describe(match[1]!));
      return record ? jsonResponse(200, record) : notFound('execution');
    }
    match = /^\/_local\/carrier\/labels\/([\w-]+)$/.exec(path);
    if (match) {
      const shipment = await getSandboxShipment(parts.db.doc, parts.db.tables.orders, match[1]!);
      if (!shipment) return notFound('label');
      return {
        status: 200,
        contentType: 'text/plain; charset=utf-8',
        body: `SANDBOX SHIPPING LABEL\n\nShipment ${shipment.shipmentId}\nTracking ${shipment.trackingNumber}\nService ${shipment.service}\n${shipment.voidedAt ? 'VOIDED\n' : ''}`,
      };
    }
    match = /^\/_local\/carrier\/tracking\/([\w-]+)$/.exec(path);
    if (match) {
      const orderId = await findOrderIdByTracking(parts.db, match[1]!);
      const order = orderId ? await getOrder(parts.db, orderId) : undefined;
      if (!order?.shipment) return notFound('tracking number');
      const scans = Object.values(order.inbox)
        .filter((e) => e.kind === 'carrier')
        .map(({ status, occurredAt, location, estimatedDelivery }) => ({
          status,
          occurredAt,
          location,
          estimatedDelivery,
        }))
        .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      return jsonResponse(200, {
        trackingNumber: order.shipment.trackingNumber,
        status: order.shipment.status,
        estimatedDelivery: order.shipment.estimatedDelivery,
        scans,
      });
    }
    return undefined;
  };
};
