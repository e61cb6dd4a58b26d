// The bench's hands on the local system: starting it in memory on free ports, driving it over HTTP as a storefront,
// a warehouse and a carrier would (the tests' client, local/api-client.ts), following order status changes on the
// order-events topic (no polling through the API, which would itself be counted), and reading the store through a
// side door the counters don't see.
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrderRecord } from '../functions/domain/order';
import type { CreateOrderRequest } from '../functions/domain/requests';
import { documentClient } from '../functions/adapters/dynamo';
import { getOrder, type Db } from '../functions/adapters/order-store';
import { ApiClient, scan } from '../local/api-client';
import type { PublishedEvent } from '../local/aws-clients';
import { readSettings } from '../local/settings';
import { startLocalSystem, type LocalSystem } from '../local/system';

export const storefrontKey = 'bench-store-key';
export const opsKey = 'bench-ops-key';
export const webhookSecret = 'bench-webhook-secret';
/** The most PUT /inventory accepts: five million orders of two T-shirts, more than any bench run places. */
export const benchStock = 10_000_000;

export interface BenchSystemOptions {
  simulation: 'auto' | 'off';
  daySeconds: number;
  retryIntervalMs?: number;
}

/** The whole local system in memory, on free ports, with bench keys and the demo catalog. */
export const startBenchSystem = async (options: BenchSystemOptions): Promise<LocalSystem> => {
  const system = await startLocalSystem(
    readSettings({
      PORT: '0',
      HOST: '127.0.0.1',
      ORDERFLOW_MAIL_PORT: '0',
      ORDERFLOW_DATA_DIR: ':memory:',
      ORDERFLOW_API_KEYS: `bench-store:${storefrontKey},ops:${opsKey}`,
      ORDERFLOW_WEBHOOK_SECRET: webhookSecret,
      ORDERFLOW_CARRIER_SIMULATION: options.simulation,
      ORDERFLOW_DAY_SECONDS: String(options.daySeconds),
      // The bench measures the system, not the throttles: it sends far more than a usage plan allows.
      ORDERFLOW_RATE_LIMIT: 'off',
      ORDERFLOW_OPEN_RATE_LIMIT: 'off',
    }),
    { seed: true, retryIntervalMs: options.retryIntervalMs ?? 50 },
  );
  // `localhost` may resolve to ::1 first; the server listens on 127.0.0.1 only.
  return { ...system, url: system.url.replace('//localhost:', '//127.0.0.1:') };
};

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/orders/standard-order.json', import.meta.url), 'utf8'),
) as CreateOrderRequest;

/**
 * The contract's example order with a unique `externalId` (a repeat would be an idempotent 200) and a customer of
 * its own (one customer placing thousands of orders would trip the velocity rule and make the risk step's history
 * query read more and more). Keep ids free of long digit runs: 13+ digits passing the Luhn check read as a card
 * number, and the API refuses the body.
 */
export const orderRequest = (
  id: string,
  service: CreateOrderRequest['shipping']['service'] = 'standard',
): CreateOrderRequest => {
  const request = structuredClone(fixture);
  return {
    ...request,
    externalId: id,
    customer: { ...request.customer, email: `buyer-${id}@example.com` },
    shipping: { ...request.shipping, service },
  };
};

/** The local API client with the bench's keys, failing on any answer but the expected one. */
export class BenchApi {
  private readonly api: ApiClient;

  constructor(baseUrl: string) {
    this.api = new ApiClient({ url: baseUrl }, { storefront: storefrontKey, ops: opsKey, webhookSecret });
  }

  async postOrder(request: CreateOrderRequest): Promise<string> {
    const { status, body } = await this.api.postOrder(request);
    if (status !== 202) throw new Error(`POST /orders answered ${status}: ${JSON.stringify(body)}`);
    return body.orderId;
  }

  async ship(orderId: string): Promise<void> {
    const { status, body } = await this.api.ship(orderId);
    if (status !== 202 && status !== 200)
      throw new Error(`ship ${orderId} answered ${status}: ${JSON.stringify(body)}`);
  }

  async cancel(orderId: string, reason: string): Promise<void> {
    const { status, body } = await this.api.cancel(orderId, { reason });
    if (status !== 202) throw new Error(`cancel ${orderId} answered ${status}: ${JSON.stringify(body)}`);
  }

  /** A signed sandbox carrier webhook, as the carrier posts it. */
  async carrierScan(trackingNumber: string, status: string): Promise<void> {
    const response = await this.api.carrierEvent(scan(trackingNumber, status));
    if (response.status !== 200) throw new Error(`carrier webhook answered ${response.status}`);
  }

  setStock(sku: string, available: number): Promise<void> {
    return this.api.setStock(sku, available);
  }
}

interface OrderEvent {
  orderId: string;
  status: string;
  at: string;
}

interface Waiter {
  orderId: string;
  statuses: readonly string[];
  resolve: (reached: Reached) => void;
}

/** A status an order reached and when the workflow stored it (epoch ms). */
export interface Reached {
  status: string;
  at: number;
}

/**
 * Follows order status changes as the workflow publishes them to the order-events topic (locally an array the
 * system appends to). It empties that array as it goes, so it never reaches the system's cap.
 */
export class OrderEvents {
  private readonly seen = new Map<string, Map<string, number>>();
  private waiters: Waiter[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly topic: PublishedEvent[]) {
    this.timer = setInterval(() => this.drain(), 5);
  }

  private find(orderId: string, statuses: readonly string[]): Reached | undefined {
    const seen = this.seen.get(orderId);
    for (const status of statuses) {
      const at = seen?.get(status);
      if (at !== undefined) return { status, at };
    }
    return undefined;
  }

  private drain(): void {
    if (this.topic.length === 0) return;
    for (const message of this.topic.splice(0)) {
      const event = JSON.parse(message.message) as Partial<OrderEvent>;
      if (!event.orderId || !event.status || !event.at) continue;
      const statuses = this.seen.get(event.orderId) ?? new Map<string, number>();
      if (!statuses.has(event.status)) statuses.set(event.status, Date.parse(event.at));
      this.seen.set(event.orderId, statuses);
    }
    this.waiters = this.waiters.filter((waiter) => {
      const reached = this.find(waiter.orderId, waiter.statuses);
      if (!reached) return true;
      waiter.resolve(reached);
      return false;
    });
  }

  /** The first of `statuses` the order reaches, waiting for it up to `timeoutMs` (then failing with `explain`). */
  reachedAny(
    orderId: string,
    statuses: readonly string[],
    timeoutMs: number,
    explain: () => Promise<string>,
  ): Promise<Reached> {
    const reached = this.find(orderId, statuses);
    if (reached) return Promise.resolve(reached);
    return new Promise<Reached>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        void explain().then(
          (why) =>
            reject(
              new Error(
                `order ${orderId} reached none of ${statuses.join(', ')} within ${timeoutMs} ms: ${why}`,
              ),
            ),
          (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
        );
      }, timeoutMs);
      const entry: Waiter = {
        orderId,
        statuses,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** When the order reached the status (the time the workflow stored it), waiting for it up to `timeoutMs`. */
  async reached(
    orderId: string,
    status: string,
    timeoutMs: number,
    explain: () => Promise<string>,
  ): Promise<number> {
    return (await this.reachedAny(orderId, [status], timeoutMs, explain)).at;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Reads orders with a client of its own, so the bench's look-ups are not counted as the application's reads (in
 * AWS nobody would make them).
 */
export class SideDoor {
  private constructor(private readonly db: Db) {}

  static async open(system: LocalSystem): Promise<SideDoor> {
    const endpoint = await system.deps.db.doc.config.endpoint?.();
    if (!endpoint) throw new Error('the local store client has no endpoint');
    const url = `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port ?? 80}`;
    const client = new DynamoDBClient({
      endpoint: url,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return new SideDoor({ doc: documentClient(client), tables: system.deps.db.tables });
  }

  order(orderId: string): Promise<OrderRecord | undefined> {
    return getOrder(this.db, orderId);
  }

  /** A short account of where an order stands, for timeouts that must explain themselves. */
  async explain(system: LocalSystem, orderId: string): Promise<string> {
    const order = await this.order(orderId);
    const execution = await system.engine.describe(orderId);
    return JSON.stringify({
      status: order?.status,
      timeline: order?.timeline.map((entry) => entry.type),
      execution: execution && { status: execution.status, state: execution.state, error: execution.error },
    });
  }
}

/** Runs `task` for each item with at most `limit` in flight; results keep the items' order. */
export const inBatches = async <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Waits until the order's workflow execution has ended (the engine's own table: nothing the counters see). */
export const executionEnded = async (
  system: LocalSystem,
  orderId: string,
  timeoutMs: number,
): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await system.engine.describe(orderId);
    if (execution && execution.status !== 'RUNNING') return execution.status;
    if (Date.now() > deadline)
      throw new Error(`execution ${orderId} still running: ${JSON.stringify(execution)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
