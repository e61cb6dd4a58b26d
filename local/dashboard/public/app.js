// The operator dashboard of the local engine: wires the views to the API and the live feed. Routes are in the URL
// hash (`#/orders/<orderId>` opens an order), so an order can be linked and the back button closes it.
import { createApi, loadSettings } from './api.js';
import { DetailView } from './detail.js';
import { byId, fill, h } from './dom.js';
import { KpiPanel } from './kpis.js';
import { connectLive } from './live.js';
import { OrderList } from './orders.js';
import { ReviewQueue } from './review.js';
import { coalesced } from './schedule.js';

const LIVE_LABELS = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

const orderRoute = () => {
  const match = /^#\/orders\/([^/?#]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
};

const showEnvironment = (settings) => {
  const mail = settings.mailUrl
    ? h('a', { href: settings.mailUrl, target: '_blank', rel: 'noopener', text: 'mail viewer' })
    : null;
  fill(
    byId('environment'),
    `carrier simulation ${settings.carrierSimulation} · one business day = ${settings.daySeconds} s · `,
    mail,
    ' · ',
    h('a', { href: '/_local/outbox', target: '_blank', text: 'outbox' }),
  );
};

const showNotice = (text) => {
  const notice = byId('notice');
  notice.textContent = text;
  notice.hidden = false;
};

const boot = async () => {
  const settings = await loadSettings();
  showEnvironment(settings);
  if (!settings.opsKey) {
    showNotice('No operator key is configured: add ops:<key> to ORDERFLOW_API_KEYS and restart.');
    return;
  }
  const api = createApi(settings.opsKey);
  const openOrder = (orderId) => {
    location.hash = `#/orders/${encodeURIComponent(orderId)}`;
  };
  const kpis = new KpiPanel(api, {
    tiles: byId('kpi-tiles'),
    charts: byId('kpi-charts'),
    status: byId('kpi-status'),
  });
  const orders = new OrderList(
    api,
    {
      form: byId('filters'),
      statusOptions: byId('status-options'),
      statusSummary: byId('status-summary'),
      statuses: settings.statuses,
      storefronts: settings.storefronts,
      body: byId('order-rows'),
      status: byId('orders-status'),
      more: byId('load-more'),
    },
    { onOpen: openOrder },
  );
  const detail = new DetailView(
    api,
    { panel: byId('detail'), body: byId('detail-body'), close: byId('detail-close') },
    { onClose: () => (location.hash = '#/') },
  );

  // One coalesced refresh per view: a burst of changes reloads each once.
  const refreshList = coalesced(() => orders.refresh(), 150);
  const refreshKpis = coalesced(() => kpis.refresh(), 500);
  const refreshDetail = coalesced(() => detail.refresh(), 150);
  const queue = new ReviewQueue(
    api,
    { list: byId('review-list'), count: byId('review-count'), status: byId('review-status') },
    { onDecided: () => refreshList() },
  );
  const refreshQueue = coalesced(() => queue.refresh(), 150);
  const refreshAll = () =>
    [refreshList, refreshKpis, refreshDetail, refreshQueue].forEach((refresh) => refresh());

  for (const button of document.querySelectorAll('[data-range]')) {
    button.addEventListener('click', () => {
      for (const other of document.querySelectorAll('[data-range]')) {
        other.setAttribute('aria-pressed', String(other === button));
      }
      void kpis.setRange(button.dataset.range);
    });
  }

  const route = () => {
    const orderId = orderRoute();
    orders.select(orderId);
    if (orderId) void detail.open(orderId);
    else detail.close();
  };
  window.addEventListener('hashchange', route);

  const live = byId('live');
  connectLive({
    onChange: (change) => {
      refreshList();
      refreshQueue();
      refreshKpis();
      if (change.orderId === detail.orderId) refreshDetail();
    },
    onConnected: refreshAll,
    onState: (state) => {
      live.dataset.state = state;
      live.textContent = LIVE_LABELS[state] ?? state;
    },
  });

  route();
  await Promise.all([kpis.refresh(), orders.reload(), queue.refresh()]);
};

boot().catch((error) => showNotice(`The dashboard could not start: ${error.message}`));
