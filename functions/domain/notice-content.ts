// What each customer notice says: its subject, its words, the facts and links it carries, the order summary every
// email ends with, and its SMS. The words are written once here as plain text; email-templates.ts lays them out as
// HTML and text parts, and the SMS is cut to fit one segment. Nothing here is sent or logged.
import { createHmac } from 'node:crypto';
import {
  renderEmail,
  type EmailContent,
  type EmailFact,
  type EmailLink,
  type EmailOrderSummary,
  type RenderedEmail,
} from './email-templates';
import { formatMoney } from './format';
import type { OrderRecord, ReturnRecord, ShipmentState } from './order';
import type { Address } from './requests';

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

/** Who the customer buys from and where they get help (stage config). */
export interface StoreContact {
  name: string;
  supportEmail: string;
  supportUrl?: string | undefined;
}

export interface NoticeContext {
  publicBaseUrl: string;
  trackingLinkSecret: string;
  store: StoreContact;
  /** Days after delivery within which items may be returned (the stage's return window). */
  returnWindowDays: number;
}

export interface NoticeDetail {
  /** Why an order was rejected or cancelled, in words for the customer. */
  reason?: string | undefined;
  /** The return a return label or refund is about. */
  returnId?: string | undefined;
  /** A refund's amount and where it went. */
  amount?: number | undefined;
  refundTo?: 'original_payment' | 'store_credit' | undefined;
}

/** The customer's tracking page link; its token is an HMAC of the order id, so it needs no API key. */
export const trackingToken = (orderId: string, secret: string): string =>
  createHmac('sha256', secret).update(orderId).digest('hex').slice(0, 32);

export const trackingPageUrl = (order: OrderRecord, ctx: NoticeContext): string =>
  `${ctx.publicBaseUrl}/track/${order.orderId}?t=${trackingToken(order.orderId, ctx.trackingLinkSecret)}`;

// ---- Dates, money and the order's parts ----------------------------------------------------------------------

/** `Sat, 09 Mar 2030` (UTC), for emails. */
const day = (iso: string | undefined): string =>
  iso ? new Date(iso).toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '') : 'soon';

/** `Mar 9` (UTC), for SMS where every character counts. */
const shortDay = (iso: string | undefined): string =>
  iso
    ? new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
        new Date(iso),
      )
    : 'soon';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

const countryName = (code: string): string => {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
};

const addressLines = (name: string, address: Address): string[] => {
  const place = [address.city, [address.region, address.postalCode].filter(Boolean).join(' ')].join(', ');
  return [name, address.line1, address.line2 ?? '', place, countryName(address.country)].filter(
    (line) => line.trim() !== '',
  );
};

const serviceNames: Readonly<Record<OrderRecord['shippingService'], string>> = {
  standard: 'Standard',
  express: 'Express',
  overnight: 'Overnight',
};

const orderSummary = (order: OrderRecord, ref: string): EmailOrderSummary => {
  const money = (amount: number) => formatMoney(amount, order.currency);
  const subtotal = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return {
    heading: `Order ${ref}`,
    items: order.items.map((item) => ({
      name: item.name,
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: money(item.unitPrice),
      lineTotal: money(item.quantity * item.unitPrice),
    })),
    totals: [
      { label: 'Subtotal', value: money(subtotal) },
      { label: `Shipping (${serviceNames[order.shippingService]})`, value: money(order.shippingAmount) },
      { label: 'Tax', value: money(order.tax) },
      { label: 'Total', value: money(order.total) },
    ],
    shippingAddress: addressLines(order.customer.name, order.shippingAddress),
  };
};

/** The parcel the customer can follow with the carrier: none before the label, nor once the label is voided. */
const liveShipment = (order: OrderRecord): ShipmentState | undefined =>
  order.shipment && order.shipment.status !== 'voided' ? order.shipment : undefined;

const parcelFacts = (shipment: ShipmentState | undefined): EmailFact[] =>
  shipment
    ? [
        { label: 'Carrier', value: shipment.carrier },
        { label: 'Tracking number', value: shipment.trackingNumber },
      ]
    : [];

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

// ---- What each notice says -----------------------------------------------------------------------------------

interface NoticeInput {
  order: OrderRecord;
  ctx: NoticeContext;
  detail: NoticeDetail;
  /** The order number the customer knows: the storefront's id, or ours. */
  ref: string;
  track: string;
  shipment: ShipmentState | undefined;
  money: (amount: number) => string;
}

interface NoticeWords {
  subject: string;
  paragraphs: string[];
  facts?: EmailFact[];
  /** Links of this notice, before the tracking page and the carrier's page every email has. */
  links?: EmailLink[];
  /** Remind the customer of the return window. */
  returnPolicy?: boolean;
  sms: string;
  /** Ends the SMS when it is worth the characters. */
  smsLink?: string | undefined;
}

const refundDestination = (refundTo: NoticeDetail['refundTo']): string =>
  refundTo === 'store_credit' ? 'as store credit' : 'to your original payment method';

const returnedItems = (order: OrderRecord, ret: ReturnRecord): string =>
  ret.items
    .map(
      (line) => `${line.quantity} × ${order.items.find((item) => item.sku === line.sku)?.name ?? line.sku}`,
    )
    .join(', ');

const returnLabelWords = ({ order, detail, ref, money }: NoticeInput): NoticeWords => {
  const ret = order.returns?.find((r) => r.returnId === detail.returnId);
  const refund = `${money(ret?.refundAmount ?? 0)}${ret?.refundTo === 'store_credit' ? ' as store credit' : ''}`;
  const facts: EmailFact[] = ret
    ? [
        { label: 'Return', value: ret.returnId },
        { label: 'Items', value: returnedItems(order, ret) },
        { label: 'Return tracking number', value: ret.trackingNumber },
        { label: 'Refund', value: refund },
        { label: 'Send it by', value: day(ret.expiresAt) },
      ]
    : [];
  return {
    subject: `Order ${ref}: your return label`,
    paragraphs: [
      `Here is the prepaid label for your return of order ${ref}. Print it, put it on the parcel and hand the parcel to the carrier by ${day(ret?.expiresAt)}.`,
      `Once the parcel is back with us we refund ${refund}.`,
    ],
    facts,
    links: ret ? [{ label: 'Print your return label', url: ret.labelUrl }] : [],
    sms: `Order ${ref}: your prepaid return label is here:`,
    smsLink: ret?.labelUrl,
  };
};

const delayWords = ({ ref, shipment, track }: NoticeInput): NoticeWords => {
  const promised = shipment?.promisedDelivery;
  const estimate = shipment?.estimatedDelivery;
  // A passed deadline without news keeps the old estimate: there is no new date to give then.
  const later = estimate !== undefined && promised !== undefined && estimate > promised;
  return {
    subject: `Order ${ref} is running late`,
    paragraphs: later
      ? [
          `Your order ${ref} is taking longer than promised. The carrier now expects to deliver it by ${day(estimate)}. We are sorry for the wait.`,
        ]
      : [
          `Your order ${ref} is taking longer than promised: it was due by ${day(promised)} and the carrier has not given a new date yet. We are sorry for the wait and are following it up.`,
        ],
    facts: [
      ...(later ? [{ label: 'New expected delivery', value: day(estimate) }] : []),
      { label: 'First promised', value: day(promised) },
      ...parcelFacts(shipment),
    ],
    sms: later
      ? `Order ${ref} is delayed, now expected ${shortDay(estimate)}:`
      : `Order ${ref} is running late:`,
    smsLink: track,
  };
};

const cancellationWords = ({ ref, detail, money }: NoticeInput): NoticeWords => {
  // After shipment the payment was captured, then refunded; before it, nothing was ever charged.
  const settlement = detail.amount
    ? `We refunded ${money(detail.amount)} to your original payment method.`
    : 'You have not been charged.';
  return {
    subject: `Order ${ref} was cancelled`,
    paragraphs: [
      `Your order ${ref} was cancelled${detail.reason ? ` (${detail.reason})` : ''}. ${settlement}`,
    ],
    facts: detail.amount ? [{ label: 'Refunded', value: money(detail.amount) }] : [],
    sms: `Order ${ref} was cancelled. ${settlement}`,
  };
};

const refundWords = ({ ref, detail, money }: NoticeInput): NoticeWords => {
  const amount = money(detail.amount ?? 0);
  const where = refundDestination(detail.refundTo);
  return {
    subject: `Order ${ref}: refund issued`,
    paragraphs: [
      `We have refunded ${amount} for order ${ref} ${where}.`,
      ...(detail.refundTo === 'store_credit'
        ? ['The credit is yours to spend on your next order with us.']
        : ['It may take a few business days to show on your statement.']),
    ],
    facts: [
      { label: 'Refunded', value: amount },
      {
        label: 'Refunded to',
        value: detail.refundTo === 'store_credit' ? 'Store credit' : 'Original payment method',
      },
      ...(detail.returnId ? [{ label: 'Return', value: detail.returnId }] : []),
    ],
    sms: `Order ${ref}: ${amount} refunded ${where}.`,
  };
};

const words: Readonly<Record<NoticeTemplate, (input: NoticeInput) => NoticeWords>> = {
  order_confirmation: ({ order, ref, track, money }) => ({
    subject: `Order ${ref} confirmed`,
    paragraphs: [
      `Thank you for your order ${ref} (${money(order.total)}). We are preparing it for shipment and will email you again when it is on its way.`,
    ],
    facts: [
      { label: 'Ordered on', value: day(order.createdAt) },
      { label: 'Delivery', value: serviceNames[order.shippingService] },
    ],
    sms: `Order ${ref} confirmed (${money(order.total)}). Track it:`,
    smsLink: track,
  }),
  order_rejected: ({ ref, detail }) => ({
    subject: `Order ${ref} could not be accepted`,
    paragraphs: [
      `We are sorry: your order ${ref} could not be accepted${detail.reason ? ` (${detail.reason})` : ''}. You have not been charged.`,
    ],
    sms: `Order ${ref} could not be accepted. You have not been charged.`,
  }),
  shipping_confirmation: ({ ref, shipment, track }) => ({
    subject: `Order ${ref} has shipped`,
    paragraphs: [
      `Your order ${ref} is on its way with ${shipment?.carrier ?? 'the carrier'} (tracking number ${shipment?.trackingNumber ?? ''}).`,
    ],
    facts: [
      ...parcelFacts(shipment),
      { label: 'Expected delivery', value: day(shipment?.estimatedDelivery) },
    ],
    returnPolicy: true,
    sms: `Order ${ref} has shipped, expected ${shortDay(shipment?.estimatedDelivery)}:`,
    smsLink: track,
  }),
  delay_notice: delayWords,
  out_for_delivery: ({ ref, shipment, track }) => ({
    subject: `Order ${ref} is out for delivery`,
    paragraphs: [`Your order ${ref} is out for delivery today.`],
    facts: parcelFacts(shipment),
    sms: `Order ${ref} is out for delivery today:`,
    smsLink: track,
  }),
  delivered: ({ ref, shipment }) => ({
    subject: `Order ${ref} was delivered`,
    paragraphs: [`Your order ${ref} was delivered. We hope you enjoy it.`],
    facts: shipment?.deliveredAt ? [{ label: 'Delivered on', value: day(shipment.deliveredAt) }] : [],
    returnPolicy: true,
    sms: `Order ${ref} was delivered.`,
  }),
  delivery_failed: ({ ref, shipment }) => ({
    subject: `Order ${ref} could not be delivered`,
    paragraphs: [
      `The carrier could not deliver your order ${ref}. Your payment has been refunded and our team will be in touch.`,
    ],
    facts: parcelFacts(shipment),
    sms: `Order ${ref} could not be delivered; your payment was refunded.`,
  }),
  cancellation_confirmation: cancellationWords,
  intercept_requested: ({ ref, shipment }) => ({
    subject: `Order ${ref}: we are stopping your parcel`,
    paragraphs: [
      `As you asked, we have asked ${shipment?.carrier ?? 'the carrier'} to stop your order ${ref} and bring it back to us. Once it is back, we refund your payment and confirm the cancellation.`,
    ],
    facts: parcelFacts(shipment),
    sms: `Order ${ref}: we asked the carrier to bring your parcel back; refund follows once it is back.`,
  }),
  return_label: returnLabelWords,
  refund_issued: refundWords,
};

// ---- The email and the SMS -----------------------------------------------------------------------------------

/** One SMS segment: 160 characters of the GSM alphabet. */
export const SMS_SEGMENT = 160;

/** The SMS: the store's name leads when it still fits in one segment, the link (if any) ends it. */
const smsText = (storeName: string, message: string, link: string | undefined): string => {
  const body = link ? `${message} ${link}` : message;
  const named = `${storeName}: ${body}`;
  return named.length <= SMS_SEGMENT ? named : body;
};

const returnPolicy = (ctx: NoticeContext): string =>
  `Returns: you can return items within ${plural(ctx.returnWindowDays, 'day')} of delivery. To start a return, write to ${ctx.store.supportEmail}.`;

export interface RenderedNotice {
  subject: string;
  email: RenderedEmail;
  sms: string;
}

export const renderNotice = (
  template: NoticeTemplate,
  order: OrderRecord,
  ctx: NoticeContext,
  detail: NoticeDetail,
): RenderedNotice => {
  const ref = order.externalId ?? order.orderId;
  const shipment = liveShipment(order);
  const track = trackingPageUrl(order, ctx);
  const money = (amount: number) => formatMoney(amount, order.currency);
  const said = words[template]({ order, ctx, detail, ref, track, shipment, money });
  const content: EmailContent = {
    subject: said.subject,
    preheader: said.paragraphs[0] ?? said.subject,
    greeting: `Hello ${order.customer.name},`,
    paragraphs: said.paragraphs,
    facts: said.facts ?? [],
    links: [
      ...(said.links ?? []),
      { label: 'Follow your order', url: track },
      ...(shipment?.trackingUrl ? [{ label: 'Carrier tracking', url: shipment.trackingUrl }] : []),
    ],
    summary: orderSummary(order, ref),
    notes: said.returnPolicy ? [returnPolicy(ctx)] : [],
    store: ctx.store,
  };
  return {
    subject: said.subject,
    email: renderEmail(content),
    sms: smsText(ctx.store.name, said.sms, said.smsLink),
  };
};
