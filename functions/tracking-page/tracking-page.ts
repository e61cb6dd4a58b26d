// The customer's tracking page, linked from every customer message: no API key, the link's token (an HMAC of the
// order id) is the proof. It shows where the order is, never who it is for: no name, address, email or phone.
import { timingSafeEqual } from 'node:crypto';
import { escapeHtml } from '../domain/format';
import type { OrderRecord } from '../domain/order';
import { trackingToken } from '../domain/notices';
import type { OrderStatus } from '../domain/requests';

/** Whether `token` is the link token of `orderId` (constant time). */
export const validTrackingToken = (orderId: string, token: string | undefined, secret: string): boolean => {
  if (!token || !secret) return false;
  const expected = Buffer.from(trackingToken(orderId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const statusWords: Record<OrderStatus, string> = {
  RECEIVED: 'We received your order.',
  IN_REVIEW: 'We are checking your order.',
  CONFIRMED: 'Your order is confirmed and being prepared.',
  LABEL_CREATED: 'Your order is packed and waiting for the carrier.',
  SHIPPED: 'Your order has shipped.',
  IN_TRANSIT: 'Your order is on its way.',
  OUT_FOR_DELIVERY: 'Your order is out for delivery today.',
  DELIVERED: 'Your order was delivered.',
  CANCELLATION_REQUESTED: 'We are cancelling your order.',
  INTERCEPT_REQUESTED: 'We asked the carrier to bring your parcel back; the refund follows once it is back.',
  RETURN_REQUESTED: 'Your return is on its way back to us.',
  REJECTED: 'Your order could not be accepted. You have not been charged.',
  CANCELLED: 'Your order was cancelled.',
  RETURNED: 'Your return is complete and refunded.',
  DELIVERY_FAILED: 'The carrier could not deliver your order; your payment was refunded.',
  FAILED: 'Something went wrong with your order; our team will be in touch.',
};

const day = (iso: string): string => new Date(iso).toUTCString().replace(/:\d\d GMT$/, ' UTC');

/** The page for an order; only status, shipment and milestone dates appear on it. */
export const renderTrackingPage = (order: OrderRecord): string => {
  const ref = escapeHtml(order.externalId ?? order.orderId);
  const shipment = order.shipment;
  const parcel = shipment
    ? `<p>Carrier: ${escapeHtml(shipment.carrier)} · tracking number <b>${escapeHtml(shipment.trackingNumber)}</b>` +
      (shipment.trackingUrl ? ` · <a href="${escapeHtml(shipment.trackingUrl)}">carrier page</a>` : '') +
      `</p><p>${shipment.deliveredAt ? `Delivered ${day(shipment.deliveredAt)}` : `Expected by ${day(shipment.estimatedDelivery)}`}${shipment.delayed ? ' (later than first promised)' : ''}</p>`
    : '';
  const milestones = order.timeline
    .map(
      (entry) => `<li>${day(entry.at)} — ${escapeHtml(entry.type.toLowerCase().replaceAll('_', ' '))}</li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>Order ${ref}</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>Order ${ref}</h1><p><b>${statusWords[order.status]}</b></p>${parcel}<h2>History</h2><ul>${milestones}</ul></body></html>`;
};
