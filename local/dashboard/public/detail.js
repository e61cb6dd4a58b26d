// One order in full (GET /orders/{orderId}): what it is, where its money and parcel are, why it was held, cancelled
// or rejected, what the customer was told, its timeline in time order, and its path through the workflows (the
// local engine's execution records: the order's execution is named after the order, each return's after the
// return).
import { fill, h } from './dom.js';
import { dateTime, money, safeUrl, words } from './format.js';
import { statusBadge } from './orders.js';

/** A definition list of the pairs whose value is set. */
const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]),
  );

const section = (name, title, ...content) =>
  h('section', { class: 'detail-section', dataset: { section: name } }, h('h3', { text: title }), ...content);

const link = (url, text) => {
  const href = safeUrl(url);
  return href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', text }) : null;
};

const time = (iso) => (iso ? h('time', { datetime: iso, text: dateTime(iso) }) : null);

const address = (a) =>
  a
    ? h(
        'address',
        {},
        [a.name, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country]
          .filter(Boolean)
          .map((line) => h('span', { class: 'line', text: line })),
      )
    : null;

const items = (order) =>
  h(
    'table',
    { class: 'items' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['SKU', 'Item', 'Qty', 'Price', 'Line'].map((t) => h('th', { text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      order.items.map((item) =>
        h(
          'tr',
          {},
          h('td', { text: item.sku }),
          h('td', { text: item.name }),
          h('td', { class: 'num', text: String(item.quantity) }),
          h('td', { class: 'num', text: money(item.unitPrice, order.currency) }),
          h('td', { class: 'num', text: money(item.unitPrice * item.quantity, order.currency) }),
        ),
      ),
    ),
  );

const totals = (order) => {
  const subtotal = order.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  return facts([
    ['Items', money(subtotal, order.currency)],
    [`Shipping (${order.shipping.service})`, money(order.shipping.amount, order.currency)],
    ['Tax', money(order.tax, order.currency)],
    ['Total', h('strong', { text: money(order.total, order.currency) })],
  ]);
};

const payment = ({ payment: p, currency }) =>
  facts([
    ['Status', words(p.status)],
    ['Provider', p.provider],
    ['Authorized', money(p.authorizedAmount, currency)],
    ['Captured', money(p.capturedAmount, currency)],
    ['Refunded', money(p.refundedAmount, currency)],
    ['Store credit', p.creditedAmount ? money(p.creditedAmount, currency) : null],
    ['Authorization expires', time(p.authorizationExpiresAt)],
  ]);

const shipment = (s) =>
  s
    ? facts([
        ['Carrier', `${s.carrier} · ${s.service}`],
        ['Tracking', s.trackingNumber],
        ['Status', words(s.status)],
        ['Delayed', s.delayed ? 'yes' : 'no'],
        ['Promised', time(s.promisedDelivery)],
        ['Estimated', time(s.estimatedDelivery)],
        ['Shipped', time(s.shippedAt)],
        ['Delivered', time(s.deliveredAt)],
        ['Label', link(s.labelUrl, 'label')],
        ['Tracking page', link(s.trackingUrl, 'carrier tracking')],
      ])
    : h('p', { class: 'muted', text: 'No label yet.' });

const reasons = (list) =>
  list.length
    ? h(
        'ul',
        { class: 'reasons' },
        list.map((r) => h('li', { text: words(r) })),
      )
    : 'none';

const risk = (r) => {
  if (!r) return h('p', { class: 'muted', text: 'Not assessed yet.' });
  const review = r.review;
  return facts([
    ['Score', h('strong', { class: 'score', text: String(r.score) })],
    ['Decision', words(r.decision)],
    ['Reasons', reasons(r.reasons)],
    ['Review until', review ? time(review.until) : null],
    ['Reviewed', review?.decision ? `${review.decision} by ${review.decidedBy ?? 'ops'}` : null],
    ['Review note', review?.note],
    ['Decided', review ? time(review.decidedAt) : null],
  ]);
};

const cancellation = (c) =>
  facts([
    ['Reason', words(c.reason)],
    ['Comment', c.comment],
    ['By', c.by],
    ['Stage', words(c.stage)],
    ['Requested', time(c.requestedAt)],
    ['Completed', time(c.completedAt)],
  ]);

/** Failed refunds and disputes the payment provider reported: each needs a person. */
const paymentIssues = (order) =>
  order.paymentIssues.map((issue) =>
    h(
      'div',
      { class: 'payment-issue', dataset: { kind: issue.kind } },
      h('h4', { text: issue.kind === 'dispute' ? 'Dispute' : 'Refund failed' }),
      facts([
        ['Amount', money(issue.amount, order.currency)],
        ['Reason', issue.reason ? words(issue.reason) : null],
        ['Dispute', issue.disputeId],
        ['Refund', issue.refundId],
        ['At', time(issue.at)],
      ]),
    ),
  );

const returns = (order) =>
  order.returns.map((r) =>
    h(
      'div',
      { class: 'return', dataset: { returnId: r.returnId } },
      h('h4', { text: `Return ${r.returnId}` }),
      facts([
        ['Status', words(r.status)],
        ['Reason', words(r.reason)],
        ['Items', r.items.map((i) => `${i.quantity} × ${i.sku}`).join(', ')],
        ['Refund', `${money(r.refundAmount, order.currency)} to ${words(r.refundTo)}`],
        ['Tracking', r.trackingNumber],
        ['Label', link(r.labelUrl, 'return label')],
        ['Opened', time(r.createdAt)],
        ['Back by', time(r.expiresAt)],
        ['Refunded', time(r.refundedAt)],
      ]),
    ),
  );

const notifications = (list) =>
  list.length
    ? h(
        'ul',
        { class: 'notifications' },
        list.map((n) =>
          h('li', {}, time(n.at), ` ${n.channel} · ${words(n.template)} → `, h('span', { text: n.to })),
        ),
      )
    : h('p', { class: 'muted', text: 'Nothing sent yet.' });

/** The timeline in time order (entries of the same instant keep the order they were recorded in). */
export const timelineInOrder = (timeline) =>
  timeline
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.i - b.i);

const timeline = (list) =>
  h(
    'ol',
    { class: 'timeline' },
    timelineInOrder(list).map(({ entry }) =>
      h(
        'li',
        { dataset: { type: entry.type } },
        time(entry.at),
        h('span', { class: 'event', text: words(entry.type) }),
        Object.keys(entry.detail ?? {}).length
          ? h(
              'span',
              { class: 'muted sub' },
              Object.entries(entry.detail)
                .map(([key, value]) => `${key}: ${value}`)
                .join(' · '),
            )
          : null,
      ),
    ),
  );

/** One execution: its status and the top-level states it entered, in order. */
const execution = (title, record) => {
  if (!record)
    return h(
      'div',
      { class: 'execution' },
      h('h4', { text: title }),
      h('p', { class: 'muted', text: 'Not started.' }),
    );
  const visited = record.visited ?? [{ state: record.state, at: record.startDate }];
  return h(
    'div',
    { class: 'execution', dataset: { execution: record.name, status: record.status } },
    h(
      'h4',
      {},
      `${title} `,
      h('span', { class: 'muted', text: `${words(record.status)} · started ${dateTime(record.startDate)}` }),
    ),
    h(
      'ol',
      { class: 'path' },
      visited.map((v, i) =>
        h(
          'li',
          {
            dataset: { state: v.state },
            class: record.status === 'RUNNING' && i === visited.length - 1 ? 'current' : null,
            title: dateTime(v.at),
          },
          v.state,
        ),
      ),
    ),
    record.error ? h('p', { class: 'error', text: `${record.error}: ${record.cause ?? ''}` }) : null,
  );
};

/** Reads the executions of the order and of each of its returns. */
export const loadExecutions = async (api, order) => {
  const names = [
    [`Order workflow`, order.orderId],
    ...order.returns.map((r) => [`Return ${r.returnId}`, r.returnId]),
  ];
  return Promise.all(
    names.map(async ([title, name]) => [title, await api.execution(name).catch(() => null)]),
  );
};

export const renderDetail = (container, order, executions) => {
  fill(
    container,
    h(
      'header',
      { class: 'detail-head' },
      h('h2', { id: 'detail-title' }, 'Order ', h('span', { class: 'order-id', text: order.orderId })),
      h('div', {}, statusBadge(order.status)),
      facts([
        ['Storefront', order.storefrontId],
        ['External id', order.externalId],
        ['Created', time(order.createdAt)],
        ['Updated', time(order.updatedAt)],
      ]),
    ),
    section('items', 'Items', items(order), totals(order)),
    section(
      'customer',
      'Customer',
      facts([
        ['Name', order.customer.name],
        ['Email', order.customer.email],
        [
          'Phone',
          order.customer.phone ? `${order.customer.phone}${order.customer.smsOptIn ? ' (SMS)' : ''}` : null,
        ],
        ['Ships to', address(order.shippingAddress)],
        ['Bills to', address(order.billingAddress)],
      ]),
    ),
    section('payment', 'Payment', payment(order)),
    section('shipment', 'Shipment', shipment(order.shipment)),
    section('risk', 'Risk', risk(order.risk)),
    order.cancellation ? section('cancellation', 'Cancellation', cancellation(order.cancellation)) : null,
    order.rejection
      ? section(
          'rejection',
          'Rejection',
          facts([
            ['Code', order.rejection.code],
            ['Reason', order.rejection.message],
          ]),
        )
      : null,
    order.paymentIssues?.length ? section('payment-issues', 'Payment issues', paymentIssues(order)) : null,
    order.returns.length ? section('returns', 'Returns', returns(order)) : null,
    section('notifications', 'Notifications', notifications(order.notifications)),
    section('timeline', 'Timeline', timeline(order.timeline)),
    section(
      'workflow',
      'Workflow path',
      executions.map(([title, record]) => execution(title, record)),
    ),
  );
};

/** The detail panel: opened by the `#/orders/<id>` route, read again when the order changes. */
export class DetailView {
  constructor(api, { panel, body, close }, { onClose }) {
    this.api = api;
    this.elements = { panel, body };
    this.orderId = null;
    this.generation = 0;
    close.addEventListener('click', onClose);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.orderId) onClose();
    });
  }

  open(orderId) {
    if (orderId !== this.orderId) {
      this.orderId = orderId;
      fill(this.elements.body, h('p', { class: 'muted', text: 'Loading…' }));
    }
    this.elements.panel.hidden = false;
    document.body.classList.add('detail-open');
    return this.refresh();
  }

  close() {
    this.orderId = null;
    this.generation += 1;
    this.elements.panel.hidden = true;
    document.body.classList.remove('detail-open');
  }

  async refresh() {
    const orderId = this.orderId;
    if (!orderId) return;
    const generation = ++this.generation;
    try {
      const order = await this.api.order(orderId);
      const executions = await loadExecutions(this.api, order);
      if (generation !== this.generation) return;
      renderDetail(this.elements.body, order, executions);
    } catch (error) {
      if (generation !== this.generation) return;
      const text =
        error.status === 404 ? `Order ${orderId} not found.` : `Order unavailable: ${error.message}`;
      fill(this.elements.body, h('p', { class: 'error', text }));
    }
  }
}
