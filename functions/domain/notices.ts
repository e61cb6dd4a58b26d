// Customer notices (email always, SMS when the customer opted in) and operator alerts. A notice is identified by
// template + cause + channel; the order keeps the keys of what was sent, so a repeated webhook or a retried step
// sends nothing twice. Message texts live here, in one place; they carry names and addresses of the customer only
// inside the message itself, never in logs.
import { createHmac } from 'node:crypto';
import { formatMoney } from './format';
import type { Channel, NotificationEntry, OrderRecord } from './order';

export const noticeTemplates = [
  'order_confirmation',
  'order_rejected',
  'shipping_confirmation',
  'delay_notice',
  'out_for_delivery',
  'delivered',
  'cancellation_confirmation',
  'intercept_requested',
  'return_label',
  'refund_issued',
  'delivery_failed',
] as const;
export type NoticeTemplate = (typeof noticeTemplates)[number];

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  template: NoticeTemplate;
  orderId: string;
}

export interface SmsMessage {
  to: string;
  text: string;
  template: NoticeTemplate;
  orderId: string;
}

export interface OpsAlert {
  kind: 'review_needed' | 'delivery_failed' | 'workflow_failed' | 'unknown_tracking' | 'delivery_overdue';
  subject: string;
  text: string;
  orderId?: string | undefined;
}

export interface OrderEvent {
  type: string;
  orderId: string;
  storefrontId: string;
  status: string;
  at: string;
}

/** Outbound messaging: SES + SNS in AWS, the same clients pointed at local parts on a laptop. */
export interface Messaging {
  sendEmail(message: EmailMessage): Promise<void>;
  sendSms(message: SmsMessage): Promise<void>;
  alertOps(alert: OpsAlert): Promise<void>;
  publishOrderEvent(event: OrderEvent): Promise<void>;
}

export interface NoticeContext {
  publicBaseUrl: string;
  trackingLinkSecret: string;
}

/** The customer's tracking page link; its token is an HMAC of the order id, so it needs no API key. */
export const trackingToken = (orderId: string, secret: string): string =>
  createHmac('sha256', secret).update(orderId).digest('hex').slice(0, 32);

export const trackingPageUrl = (order: OrderRecord, ctx: NoticeContext): string =>
  `${ctx.publicBaseUrl}/track/${order.orderId}?t=${trackingToken(order.orderId, ctx.trackingLinkSecret)}`;

const day = (iso: string | undefined): string =>
  iso ? new Date(iso).toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '') : 'soon';

export interface NoticeDetail {
  /** Why an order was rejected or cancelled, in words for the customer. */
  reason?: string | undefined;
  /** The return a return label or refund is about. */
  returnId?: string | undefined;
  /** A refund's amount and where it went. */
  amount?: number | undefined;
  refundTo?: 'original_payment' | 'store_credit' | undefined;
}

interface Rendered {
  subject: string;
  email: string;
  sms: string;
}

const render = (
  template: NoticeTemplate,
  order: OrderRecord,
  ctx: NoticeContext,
  detail: NoticeDetail,
): Rendered => {
  const ref = order.externalId ?? order.orderId;
  const total = formatMoney(order.total, order.currency);
  const shipment = order.shipment;
  const track = trackingPageUrl(order, ctx);
  const greeting = `Hello ${order.customer.name},\n\n`;
  const footer = `\n\nFollow your order: ${track}\n`;
  switch (template) {
    case 'order_confirmation':
      return {
        subject: `Order ${ref} confirmed`,
        email: `${greeting}thank you for your order ${ref} (${total}). We are preparing it for shipment.${footer}`,
        sms: `Order ${ref} confirmed (${total}). Track: ${track}`,
      };
    case 'order_rejected':
      return {
        subject: `Order ${ref} could not be accepted`,
        email: `${greeting}we are sorry: your order ${ref} could not be accepted${detail.reason ? ` (${detail.reason})` : ''}. You have not been charged.${footer}`,
        sms: `Order ${ref} could not be accepted. You have not been charged.`,
      };
    case 'shipping_confirmation':
      return {
        subject: `Order ${ref} has shipped`,
        email: `${greeting}your order ${ref} is on its way with ${shipment?.carrier ?? 'the carrier'} (tracking number ${shipment?.trackingNumber ?? ''}). Expected delivery: ${day(shipment?.estimatedDelivery)}.\nCarrier tracking: ${shipment?.trackingUrl ?? ''}${footer}`,
        sms: `Order ${ref} shipped, tracking ${shipment?.trackingNumber ?? ''}. Expected ${day(shipment?.estimatedDelivery)}. ${track}`,
      };
    case 'delay_notice':
      return {
        subject: `Order ${ref} is running late`,
        email: `${greeting}your order ${ref} is taking longer than promised. The carrier now expects to deliver it by ${day(shipment?.estimatedDelivery)}. We are sorry for the wait.${footer}`,
        sms: `Order ${ref} is delayed; now expected ${day(shipment?.estimatedDelivery)}. ${track}`,
      };
    case 'out_for_delivery':
      return {
        subject: `Order ${ref} is out for delivery`,
        email: `${greeting}your order ${ref} is out for delivery today.${footer}`,
        sms: `Order ${ref} is out for delivery today.`,
      };
    case 'delivered':
      return {
        subject: `Order ${ref} was delivered`,
        email: `${greeting}your order ${ref} was delivered. We hope you enjoy it.${footer}`,
        sms: `Order ${ref} was delivered.`,
      };
    case 'delivery_failed':
      return {
        subject: `Order ${ref} could not be delivered`,
        email: `${greeting}the carrier could not deliver your order ${ref}. Your payment has been refunded and our team will be in touch.${footer}`,
        sms: `Order ${ref} could not be delivered; your payment was refunded.`,
      };
    case 'cancellation_confirmation': {
      // After shipment the payment was captured, then refunded; before it, nothing was ever charged.
      const settlement = detail.amount
        ? `We refunded ${formatMoney(detail.amount, order.currency)} to your original payment method.`
        : 'You have not been charged.';
      return {
        subject: `Order ${ref} was cancelled`,
        email: `${greeting}your order ${ref} was cancelled${detail.reason ? ` (${detail.reason})` : ''}. ${settlement}${footer}`,
        sms: `Order ${ref} was cancelled. ${settlement}`,
      };
    }
    case 'intercept_requested':
      return {
        subject: `Order ${ref}: we are stopping your parcel`,
        email: `${greeting}as you asked, we have asked ${shipment?.carrier ?? 'the carrier'} to stop your order ${ref} and bring it back to us. Once it is back, we refund your payment and confirm the cancellation.${footer}`,
        sms: `Order ${ref}: we asked the carrier to bring your parcel back; refund follows once it is back.`,
      };
    case 'return_label': {
      const ret = order.returns?.find((r) => r.returnId === detail.returnId);
      return {
        subject: `Order ${ref}: your return label`,
        email: `${greeting}here is the prepaid label for your return ${ret?.returnId ?? ''} of order ${ref}: ${ret?.labelUrl ?? ''}\nReturn tracking number: ${ret?.trackingNumber ?? ''}. Once the parcel is back with us we refund ${formatMoney(ret?.refundAmount ?? 0, order.currency)}${ret?.refundTo === 'store_credit' ? ' as store credit' : ''}.${footer}`,
        sms: `Order ${ref}: your return label is at ${ret?.labelUrl ?? ''}`,
      };
    }
    case 'refund_issued': {
      const where =
        detail.refundTo === 'store_credit' ? 'as store credit' : 'to your original payment method';
      return {
        subject: `Order ${ref}: refund issued`,
        email: `${greeting}we have refunded ${formatMoney(detail.amount ?? 0, order.currency)} for order ${ref} ${where}.${footer}`,
        sms: `Order ${ref}: ${formatMoney(detail.amount ?? 0, order.currency)} refunded ${where}.`,
      };
    }
  }
};

export interface PlannedNotice {
  key: string;
  entry: NotificationEntry;
  subject: string;
  text: string;
}

/**
 * The messages a notice means for this order (email, and SMS when opted in), leaving out any already sent for the
 * same cause. Nothing is sent here; the caller sends, then records the keys with the order.
 */
export const planNotice = (
  order: OrderRecord,
  template: NoticeTemplate,
  cause: string,
  ctx: NoticeContext,
  at: string,
  detail: NoticeDetail = {},
): PlannedNotice[] => {
  const rendered = render(template, order, ctx, detail);
  const channels: { channel: Channel; to: string; text: string }[] = [
    { channel: 'email', to: order.customer.email, text: rendered.email },
  ];
  if (order.customer.smsOptIn && order.customer.phone) {
    channels.push({ channel: 'sms', to: order.customer.phone, text: rendered.sms });
  }
  return channels
    .map(({ channel, to, text }) => ({
      key: `${template}:${cause}:${channel}`,
      entry: { at, channel, template, to },
      subject: rendered.subject,
      text,
    }))
    .filter((notice) => !(notice.key in order.notices));
};

/** The order with the sent notices recorded. */
export const withNotices = (order: OrderRecord, notices: PlannedNotice[]): OrderRecord =>
  notices.length === 0
    ? order
    : {
        ...order,
        notices: { ...order.notices, ...Object.fromEntries(notices.map((n) => [n.key, n.entry])) },
      };
