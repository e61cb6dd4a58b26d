// The sandbox carrier's own pages (local only), where a label's `labelUrl` and `trackingUrl` point: the label, and a
// parcel's tracking page as a carrier's site shows it (status, estimate, every scan with its place and message).
// `?format=json` answers the tracking page as JSON for tools. The scans are those the carrier reported to the
// system (the order's inbox), so parcels moved by hand-posted webhooks show too; the carrier's own schedule adds
// its message to the scans it sent.
import { getSandboxShipment, type SandboxShipment } from '../functions/adapters/carrier/sandbox-carrier';
import { findByTracking, getOrder, type Db } from '../functions/adapters/order-store';
import { escapeHtml, formatWhen } from '../functions/domain/format';
import type { OrderRecord } from '../functions/domain/order';
import type { LocalResponse } from './http-server';

export interface CarrierScan {
  status: string;
  occurredAt: string;
  location?: string | undefined;
  message?: string | undefined;
  estimatedDelivery?: string | undefined;
}

/** A parcel as its carrier tracks it. */
export interface CarrierTracking {
  trackingNumber: string;
  /** The carrier's status word (`in_transit`, ...), `label_created` before any scan, `voided` for a voided label. */
  status: string;
  /** While the parcel is on its way. */
  estimatedDelivery?: string | undefined;
  /** Oldest first. */
  scans: CarrierScan[];
}

const statusWords: Readonly<Record<string, string>> = {
  label_created: 'Label created, not yet with the carrier',
  pre_transit: 'Label created, awaiting pickup',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  available_for_pickup: 'Available for pickup',
  delivered: 'Delivered',
  return_to_sender: 'Returning to sender',
  failure: 'Delivery failed',
  cancelled: 'Cancelled',
  error: 'Tracking error',
  unknown: 'No news yet',
  voided: 'Label voided',
};

const words = (status: string): string => statusWords[status] ?? status;

/** Statuses after which there is no estimate to give. */
const arrived: ReadonlySet<string> = new Set([
  'delivered',
  'voided',
  'failure',
  'cancelled',
  'return_to_sender',
]);

/** The scans the system received for one parcel (the outbound one, or a return's), oldest first. */
const scansOf = (
  order: OrderRecord,
  returnId: string | undefined,
  shipment?: SandboxShipment,
): CarrierScan[] => {
  const messages = new Map((shipment?.schedule ?? []).map((entry) => [entry.eventId, entry.message]));
  return Object.entries(order.inbox)
    .filter(([, event]) =>
      returnId === undefined
        ? event.kind === 'carrier'
        : event.kind === 'return' && event.returnId === returnId,
    )
    .flatMap(([key, event]) => {
      if (!event.status) return [];
      const eventId = key.slice(key.indexOf(':') + 1);
      return [
        {
          status: event.status,
          occurredAt: event.occurredAt,
          location: event.location,
          message: messages.get(eventId),
          estimatedDelivery: event.estimatedDelivery,
        },
      ];
    })
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
};

/**
 * The tracking of the order's parcel (`returnId` absent) or of one of its return parcels; `shipment` is the
 * sandbox's record of it, when there is one. Undefined when the order has no such parcel.
 */
export const carrierTracking = (
  order: OrderRecord,
  returnId: string | undefined,
  shipment?: SandboxShipment,
): CarrierTracking | undefined => {
  const scans = scansOf(order, returnId, shipment);
  if (returnId === undefined) {
    if (!order.shipment) return undefined;
    const { status, trackingNumber, estimatedDelivery } = order.shipment;
    return {
      trackingNumber,
      status,
      estimatedDelivery: arrived.has(status) ? undefined : estimatedDelivery,
      scans,
    };
  }
  const ret = order.returns?.find((r) => r.returnId === returnId);
  if (!ret) return undefined;
  const status = ret.trackingStatus;
  return {
    trackingNumber: ret.trackingNumber,
    status,
    estimatedDelivery: arrived.has(status) ? undefined : shipment?.estimatedDelivery,
    scans,
  };
};

/** A parcel sent back is `return_to_sender` until its `delivered` scan brings it home. */
const statusLine = (tracking: CarrierTracking): string =>
  tracking.status === 'return_to_sender' && tracking.scans.some((scan) => scan.status === 'delivered')
    ? 'Returned to sender'
    : words(tracking.status);

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;color:#222}
.banner{background:#ffcb05;padding:.4rem .6rem;font-weight:700;letter-spacing:.05em}table{width:100%;border-collapse:collapse}
td,th{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:top}.voided{color:#b00020;font-size:2rem;font-weight:800}
dt{font-weight:600;margin-top:.4rem}dd{margin:0}</style></head><body><p class="banner">SANDBOX CARRIER</p>${body}</body></html>`;

const scanRow = (scan: CarrierScan): string =>
  `<tr><td><time datetime="${escapeHtml(scan.occurredAt)}">${escapeHtml(formatWhen(scan.occurredAt))}</time></td>` +
  `<td>${escapeHtml(words(scan.status))}</td><td>${escapeHtml(scan.location ?? '')}</td>` +
  `<td>${escapeHtml(scan.message ?? '')}</td></tr>`;

/** The carrier's tracking page of a parcel. */
export const renderCarrierTrackingPage = (tracking: CarrierTracking): string => {
  const scans = tracking.scans.map(scanRow).join('');
  return page(
    `Tracking ${tracking.trackingNumber}`,
    `<h1>Tracking ${escapeHtml(tracking.trackingNumber)}</h1><p><b>${escapeHtml(statusLine(tracking))}</b></p>` +
      (tracking.estimatedDelivery
        ? `<p>Estimated delivery: ${escapeHtml(formatWhen(tracking.estimatedDelivery))}</p>`
        : '') +
      `<h2>Scans</h2>` +
      (scans
        ? `<table><thead><tr><th>When</th><th>Status</th><th>Where</th><th>Message</th></tr></thead><tbody>${scans}</tbody></table>`
        : '<p>No scans yet.</p>'),
  );
};

/** The printable label of a shipment (no addresses: the page is open to anyone on the machine). */
export const renderLabelPage = (shipment: SandboxShipment): string =>
  page(
    `Label ${shipment.trackingNumber}`,
    `<h1>Shipping label</h1>${shipment.voidedAt ? '<p class="voided">VOIDED</p>' : ''}<dl>` +
      `<dt>Shipment</dt><dd><code>${escapeHtml(shipment.shipmentId)}</code></dd>` +
      `<dt>Tracking number</dt><dd><code>${escapeHtml(shipment.trackingNumber)}</code></dd>` +
      `<dt>Service</dt><dd>${escapeHtml(shipment.service)}</dd>` +
      `<dt>Direction</dt><dd>${shipment.direction === 'return' ? 'return to the warehouse' : 'to the customer'}</dd>` +
      `<dt>Created</dt><dd>${escapeHtml(formatWhen(shipment.createdAt))}</dd>` +
      (shipment.voidedAt ? `<dt>Voided</dt><dd>${escapeHtml(formatWhen(shipment.voidedAt))}</dd>` : '') +
      `</dl>`,
  );

const htmlResponse = (body: string): LocalResponse => ({
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body,
});

const notFound = (what: string): LocalResponse => ({
  status: 404,
  contentType: 'application/json',
  body: JSON.stringify({ error: { code: 'NOT_FOUND', message: `${what} not found`, details: [] } }),
});

const labelPage = async (db: Db, shipmentId: string): Promise<LocalResponse> => {
  const shipment = await getSandboxShipment(db.doc, db.tables.orders, shipmentId);
  return shipment ? htmlResponse(renderLabelPage(shipment)) : notFound('label');
};

const trackingPage = async (db: Db, trackingNumber: string, url: URL): Promise<LocalResponse> => {
  const parcel = await findByTracking(db, trackingNumber);
  const order = parcel ? await getOrder(db, parcel.orderId) : undefined;
  if (!order) return notFound('tracking number');
  const shipmentId =
    parcel?.returnId === undefined
      ? order.shipment?.shipmentId
      : order.returns?.find((r) => r.returnId === parcel.returnId)?.shipmentId;
  const shipment = shipmentId ? await getSandboxShipment(db.doc, db.tables.orders, shipmentId) : undefined;
  const tracking = carrierTracking(order, parcel?.returnId, shipment);
  if (!tracking) return notFound('tracking number');
  if (url.searchParams.get('format') === 'json') {
    return { status: 200, contentType: 'application/json', body: JSON.stringify(tracking) };
  }
  return htmlResponse(renderCarrierTrackingPage(tracking));
};

/** The carrier's pages: an answer for `/_local/carrier/labels/{shipmentId}` and `/_local/carrier/tracking/{number}`. */
export const carrierPage = async (db: Db, url: URL): Promise<LocalResponse | undefined> => {
  const label = /^\/_local\/carrier\/labels\/([\w-]+)$/.exec(url.pathname);
  if (label) return labelPage(db, label[1]!);
  const tracking = /^\/_local\/carrier\/tracking\/([\w-]+)$/.exec(url.pathname);
  return tracking ? trackingPage(db, tracking[1]!, url) : undefined;
};
