// Drives the real local engine over HTTP, as a storefront, a warehouse and a carrier would. Each test file starts
// its own system (in memory unless a data dir is given) on free ports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OrderView } from '../../functions/domain/order';
import { getOrder } from '../../functions/adapters/order-store';
import { itemsTotal, type CreateOrderRequest } from '../../functions/domain/requests';
import { ApiClient, type ApiKeys } from '../../local/api-client';
import { readSettings } from '../../local/settings';
import { startLocalSystem, type LocalSystem, type StartOptions } from '../../local/system';

export { scan, type ApiResponse } from '../../local/api-client';

export const storefrontKey = 'local-dev-key';
export const otherStorefrontKey = 'other-store-key';
export const opsKey = 'local-ops-key';
export const webhookSecret = 'test-webhook-secret';
export const stripeWebhookSecret = 'whsec_test_orderflow';

export interface TestSystemOptions {
  simulation?: 'auto' | 'off';
  daySeconds?: number;
  dataDir?: string;
  /** Told the URL as soon as the server listens, before the system is ready. */
  onListening?: (url: string) => void;
  /** Run the deployed bundles in this folder (local/bundles.ts) instead of the sources. */
  bundles?: { dir: string; node?: string | undefined };
  /**
   * The local gateway's throttles (ORDERFLOW_RATE_LIMIT per key, ORDERFLOW_OPEN_RATE_LIMIT per route without a key);
   * off unless given, since tests poll and fire requests far faster than any usage plan allows.
   */
  rateLimit?: { perKey?: string; perOpenRoute?: string };
  /** Run the real provider adapters against recorded exchanges (local/system.ts `providers`). */
  providers?: StartOptions['providers'];
  /** Milliseconds between workflow Retry attempts (default 20). */
  retryIntervalMs?: number;
  /** Inject faults (local/faults.ts). */
  faults?: StartOptions['faults'];
}

export const startTestSystem = (options: TestSystemOptions = {}): Promise<LocalSystem> =>
  startLocalSystem(
    readSettings({
      PORT: '0',
      HOST: '127.0.0.1',
      ORDERFLOW_MAIL_PORT: '0',
      ORDERFLOW_DATA_DIR: options.dataDir ?? ':memory:',
      ORDERFLOW_API_KEYS: `demo-store:${storefrontKey},other-store:${otherStorefrontKey},ops:${opsKey}`,
      ORDERFLOW_WEBHOOK_SECRET: webhookSecret,
      ORDERFLOW_STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
      ORDERFLOW_CARRIER_SIMULATION: options.simulation ?? 'off',
      ORDERFLOW_DAY_SECONDS: String(options.daySeconds ?? 1),
      ORDERFLOW_RATE_LIMIT: options.rateLimit?.perKey ?? 'off',
      ORDERFLOW_OPEN_RATE_LIMIT: options.rateLimit?.perOpenRoute ?? 'off',
    }),
    {
      retryIntervalMs: options.retryIntervalMs ?? 20,
      ...(options.onListening ? { onListening: options.onListening } : {}),
      ...(options.bundles ? { bundles: options.bundles } : {}),
      ...(options.providers ? { providers: options.providers } : {}),
      ...(options.faults ? { faults: options.faults } : {}),
    },
  );

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/orders/standard-order.json', import.meta.url)), 'utf8'),
) as CreateOrderRequest;

/** The contract's example order, cloned, with `externalId` unique unless given. */
export const anOrderRequest = (overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest => ({
  ...structuredClone(fixture),
  externalId: `ext-${Math.random().toString(36).slice(2, 10)}`,
  ...overrides,
});

/** An order request whose total is computed from its lines, shipping and tax. */
export const withTotal = (request: CreateOrderRequest): CreateOrderRequest => ({
  ...request,
  total: itemsTotal(request.items) + request.shipping.amount + request.tax,
});

export const testKeys: ApiKeys = {
  storefront: storefrontKey,
  ops: opsKey,
  webhookSecret,
  stripeWebhookSecret,
};

/** The local API client with the test system's keys. */
export class Api extends ApiClient {
  constructor(system: LocalSystem) {
    super(system, testKeys);
  }
}

/**
 * Polls the order until `done` holds or the bound passes; a timeout fails with the order's status, timeline and
 * execution record, so a stuck workflow explains itself.
 */
export const waitForOrder = async (
  api: Api,
  system: LocalSystem,
  orderId: string,
  done: (order: OrderView) => boolean,
  timeoutMs = 15_000,
): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  let order = await api.order(orderId);
  while (!done(order)) {
    if (Date.now() > deadline) {
      const execution = await system.engine.describe(orderId);
      throw new Error(
        `order ${orderId} did not reach the expected state within ${timeoutMs} ms: status ${order.status}, ` +
          `payment ${order.payment.status}\ntimeline: ${JSON.stringify(order.timeline.map((t) => t.type))}\n` +
          `execution: ${JSON.stringify(execution)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    order = await api.order(orderId);
  }
  return order;
};

export const hasStatus =
  (...statuses: string[]) =>
  (order: OrderView): boolean =>
    statuses.includes(order.status);

/** Waits until the order's execution has ended (succeeded or failed). */
export const waitForExecutionEnd = async (system: LocalSystem, orderId: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await system.engine.describe(orderId);
    if (execution && execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline)
      throw new Error(`execution ${orderId} still running: ${JSON.stringify(execution)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Waits until the order's workflow is parked on a task token (its wait stored): nothing moves the order then. */
export const waitForParked = async (system: LocalSystem, orderId: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await getOrder(system.deps.db, orderId))?.wait) {
    if (Date.now() > deadline) throw new Error(`order ${orderId} did not park within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * Waits until the order's workflow has nothing left to apply: its execution ended, or it is parked with every
 * inbox event applied (and the order item stays unchanged a moment longer, as a wake-up may be on its way).
 */
export const waitForSettled = async (
  api: Api,
  system: LocalSystem,
  orderId: string,
  timeoutMs = 15_000,
): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await getOrder(system.deps.db, orderId);
    const execution = await system.engine.describe(orderId);
    const quiet =
      record !== undefined &&
      (execution?.status !== 'RUNNING' ||
        (record.wait !== undefined && Object.values(record.inbox).every((event) => event.applied)));
    if (quiet) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await getOrder(system.deps.db, orderId);
      if (again?.version === record.version) return api.order(orderId);
    }
    if (Date.now() > deadline) throw new Error(`order ${orderId} did not settle: ${record?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
