// Customer notices (email always, SMS when the customer opted in) and operator alerts. A notice is identified by
// template + cause + channel; the order keeps the keys of what was sent, so a repeated webhook or a retried step
// sends nothing twice. What each notice says is in notice-content.ts, how an email looks in email-templates.ts;
// messages carry names and addresses of the customer only inside the message itself, never in logs.
import { renderNotice, type NoticeContext, type NoticeDetail, type NoticeTemplate } from './notice-content';
import type { Channel, NotificationEntry, OrderRecord } from './order';

export {
  noticeTemplates,
  trackingPageUrl,
  trackingToken,
  type NoticeContext,
  type NoticeDetail,
  type NoticeTemplate,
  type StoreContact,
} from './notice-content';

export interface EmailMessage {
  to: string;
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part: the same content as `text`. */
  html: string;
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
  kind:
    | 'review_needed'
    | 'delivery_failed'
    | 'workflow_failed'
    | 'unknown_tracking'
    | 'delivery_overdue'
    | 'refund_failed'
    | 'payment_dispute';
  subject: string;
  text: string;
  orderId?: string | undefined;
}

/**
 * A committed status change of an order, for other systems (the order-events topic; docs/workflow.md). Published at
 * least once: the same change always carries the same `eventId`, which subscribers de-duplicate on. No PII.
 */
export interface OrderEvent {
  /** `<orderId>:<version>`: the order item's version that holds the change. */
  eventId: string;
  /** `order.<status in lower case>`. */
  type: string;
  orderId: string;
  storefrontId: string;
  status: string;
  /** The order item's version: within one order, a later change has a higher one. */
  version: number;
  /** When the change was stored (the order's `updatedAt`). */
  at: string;
}

/** Messages to customers: email through SES and SMS through SNS in AWS. */
export interface CustomerMessaging {
  sendEmail(message: EmailMessage): Promise<void>;
  sendSms(message: SmsMessage): Promise<void>;
}

/** Messages to topics (SNS in AWS): operator alerts and order status events. */
export interface TopicMessaging {
  alertOps(alert: OpsAlert): Promise<void>;
  publishOrderEvent(event: OrderEvent): Promise<void>;
}

/** Outbound messaging: SES + SNS in AWS, the same clients pointed at local parts on a laptop. */
export interface Messaging extends CustomerMessaging, TopicMessaging {}

export interface PlannedNotice {
  key: string;
  entry: NotificationEntry;
  subject: string;
  /** The SMS, or the email's plain-text part. */
  text: string;
  /** The email's HTML part; empty for an SMS. */
  html: string;
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
  const rendered = renderNotice(template, order, ctx, detail);
  const channels: { channel: Channel; to: string; text: string; html: string }[] = [
    { channel: 'email', to: order.customer.email, ...rendered.email },
  ];
  if (order.customer.smsOptIn && order.customer.phone) {
    channels.push({ channel: 'sms', to: order.customer.phone, text: rendered.sms, html: '' });
  }
  return channels
    .map(({ channel, to, text, html }) => ({
      key: `${template}:${cause}:${channel}`,
      entry: { at, channel, template, to },
      subject: rendered.subject,
      text,
      html,
    }))
    .filter((notice) => !(notice.key in order.notices));
};

/** The order with notices recorded as sent that were not received: they count as not sent again. */
export const withoutNotices = (order: OrderRecord, notices: PlannedNotice[]): OrderRecord => {
  const keys = new Set(notices.map((notice) => notice.key));
  return {
    ...order,
    notices: Object.fromEntries(Object.entries(order.notices).filter(([key]) => !keys.has(key))),
  };
};

/** The order with the sent notices recorded. */
export const withNotices = (order: OrderRecord, notices: PlannedNotice[]): OrderRecord =>
  notices.length === 0
    ? order
    : {
        ...order,
        notices: { ...order.notices, ...Object.fromEntries(notices.map((n) => [n.key, n.entry])) },
      };
