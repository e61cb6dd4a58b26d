// What the customer sees on the tracking page, as plain text: the status in words (with what it means for their
// money), the parcel, each return, the items and totals, and the milestones. Pure: the page (tracking-page.ts) only
// escapes and lays it out. The page is open to anyone holding the link, so nothing here is read from the customer,
// the addresses, a free-text comment or reason, an error message, or a carrier scan's location (which names the
// customer's town once the parcel is near).
import { automaticReturnFor } from '../domain/cancellation';
import { customerReason } from '../domain/closing';
import { formatMoney, formatWhen } from '../domain/format';
import {
  finalStatuses,
  inTimeOrder,
  type OrderRecord,
  type ReturnRecord,
  type ShipmentState,
} from '../domain/order';
import { parcelsInFlight } from '../domain/parcels-in-flight';
import { itemsTotal } from '../domain/requests';
import { openReturnStatuses } from '../domain/returns';

export interface ParcelView {
  carrier: string;
  trackingNumber: string;
  /** The carrier's own tracking page, only while the parcel is with the carrier. */
  carrierUrl?: string | undefined;
  /** When it was delivered, or is expected (late, if so), while that is still news. */
  when?: string | undefined;
}

export interface ItemView {
  name: string;
  sku: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
}

export interface AmountLine {
  label: string;
  amount: string;
}

export interface ReturnSection {
  /** What goes back, e.g. `2 × T-shirt`. */
  title: string;
  status: string;
  /** The return parcel's tracking number, while the return is open. */
  trackingNumber?: string | undefined;
  refund: string;
}

export interface Milestone {
  /** ISO timestamp, for `<time datetime>`. */
  at: string;
  when: string;
  text: string;
}

export interface TrackingView {
  /** The storefront's order reference. */
  reference: string;
  /** The status in one sentence. */
  headline: string;
  /** What the status means for the parcel or the money. */
  notes: string[];
  /** Nothing more will change without the customer: the page stops refreshing itself. */
  final: boolean;
  parcel?: ParcelView | undefined;
  items: ItemView[];
  totals: AmountLine[];
  returns: ReturnSection[];
  /** Customer-facing milestones, oldest first. */
  history: Milestone[];
}

const refundDestination: Record<ReturnRecord['refundTo'], string> = {
  original_payment: 'to your original payment method',
  store_credit: 'as store credit',
};

/** Statuses at which the order's parcel is no concern of the customer's: it is not going out, or it came back. */
const parcelGone: ReadonlySet<OrderRecord['status']> = new Set([
  'CANCELLATION_REQUESTED',
  'CANCELLED',
  'REJECTED',
]);

// ---- The status ------------------------------------------------------------------------------------------

type Sentences = [headline: string, ...notes: string[]];

const notCharged = 'You have not been charged.';

/** Sentences saying what the refunded returns gave back, per destination. */
const refundedReturnNotes = (order: OrderRecord): string[] => {
  const refunded = (order.returns ?? []).filter((r) => r.status === 'refunded');
  return (['original_payment', 'store_credit'] as const).flatMap((to) => {
    const amount = refunded.filter((r) => r.refundTo === to).reduce((sum, r) => sum + r.refundAmount, 0);
    return amount > 0 ? [`We refunded ${formatMoney(amount, order.currency)} ${refundDestination[to]}.`] : [];
  });
};

/** The money captured and then refunded in full (an intercepted parcel back, a failed delivery). */
const refundedNote = (order: OrderRecord): string =>
  `We refunded ${formatMoney(order.payment.refundedAmount, order.currency)} to your original payment method.`;

/** A parcel on its way with a cancellation asked for after it left. */
const cancellingInTransit = (order: OrderRecord): Sentences | undefined => {
  switch (order.cancellation?.stage) {
    case 'requested':
      return [
        'You asked us to cancel your order. It has already left, so we are asking the carrier to bring it back.',
      ];
    case 'intercept_refused':
      return [
        'You asked us to cancel your order, but the carrier could not stop the parcel.',
        'Once it is delivered we email you a return label; send it back and we refund you.',
      ];
    default:
      return undefined;
  }
};

const deliveredSentences = (order: OrderRecord): Sentences => {
  if (automaticReturnFor(order)) {
    return [
      'Your order was delivered before the carrier could stop it.',
      'We are opening a return for it and will email you the label.',
    ];
  }
  const refunds = refundedReturnNotes(order);
  return refunds.length > 0
    ? ['Your order was delivered, and part of it was returned.', ...refunds]
    : ['Your order was delivered.'];
};

const returnRequestedSentences = (order: OrderRecord): Sentences => {
  const open = (order.returns ?? []).filter((r) => openReturnStatuses.has(r.status));
  const automatic = open.find((r) => r.automatic);
  if (automatic) {
    const refund = formatMoney(automatic.refundAmount, order.currency);
    return [
      'You cancelled your order, but it was delivered before the carrier could stop it.',
      automatic.status === 'in_transit'
        ? `It is on its way back to us; we refund ${refund} once it is back.`
        : `Send it back with the return label we emailed you; we refund ${refund} once it is back.`,
    ];
  }
  return open.some((r) => r.status === 'in_transit')
    ? ['Your return is on its way back to us.']
    : ['Your return is open: send the parcel back with the return label we emailed you.'];
};

const cancelledSentences = (order: OrderRecord): Sentences => {
  if (order.payment.capturedAmount > 0) {
    return ['Your order was cancelled and the parcel is back with us.', refundedNote(order)];
  }
  return order.cancellation?.reason === 'authorization_expired'
    ? ['Your order was cancelled: the payment authorization expired before it shipped.', notCharged]
    : ['Your order was cancelled.', notCharged];
};

const returnedSentences = (order: OrderRecord): Sentences => {
  const headline =
    order.cancellation?.stage === 'return_opened'
      ? 'Your order was cancelled and the parcel is back with us.'
      : 'Your order was returned and refunded.';
  return [headline, ...refundedReturnNotes(order)];
};

const deliveryFailedWords: Record<string, string> = {
  lost: 'Your parcel did not arrive, and the carrier could not find it.',
  return_to_sender: 'The carrier could not deliver your parcel and is bringing it back to us.',
};

const deliveryFailedSentences = (order: OrderRecord): Sentences => {
  const reason = order.timeline.findLast((entry) => entry.type === 'DELIVERY_FAILED')?.detail.reason;
  const headline =
    (typeof reason === 'string' ? deliveryFailedWords[reason] : undefined) ??
    'The carrier could not deliver your parcel.';
  return [headline, refundedNote(order)];
};

const rejectedSentences = (order: OrderRecord): Sentences => {
  const reason = order.rejection ? customerReason[order.rejection.code] : undefined;
  return [
    reason ? `We could not accept your order: ${reason}.` : 'We could not accept your order.',
    notCharged,
  ];
};

/** The status in words, with the sub-state that matters: how a cancellation or a return stands, and the money. */
export const statusSentences = (order: OrderRecord): Sentences => {
  switch (order.status) {
    case 'RECEIVED':
      return ['We have received your order.'];
    case 'IN_REVIEW':
      return ['We are checking your order before we prepare it.'];
    case 'CONFIRMED':
      return ['Your order is confirmed and being prepared.'];
    case 'LABEL_CREATED':
      return cancellingInTransit(order) ?? ['Your order is packed and waiting for the carrier.'];
    case 'SHIPPED':
      return cancellingInTransit(order) ?? ['Your order has shipped.'];
    case 'IN_TRANSIT':
      return cancellingInTransit(order) ?? ['Your order is on its way.'];
    case 'OUT_FOR_DELIVERY':
      return (
        cancellingInTransit(order) ??
        (order.shipment?.status === 'available_for_pickup'
          ? ['Your order is ready for pickup at the carrier.']
          : ['Your order is out for delivery.'])
      );
    case 'DELIVERED':
      return deliveredSentences(order);
    case 'CANCELLATION_REQUESTED':
      return ['We are cancelling your order.', 'You will not be charged.'];
    case 'INTERCEPT_REQUESTED':
      return [
        'You cancelled your order: the carrier is bringing the parcel back to us.',
        `Once it is back we refund ${formatMoney(order.payment.capturedAmount - order.payment.refundedAmount, order.currency)} to your original payment method.`,
      ];
    case 'RETURN_REQUESTED':
      return returnRequestedSentences(order);
    case 'REJECTED':
      return rejectedSentences(order);
    case 'CANCELLED':
      return cancelledSentences(order);
    case 'RETURNED':
      return returnedSentences(order);
    case 'DELIVERY_FAILED':
      return deliveryFailedSentences(order);
    case 'FAILED':
      return ['Something went wrong with your order, and our team has been told.', 'We will be in touch.'];
  }
};

/**
 * No change is coming without the customer: a final status, except a delivered order whose cancellation is about
 * to open a return by itself.
 */
export const isSettled = (order: OrderRecord): boolean =>
  finalStatuses.has(order.status) && !automaticReturnFor(order);

// ---- The parcel ------------------------------------------------------------------------------------------

const lateWords = (shipment: ShipmentState): string | undefined => {
  if (shipment.estimatedDelivery > shipment.promisedDelivery) {
    return `Running late: now expected by ${formatWhen(shipment.estimatedDelivery)} (first promised by ${formatWhen(shipment.promisedDelivery)}).`;
  }
  return shipment.delayed
    ? `Running late: it was expected by ${formatWhen(shipment.promisedDelivery)}.`
    : undefined;
};

/**
 * The delivery day, or the estimate while one still matters: not once the order ended, nor while it is being
 * cancelled (the parcel is stopped or coming back).
 */
const parcelWhen = (order: OrderRecord, shipment: ShipmentState): string | undefined => {
  if (shipment.deliveredAt) return `Delivered ${formatWhen(shipment.deliveredAt)}`;
  if (finalStatuses.has(order.status) || order.cancellation) return undefined;
  return lateWords(shipment) ?? `Expected by ${formatWhen(shipment.estimatedDelivery)}`;
};

const parcelOf = (order: OrderRecord): ParcelView | undefined => {
  const shipment = order.shipment;
  if (!shipment || shipment.status === 'voided' || parcelGone.has(order.status)) return undefined;
  const withCarrier = parcelsInFlight(order).some((parcel) => parcel.returnId === undefined);
  return {
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    carrierUrl: withCarrier && shipment.trackingUrl ? shipment.trackingUrl : undefined,
    when: parcelWhen(order, shipment),
  };
};

// ---- Returns ---------------------------------------------------------------------------------------------

const returnStatusWords = (ret: ReturnRecord): string => {
  switch (ret.status) {
    case 'label_created':
      return 'Waiting for you to send it, with the return label we emailed you.';
    case 'in_transit':
      return 'On its way back to us.';
    case 'refunded':
      return ret.refundedAt ? `Back with us since ${formatWhen(ret.refundedAt)}.` : 'Back with us.';
    case 'expired':
      return `Closed: the parcel did not reach us by ${formatWhen(ret.expiresAt)}.`;
  }
};

const returnRefundWords = (ret: ReturnRecord, currency: string): string => {
  const amount = `${formatMoney(ret.refundAmount, currency)} ${refundDestination[ret.refundTo]}`;
  if (ret.status === 'refunded') return `Refunded ${amount}.`;
  return ret.status === 'expired' ? 'Nothing was refunded.' : `We refund ${amount} once it is back.`;
};

const returnSectionOf = (order: OrderRecord, ret: ReturnRecord): ReturnSection => {
  const names = new Map(order.items.map((item) => [item.sku, item.name]));
  return {
    title: ret.items.map((line) => `${line.quantity} × ${names.get(line.sku) ?? line.sku}`).join(', '),
    status: returnStatusWords(ret),
    trackingNumber: openReturnStatuses.has(ret.status) ? ret.trackingNumber : undefined,
    refund: returnRefundWords(ret, order.currency),
  };
};

// ---- Items and totals ------------------------------------------------------------------------------------

const itemsOf = (order: OrderRecord): ItemView[] =>
  order.items.map((item) => ({
    name: item.name,
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: formatMoney(item.unitPrice, order.currency),
    lineTotal: formatMoney(item.unitPrice * item.quantity, order.currency),
  }));

const totalsOf = (order: OrderRecord): AmountLine[] => {
  const money = (amount: number) => formatMoney(amount, order.currency);
  const { refundedAmount, creditedAmount = 0 } = order.payment;
  return [
    { label: 'Subtotal', amount: money(itemsTotal(order.items)) },
    { label: 'Shipping', amount: money(order.shippingAmount) },
    { label: 'Tax', amount: money(order.tax) },
    { label: 'Total', amount: money(order.total) },
    ...(refundedAmount > 0
      ? [{ label: 'Refunded to your payment method', amount: money(refundedAmount) }]
      : []),
    ...(creditedAmount > 0 ? [{ label: 'Given as store credit', amount: money(creditedAmount) }] : []),
  ];
};

// ---- History ---------------------------------------------------------------------------------------------

type Detail = OrderRecord['timeline'][number]['detail'];

/**
 * The timeline entries a customer cares about, in their words. Anything else (risk review, authorizations and
 * their renewals, label voids, the warehouse's ship call, scans that say nothing new) stays off the page.
 */
const milestoneWords = (currency: string): Record<string, (detail: Detail) => string> => {
  const money = (amount: unknown) => (typeof amount === 'number' ? formatMoney(amount, currency) : '');
  return {
    ORDER_RECEIVED: () => 'Order received',
    ORDER_CONFIRMED: () => 'Order confirmed',
    LABEL_CREATED: () => 'Packed, shipping label created',
    PAYMENT_CAPTURED: (d) => `Payment of ${money(d.amount)} taken`,
    SHIPPED: () => 'Handed to the carrier',
    CARRIER_IN_TRANSIT: () => 'In transit',
    CARRIER_OUT_FOR_DELIVERY: () => 'Out for delivery',
    CARRIER_AVAILABLE_FOR_PICKUP: () => 'Ready for pickup at the carrier',
    CARRIER_DELIVERED: () => 'Delivered',
    CARRIER_FAILURE: () => 'The carrier could not deliver the parcel',
    CARRIER_RETURN_TO_SENDER: () => 'The carrier is bringing the parcel back to us',
    CARRIER_BACK_AT_SENDER: () => 'Parcel back with us',
    DELIVERY_DELAYED: (d) =>
      typeof d.estimatedDelivery === 'string'
        ? `Running late: now expected by ${formatWhen(d.estimatedDelivery)}`
        : 'Running late',
    DELIVERY_FAILED: () => 'Delivery failed',
    CANCELLATION_REQUESTED: () => 'You asked to cancel',
    INTERCEPT_REQUESTED: () => 'The carrier was asked to bring the parcel back',
    INTERCEPT_REFUSED: () => 'The carrier could not stop the parcel',
    PAYMENT_VOIDED: () => 'The hold on your payment was released',
    ORDER_CANCELLED: (d) =>
      typeof d.refund === 'number' && d.refund > 0
        ? `Order cancelled, ${money(d.refund)} refunded`
        : 'Order cancelled',
    ORDER_REJECTED: () => 'Order not accepted',
    ORDER_FAILED: () => 'Order stopped by a problem on our side',
    RETURN_REQUESTED: () => 'Return opened',
    RETURN_IN_TRANSIT: () => 'Return parcel on its way back',
    RETURN_DELIVERED: () => 'Return parcel back with us',
    RETURN_REFUNDED: (d) =>
      `Refunded ${money(d.amount)} ${refundDestination[d.refundTo === 'store_credit' ? 'store_credit' : 'original_payment']}`,
    RETURN_EXPIRED: () => 'Return closed: the parcel did not reach us in time',
  };
};

/** The milestones by time (carrier scans are recorded when they arrive, not when they happened), oldest first. */
const historyOf = (order: OrderRecord): Milestone[] => {
  const words = milestoneWords(order.currency);
  return inTimeOrder(order.timeline).flatMap((entry) => {
    const text = words[entry.type]?.(entry.detail);
    return text ? [{ at: entry.at, when: formatWhen(entry.at), text }] : [];
  });
};

// ---- The view --------------------------------------------------------------------------------------------

export const trackingView = (order: OrderRecord): TrackingView => {
  const [headline, ...notes] = statusSentences(order);
  return {
    reference: order.externalId ?? order.orderId,
    headline,
    notes,
    final: isSettled(order),
    parcel: parcelOf(order),
    items: itemsOf(order),
    totals: totalsOf(order),
    returns: (order.returns ?? []).map((ret) => returnSectionOf(order, ret)),
    history: historyOf(order),
  };
};
