// `npm run demo`: sample orders through the whole system, printed as they end. Uses the stack already running on
// PORT (default 3000) if there is one, else starts its own in memory with fast business days. Scenarios: happy
// path, declined card, out of stock, delayed parcel, cancel before shipment, cancel after shipment, return.
import { readFileSync } from 'node:fs';
import type { OrderView } from '../functions/domain/order';
import { parseApiKeys } from '../functions/runtime/config';
import { itemsTotal, type CreateOrderRequest } from '../functions/domain/requests';
import { ApiClient } from './api-client';
import { readSettings } from './settings';
import { projectRoot } from '../catalog/paths';
import { startLocalSystem, type LocalSystem } from './system';

process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const settings = readSettings(process.env);
const keys = [...parseApiKeys(settings.apiKeys).entries()];
const storefrontKey = keys.find(([, principal]) => principal !== 'ops')?.[0] ?? 'local-dev-key';
const opsKey = keys.find(([, principal]) => principal === 'ops')?.[0] ?? 'local-ops-key';

const example = JSON.parse(
  readFileSync(`${projectRoot}/test/fixtures/orders/standard-order.json`, 'utf8'),
) as CreateOrderRequest;
const run = Date.now().toString(36);

const keysOfDemo = { storefront: storefrontKey, ops: opsKey, webhookSecret: settings.webhookSecret };

const call = <T>(base: string, method: string, path: string, body?: unknown, key = storefrontKey) =>
  new ApiClient({ url: base }, keysOfDemo).request<T>(method, path, { key, body });

const order = (
  name: string,
  patch: (o: CreateOrderRequest) => void = () => undefined,
): CreateOrderRequest => {
  const request = structuredClone(example);
  request.externalId = `demo-${run}-${name}`;
  patch(request);
  request.total = itemsTotal(request.items) + request.shipping.amount + request.tax;
  return request;
};

const until = async (base: string, orderId: string, done: (o: OrderView) => boolean, seconds: number) => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const { body } = await call<OrderView>(base, 'GET', `/orders/${orderId}`);
    if (done(body) || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
const reached =
  (...statuses: string[]) =>
  (o: OrderView) =>
    statuses.includes(o.status);

const summary = (scenario: string, o: OrderView): string => {
  const notices = [...new Set(o.notifications.filter((n) => n.channel === 'email').map((n) => n.template))];
  return [
    scenario.padEnd(26),
    o.status.padEnd(22),
    `payment ${o.payment.status} (captured ${o.payment.capturedAmount}, refunded ${o.payment.refundedAmount})`.padEnd(
      52,
    ),
    `emails: ${notices.join(', ')}`,
  ].join(' ');
};

const scenarios = (base: string, daySeconds: number) => {
  // Waits are bounded by business days, with a floor for a busy machine.
  const dayLimit = Math.max(daySeconds, 3);
  const post = async (request: CreateOrderRequest) =>
    (await call<OrderView>(base, 'POST', '/orders', request)).body.orderId;
  const cancel = (orderId: string, reason: string) =>
    call(base, 'POST', `/orders/${orderId}/cancel`, { reason, comment: 'demo' });
  return {
    'happy path': async () => until(base, await post(order('happy')), reached('DELIVERED'), dayLimit * 8),
    'declined card': async () =>
      until(
        base,
        await post(order('declined', (o) => (o.payment.token = 'tok_chargeDeclined'))),
        reached('REJECTED'),
        30,
      ),
    'out of stock': async () =>
      until(
        base,
        await post(
          order(
            'stock',
            (o) => (o.items = [{ sku: 'SKU-POSTER', name: 'Poster', quantity: 99, unitPrice: 2500 }]),
          ),
        ),
        reached('REJECTED'),
        30,
      ),
    'delayed parcel': async () =>
      until(
        base,
        await post(order('delay', (o) => (o.shippingAddress.line2 = 'DELAY'))),
        reached('DELIVERED'),
        dayLimit * 10,
      ),
    'cancel before shipment': async () => {
      const id = await post(order('cancel-early'));
      await until(base, id, reached('LABEL_CREATED'), 30);
      await cancel(id, 'changed_mind');
      return until(base, id, reached('CANCELLED'), 30);
    },
    'cancel after shipment': async () => {
      const id = await post(order('cancel-late'));
      await until(base, id, reached('IN_TRANSIT'), dayLimit * 3);
      await cancel(id, 'long_shipping_time');
      return until(base, id, reached('CANCELLED', 'RETURN_REQUESTED', 'RETURNED'), dayLimit * 8);
    },
    return: async () => {
      const id = await post(order('return'));
      await until(base, id, reached('DELIVERED'), dayLimit * 8);
      await call(base, 'POST', `/orders/${id}/returns`, {
        reason: 'too small',
        items: [{ sku: 'SKU-TSHIRT', quantity: 1 }],
      });
      return until(base, id, (o) => o.returns.some((r) => r.status === 'refunded'), dayLimit * 6);
    },
  };
};

const main = async (): Promise<void> => {
  const runningAt = `http://localhost:${settings.port}`;
  let own: LocalSystem | undefined;
  let base = runningAt;
  let daySeconds = settings.daySeconds;
  try {
    const health = await fetch(`${runningAt}/health`);
    if (!health.ok) throw new Error('not Orderflow');
    console.log(`Using the stack running at ${runningAt} (one business day = ${daySeconds}s).`);
  } catch {
    daySeconds = 2;
    own = await startLocalSystem(
      readSettings({
        ...process.env,
        PORT: '0',
        ORDERFLOW_DATA_DIR: ':memory:',
        ORDERFLOW_MAIL_PORT: '0',
        ORDERFLOW_DAY_SECONDS: String(daySeconds),
        ORDERFLOW_CARRIER_SIMULATION: 'auto',
      }),
    );
    base = own.url;
    console.log(`Started a stack in memory at ${base} (one business day = ${daySeconds}s).`);
  }
  try {
    await call(base, 'PUT', '/inventory/SKU-TSHIRT', { available: 500 }, opsKey);
    const outcomes = await Promise.all(
      Object.entries(scenarios(base, daySeconds)).map(async ([name, play]) => summary(name, await play())),
    );
    for (const line of outcomes) console.log(line);
    console.log(`\nEvery message sent: ${base}/_local/outbox`);
  } finally {
    await own?.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
