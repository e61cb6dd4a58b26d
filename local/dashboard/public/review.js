// The review queue: every order the risk rules hold (GET /orders?status=IN_REVIEW, all storefronts) with its score
// and the rules that fired, and the operator's decision (POST /orders/{orderId}/review). A decided order stays
// here, marked, until its workflow has moved it on; the live feed then takes it off.
import { fill, h, reconcile } from './dom.js';
import { dateTime, money, words } from './format.js';

/** The API's largest page: a longer queue shows its newest hundred. */
const QUEUE_LIMIT = 100;

const decisionLabel = { approve: 'Approved', reject: 'Rejected' };

export class ReviewQueue {
  constructor(api, { list, count, status }, { onDecided }) {
    this.api = api;
    this.elements = { list, count, status };
    this.onDecided = onDecided;
    this.generation = 0;
  }

  async refresh() {
    const generation = ++this.generation;
    const { list, count, status } = this.elements;
    try {
      const { orders } = await this.api.orders({ status: ['IN_REVIEW'], limit: QUEUE_LIMIT });
      if (generation !== this.generation) return;
      count.textContent = String(orders.length);
      status.hidden = orders.length > 0;
      status.textContent = 'Nothing to review.';
      // A card is made again only when its order's review changes: a note being typed survives other changes.
      reconcile(
        list,
        orders,
        (order) => `${order.orderId}:${order.risk?.review?.decision ?? ''}`,
        (order) => this.card(order),
      );
    } catch (error) {
      if (generation !== this.generation) return;
      count.textContent = '';
      status.hidden = false;
      status.textContent = `Review queue unavailable: ${error.message}`;
      fill(list);
    }
  }

  card(order) {
    const review = order.risk?.review;
    const note = h('input', {
      type: 'text',
      name: 'note',
      maxlength: 500,
      placeholder: 'Note (optional)',
      'aria-label': 'Review note',
    });
    const message = h('p', { class: 'card-message', role: 'status' });
    const approve = h('button', { type: 'button', class: 'approve', text: 'Approve' });
    const reject = h('button', { type: 'button', class: 'reject', text: 'Reject' });
    const decide = (decision) =>
      this.decide(order.orderId, decision, note.value.trim(), { approve, reject, note, message });
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    const decided = review?.decision;
    if (decided) {
      for (const control of [approve, reject, note]) control.disabled = true;
      message.textContent = `${decisionLabel[decided]}; the workflow is moving it on.`;
    }
    return h(
      'article',
      { class: 'card', dataset: { orderId: order.orderId } },
      h(
        'header',
        {},
        h('span', { class: 'score', title: 'risk score', text: String(order.risk?.score ?? '?') }),
        h('a', {
          href: `#/orders/${encodeURIComponent(order.orderId)}`,
          class: 'order-id',
          text: order.orderId,
        }),
      ),
      h(
        'p',
        { class: 'muted' },
        `${order.storefrontId} · ${money(order.total, order.currency)} · ${order.customer?.name ?? ''}`,
      ),
      h(
        'ul',
        { class: 'reasons' },
        (order.risk?.reasons ?? []).map((r) => h('li', { text: words(r) })),
      ),
      review?.until ? h('p', { class: 'muted', text: `Decide by ${dateTime(review.until)}` }) : null,
      h('div', { class: 'card-actions' }, note, approve, reject),
      message,
    );
  }

  async decide(orderId, decision, note, controls) {
    const { approve, reject, message } = controls;
    for (const control of [approve, reject, controls.note]) control.disabled = true;
    message.textContent = decision === 'approve' ? 'Approving…' : 'Rejecting…';
    try {
      await this.api.review(orderId, decision, note);
      message.textContent = `${decisionLabel[decision]}; the workflow is moving it on.`;
      this.onDecided(orderId);
    } catch (error) {
      message.textContent = `Not recorded: ${error.message}`;
      for (const control of [approve, reject, controls.note]) control.disabled = false;
    }
  }
}
