// The order list across storefronts (GET /orders with the operator key): the filters (statuses, storefront,
// creation dates, customer email, a search by order id, external id or tracking number), newest first, a page at
// a time with "Load more". A live change reloads what is shown with the same filters, so the server alone decides
// what matches.
import { fill, h } from './dom.js';
import { dateTime, money, words } from './format.js';

const PAGE_SIZE = 25;
/** The API's largest page: a live reload of a long list reads back this many rows at most. */
const MAX_PAGE = 100;

export const statusBadge = (status) =>
  h('span', { class: 'badge', dataset: { status }, text: words(status) });

/** Local midnight of a `YYYY-MM-DD` date input, `days` later, as ISO. */
const localDay = (value, days = 0) => {
  const date = new Date(`${value}T00:00:00`);
  date.setDate(date.getDate() + days);
  return date.toISOString();
};

/** An address the API takes as an email filter; a half-typed one is not sent (it would be refused). */
const completeEmail = (value) => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value);

const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));

const row = (order, selected) =>
  h(
    'tr',
    { dataset: { orderId: order.orderId }, class: selected ? 'selected' : null },
    cell(
      'Order',
      h('a', {
        href: `#/orders/${encodeURIComponent(order.orderId)}`,
        class: 'order-id',
        text: order.orderId,
      }),
      order.externalId ? h('span', { class: 'muted sub', text: `#${order.externalId}` }) : null,
    ),
    cell('Storefront', order.storefrontId),
    cell('Status', statusBadge(order.status)),
    cell(
      'Customer',
      order.customer?.name ?? '',
      h('span', { class: 'muted sub', text: order.customer?.email ?? '' }),
    ),
    cell('Total', money(order.total, order.currency)),
    cell('Payment', words(order.payment?.status)),
    cell('Tracking', order.shipment?.trackingNumber ?? '—'),
    cell('Created', h('time', { datetime: order.createdAt, text: dateTime(order.createdAt) })),
  );

export class OrderList {
  constructor(
    api,
    { form, statusOptions, statusSummary, statuses, storefronts, body, status, more },
    { onOpen },
  ) {
    this.api = api;
    this.elements = { form, statusOptions, statusSummary, body, status, more };
    this.orders = [];
    this.nextCursor = null;
    this.selectedId = null;
    this.generation = 0;
    this.renderFilters(statuses, storefronts);
    this.listen(onOpen);
  }

  /** `statuses`: the API's order statuses, as the local server hands them (functions/domain/requests.ts). */
  renderFilters(statuses, storefronts) {
    fill(
      this.elements.statusOptions,
      statuses.map((status) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'status', value: status }),
          words(status),
        ),
      ),
    );
    const select = this.elements.form.elements.namedItem('storefrontId');
    fill(
      select,
      h('option', { value: '', text: 'All storefronts' }),
      storefronts.map((id) => h('option', { value: id, text: id })),
    );
  }

  listen(onOpen) {
    const { form, body, more } = this.elements;
    let typing = null;
    form.addEventListener('submit', (event) => event.preventDefault());
    form.addEventListener('change', () => {
      this.showStatusSummary();
      void this.reload();
    });
    form.addEventListener('input', (event) => {
      if (event.target.type !== 'search' && event.target.type !== 'email') return;
      clearTimeout(typing);
      typing = setTimeout(() => void this.reload(), 300);
    });
    // The reset event comes before the fields are cleared.
    form.addEventListener('reset', () =>
      setTimeout(() => {
        this.showStatusSummary();
        void this.reload();
      }),
    );
    // The status list closes on a click elsewhere, as a select would.
    const statusFilter = form.querySelector('.status-filter');
    document.addEventListener('click', (event) => {
      if (statusFilter.open && !statusFilter.contains(event.target)) statusFilter.open = false;
    });
    more.addEventListener('click', () => this.loadMore());
    body.addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-order-id]');
      if (tr && !event.target.closest('a')) onOpen(tr.dataset.orderId);
    });
  }

  showStatusSummary() {
    const statuses = new FormData(this.elements.form).getAll('status');
    this.elements.statusSummary.textContent = statuses.length ? statuses.map(words).join(', ') : 'all';
  }

  /** The query of the filters as they stand (the API leaves out empty ones). */
  filters() {
    const data = new FormData(this.elements.form);
    const email = String(data.get('email') ?? '').trim();
    const from = String(data.get('from') ?? '');
    const to = String(data.get('to') ?? '');
    return {
      status: data.getAll('status'),
      storefrontId: data.get('storefrontId'),
      from: from ? localDay(from) : '',
      to: to ? localDay(to, 1) : '',
      email: completeEmail(email) ? email : '',
      q: String(data.get('q') ?? '').trim(),
    };
  }

  /** Loads the first page for the current filters. */
  reload() {
    return this.load({ limit: PAGE_SIZE }, false);
  }

  /** Reads back what is shown (after a live change), as one page. */
  refresh() {
    return this.load({ limit: Math.min(MAX_PAGE, Math.max(PAGE_SIZE, this.orders.length)) }, false);
  }

  loadMore() {
    return this.nextCursor ? this.load({ limit: PAGE_SIZE }, true) : Promise.resolve();
  }

  async load({ limit }, append) {
    const generation = ++this.generation;
    const { status, more } = this.elements;
    more.disabled = true;
    try {
      const page = await this.api.orders({ ...this.filters(), limit }, append ? this.nextCursor : undefined);
      // The filters changed while this page loaded: the newer list wins.
      if (generation !== this.generation) return;
      this.orders = append ? [...this.orders, ...page.orders] : page.orders;
      this.nextCursor = page.nextCursor;
      status.hidden = this.orders.length > 0;
      status.textContent = 'No orders match these filters.';
    } catch (error) {
      if (generation !== this.generation) return;
      if (!append) this.orders = [];
      this.nextCursor = null;
      status.hidden = false;
      status.textContent = `Orders unavailable: ${error.message}`;
    }
    this.render();
  }

  select(orderId) {
    this.selectedId = orderId;
    for (const tr of this.elements.body.querySelectorAll('tr[data-order-id]')) {
      tr.classList.toggle('selected', tr.dataset.orderId === orderId);
    }
  }

  render() {
    fill(
      this.elements.body,
      this.orders.map((order) => row(order, order.orderId === this.selectedId)),
    );
    this.elements.more.hidden = !this.nextCursor;
    this.elements.more.disabled = false;
  }
}
