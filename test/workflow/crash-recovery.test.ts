// SIGKILL recovery of the local engine: the real `npm start` process (local/main.ts, a Node process of its own with
// a data dir on disk) runs a few dozen journeys driven over HTTP as a storefront and a warehouse drive them, and is
// killed without warning several times at random moments, each time started again on the same data dir. The
// sandbox carrier simulation moves every parcel. At the end every order has reached the end its journey leads to,
// with nothing captured twice, no refund without a capture and no stock oversold or lost; the notices the kills
// repeated or lost are counted and held to what docs/workflow.md allows, and reported in one JSON figures line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo';
import type { OrderView } from '../../functions/domain/order';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import { ordersTable } from '../../catalog/tables';
import { ApiClient, type ApiResponse } from '../../local/api-client';
import { dynamoClient } from '../../local/aws-clients';
import { startLocalStore } from '../../local/dynamo-store';
import { seededRandom } from '../../local/faults';
import type { OutboxMessage } from '../../local/outbox';
import { localTableName } from '../../local/tables';
import { startLocalProcess, type LocalProcess } from '../helpers/local-process';
import { anOrderRequest, testKeys, withTotal } from '../helpers/local-system';

/**
 * One business day lasts 5 s, and every parcel goes overnight: delivered 5 s after its label, a return parcel back
 * 15 s after its label. A restart takes seconds, and the business deadlines must stay well beyond it (the hold
 * lapses 7 days after authorization, a parcel is lost 30 days after its promise): with a day of one second a
 * restart lasted days of business time and lapsed holds and lost parcels, as a week-long outage would.
 */
const daySeconds = 5;
const kills = 4;
/** How long the process runs between a (re)start and the next kill, drawn at random in this range. */
const uptimeMs = { min: 1_500, max: 4_000 };
/** Orders are posted at random within this many milliseconds of the first start. */
const postingWindowMs = 9_000;
/** Every journey must end within this bound after the last restart. */
const settleMs = 90_000;

const stockedSku = 'SKU-CRASH';
const scarceSku = 'SKU-CRASH-SCARCE';
const stocked = 500;
/** Six orders of two units each for eight units: four are served, two rejected out of stock, whatever the kills. */
const scarce = { available: 8, orders: 6, quantity: 2 };

type Kind = 'deliver' | 'ship' | 'cancel' | 'return' | 'declined' | 'scarce';
const journeyMix: Record<Kind, number> = {
  deliver: 6,
  ship: 6,
  cancel: 5,
  return: 5,
  declined: 2,
  scarce: scarce.orders,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Journey {
  kind: Kind;
  request: CreateOrderRequest;
  postAfterMs: number;
  orderId?: string;
}

/**
 * The local server as clients see it across kills: requests wait while it is down, and a request cut by a kill, or
 * answered 503 STARTING, is sent again once it is up, as a storefront's retry would.
 */
class Connection {
  url = '';
  /** Answers 5xx other than 503 STARTING, sent again (reported, never hidden). */
  serverErrors = 0;
  /** Requests cut off by a kill (no answer), sent again. */
  cutOff = 0;
  private upNow: Promise<void> = new Promise(() => undefined);
  private markUp: () => void = () => undefined;
  readonly api = new ApiClient(this, testKeys);

  constructor(private readonly deadline: () => number) {
    this.down();
  }

  down(): void {
    this.upNow = new Promise((resolve) => (this.markUp = resolve));
  }

  up(url: string): void {
    this.url = url;
    this.markUp();
  }

  /** Sends until the answer's status is one `accepted` takes; any other 4xx fails the journey. */
  async send<T>(
    what: string,
    call: (api: ApiClient) => Promise<ApiResponse<T>>,
    accepted: (status: number) => boolean,
  ): Promise<ApiResponse<T>> {
    for (;;) {
      if (Date.now() > this.deadline()) throw new Error(`${what}: no accepted answer before the deadline`);
      await this.upNow;
      let response: ApiResponse<T>;
      try {
        response = await call(this.api);
      } catch {
        this.cutOff += 1;
        await sleep(100);
        continue;
      }
      if (accepted(response.status)) return response;
      if (response.status >= 500) {
        if (response.status !== 503) this.serverErrors += 1;
        await sleep(200);
        continue;
      }
      throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }

  order(orderId: string): Promise<OrderView> {
    return this.send(
      `GET ${orderId}`,
      (api) => api.request<OrderView>('GET', `/orders/${orderId}`),
      (status) => status === 200,
    ).then((response) => response.body);
  }

  /** Polls the order until `done` holds. */
  async waitFor(orderId: string, what: string, done: (order: OrderView) => boolean): Promise<OrderView> {
    for (;;) {
      const order = await this.order(orderId);
      if (done(order)) return order;
      if (Date.now() > this.deadline()) {
        throw new Error(
          `${orderId} never ${what}: status ${order.status}, payment ${order.payment.status}, ` +
            `timeline ${JSON.stringify(order.timeline.map((t) => t.type))}`,
        );
      }
      await sleep(250);
    }
  }

  /** Polls the local execution record until the execution has ended. */
  async executionEnd(name: string): Promise<{ status: string; state: string }> {
    for (;;) {
      const { body } = await this.send(
        `GET execution ${name}`,
        (api) =>
          api.request<{ status: string; state: string }>('GET', `/_local/executions/${name}`, { key: null }),
        (status) => status === 200,
      );
      if (body.status !== 'RUNNING') return body;
      if (Date.now() > this.deadline()) throw new Error(`execution ${name} still running in ${body.state}`);
      await sleep(250);
    }
  }
}

const endStatuses = new Set(['DELIVERED', 'RETURNED', 'CANCELLED', 'REJECTED', 'FAILED', 'DELIVERY_FAILED']);
const shippableOrLater = new Set([
  'LABEL_CREATED',
  'SHIPPED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'CANCELLED',
]);

/** Where each journey must end. A cancel that lost the race to the parcel ends by the documented return. */
const expectedEnds: Record<Kind, string[]> = {
  deliver: ['DELIVERED'],
  ship: ['DELIVERED'],
  cancel: ['CANCELLED', 'RETURNED'],
  return: ['RETURNED'],
  declined: ['REJECTED'],
  scarce: ['DELIVERED', 'REJECTED'],
};

/** The customer notices an order that ended this way was owed (email and, opted in, SMS). */
const owedNotices = (order: OrderView): string[] => {
  const confirmed = order.timeline.some((t) => t.type === 'CONFIRMED');
  const shipped = order.timeline.some((t) => t.type === 'SHIPPED');
  const delivery = ['order_confirmation', 'shipping_confirmation', 'out_for_delivery', 'delivered'];
  switch (order.status) {
    case 'DELIVERED':
      return delivery;
    case 'RETURNED':
      return shipped && order.returns?.some((r) => !r.automatic)
        ? [...delivery, 'return_label', 'refund_issued']
        : ['order_confirmation', 'shipping_confirmation', 'return_label', 'refund_issued'];
    case 'CANCELLED':
      return [...(confirmed ? ['order_confirmation'] : []), 'cancellation_confirmation'];
    case 'REJECTED':
      return ['order_rejected'];
    default:
      return [];
  }
};

interface SandboxPayment {
  orderId: string;
  status: string;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
}

/** The sandbox payment records of a data dir, read once the process that owned it has exited. */
const sandboxPayments = async (dataDir: string): Promise<SandboxPayment[]> => {
  const store = await startLocalStore(join(dataDir, 'dynamodb'));
  try {
    const doc = documentClient(dynamoClient(store.endpoint));
    const payments: SandboxPayment[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: localTableName(ordersTable),
          FilterExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': 'SANDBOX#PAYMENT#' },
          ExclusiveStartKey: startKey,
        }),
      );
      payments.push(...((page.Items ?? []) as SandboxPayment[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return payments;
  } finally {
    await store.close();
  }
};

describe('SIGKILL of the local process mid-journey', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderflow-crash-'));
  let current: LocalProcess | undefined;

  afterAll(async () => {
    await current?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every order with the money and the stock right, the kills costing only the notices the design allows', async () => {
    // Prepare: the plan, from a seed the figures line reports.
    const seed = Number(process.env.ORDERFLOW_CRASH_SEED ?? Date.now() % 1_000_000);
    // The run's plan (mix order, quantities, moments) is its seed's.
    const random = seededRandom(seed);
    const environment = {
      PORT: '0',
      HOST: '127.0.0.1',
      ORDERFLOW_MAIL_PORT: '0',
      ORDERFLOW_DATA_DIR: dataDir,
      ORDERFLOW_DAY_SECONDS: String(daySeconds),
      ORDERFLOW_CARRIER_SIMULATION: 'auto',
      ORDERFLOW_API_KEYS: `demo-store:${testKeys.storefront},ops:${testKeys.ops}`,
      ORDERFLOW_WEBHOOK_SECRET: testKeys.webhookSecret,
      ORDERFLOW_STRIPE_WEBHOOK_SECRET: testKeys.stripeWebhookSecret!,
    };
    const kinds = (Object.entries(journeyMix) as [Kind, number][]).flatMap(([kind, count]) =>
      Array.from({ length: count }, () => kind),
    );
    const journeys: Journey[] = kinds.map((kind, i) => {
      const sku = kind === 'scarce' ? scarceSku : stockedSku;
      const quantity = kind === 'scarce' ? scarce.quantity : 1 + Math.floor(random() * 3);
      return {
        kind,
        request: withTotal(
          anOrderRequest({
            externalId: `crash-${seed}-${i}`,
            customer: {
              name: 'Crash Test',
              email: `crash-${seed}-${i}@example.com`,
              phone: '+14155550100',
              smsOptIn: true,
            },
            items: [{ sku, name: 'Crash-tested item', quantity, unitPrice: 1200 }],
            shipping: { service: 'overnight', amount: 3000 },
            payment: { provider: 'sandbox', token: kind === 'declined' ? 'tok_chargeDeclined' : 'tok_visa' },
          }),
        ),
        postAfterMs: Math.floor(random() * postingWindowMs),
      };
    });
    let deadline = Number.POSITIVE_INFINITY;
    const connection = new Connection(() => deadline);
    const startups: number[] = [];
    const launch = async () => {
      current = await startLocalProcess(environment);
      startups.push(current.startupMs);
      connection.up(current.url);
    };
    await launch();
    await connection.api.setStock(stockedSku, stocked);
    await connection.api.setStock(scarceSku, scarce.available);

    // Act: the journeys and the kills, side by side.
    const drive = async (journey: Journey): Promise<OrderView> => {
      await sleep(journey.postAfterMs);
      const { request } = journey;
      const created = await connection.send(
        `POST ${request.externalId}`,
        (api) => api.postOrder(request),
        (status) => status === 202 || status === 200,
      );
      const orderId = created.body.orderId;
      journey.orderId = orderId;
      if (journey.kind === 'cancel') {
        await connection.send(
          `cancel ${orderId}`,
          (api) => api.cancel(orderId, { reason: 'changed_mind' }),
          (status) => status === 202 || status === 200 || status === 409,
        );
      }
      if (journey.kind === 'ship' || journey.kind === 'return') {
        await connection.waitFor(orderId, 'got its label', (order) => shippableOrLater.has(order.status));
        // The first scan may have shipped it first: then the ship call is refused or changes nothing.
        await connection.send(
          `ship ${orderId}`,
          (api) => api.ship(orderId),
          (status) => status === 202 || status === 200 || status === 409,
        );
      }
      if (journey.kind === 'return') {
        await connection.waitFor(orderId, 'was delivered', (order) => order.status === 'DELIVERED');
        await connection.send(
          `return ${orderId}`,
          (api) =>
            api.request<{ returnId: string }>('POST', `/orders/${orderId}/returns`, {
              body: {
                reason: 'too small',
                items: request.items.map(({ sku, quantity }) => ({ sku, quantity })),
              },
              headers: { 'idempotency-key': `return-${request.externalId}` },
            }),
          (status) => status === 202 || status === 200,
        );
      }
      return connection.waitFor(orderId, 'ended', (order) => {
        const returnsOpen = order.returns?.some((r) => r.status !== 'refunded' && r.status !== 'expired');
        return (
          endStatuses.has(order.status) &&
          !returnsOpen &&
          (journey.kind !== 'return' || order.status !== 'DELIVERED')
        );
      });
    };
    const driving = Promise.all(journeys.map(drive));
    driving.catch(() => undefined);
    for (let k = 0; k < kills; k += 1) {
      await sleep(uptimeMs.min + random() * (uptimeMs.max - uptimeMs.min));
      connection.down();
      await current!.kill();
      await launch();
    }
    deadline = Date.now() + settleMs;
    const ended = await driving;
    // Every execution, the orders' and the returns', has finished too (none left parked or running).
    const executions = await Promise.all(
      ended
        .flatMap((order) => [order.orderId, ...order.returns.map((r) => r.returnId)])
        .map(async (name) => ({ name, record: await connection.executionEnd(name) })),
    );
    const outbox = await connection.api.outbox();
    const stock = {
      stocked: await connection.api.stock(stockedSku),
      scarce: await connection.api.stock(scarceSku),
    };
    const exitCode = await current!.stop();
    current = undefined;
    const payments = await sandboxPayments(dataDir);

    // Assess: every order ended as its journey leads.
    const byId = new Map(ended.map((order) => [order.orderId, order]));
    const finished = journeys.filter((j) => expectedEnds[j.kind].includes(byId.get(j.orderId!)!.status));
    expect(
      journeys
        .map((j) => ({ kind: j.kind, status: byId.get(j.orderId!)!.status }))
        .filter(({ kind, status }) => !expectedEnds[kind].includes(status)),
    ).toEqual([]);
    expect(executions.filter(({ record }) => record?.status !== 'SUCCEEDED')).toEqual([]);
    expect(exitCode).toBe(0);

    // The money: one capture at most per order, of its total; refunds only of a capture.
    const capturesByOrder = new Map<string, number>();
    for (const payment of payments.filter((p) => p.status === 'CAPTURED'))
      capturesByOrder.set(payment.orderId, (capturesByOrder.get(payment.orderId) ?? 0) + 1);
    const doubleCaptures =
      [...capturesByOrder.values()].filter((count) => count > 1).length +
      ended.filter((o) => o.timeline.filter((t) => t.type === 'PAYMENT_CAPTURED').length > 1).length;
    expect(doubleCaptures).toBe(0);
    expect(payments.filter((p) => p.refundedAmount > 0 && p.status !== 'CAPTURED')).toEqual([]);
    expect(
      payments.filter((p) => p.capturedAmount > p.amount || p.refundedAmount > p.capturedAmount),
    ).toEqual([]);
    for (const order of ended) {
      const record = payments.find((p) => p.orderId === order.orderId);
      const shipped = order.timeline.some((t) => t.type === 'SHIPPED');
      // What the order says it got back: a cancelled parcel all of it, a return what the return quoted.
      const refunds = order.status === 'CANCELLED' && shipped ? order.total : 0;
      const returned = order.returns.reduce(
        (sum, r) => sum + (r.status === 'refunded' ? r.refundAmount : 0),
        0,
      );
      expect({
        orderId: order.orderId,
        captured: record?.status === 'CAPTURED' ? record.capturedAmount : 0,
        refunded: record?.refundedAmount ?? 0,
      }).toEqual({
        orderId: order.orderId,
        captured: shipped ? order.total : 0,
        refunded: refunds + returned,
      });
    }
    const itemsOf = (order: OrderView) => order.items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
    for (const order of ended.filter((o) => o.returns.some((r) => !r.automatic)))
      expect(order.payment.refundedAmount).toBe(itemsOf(order));

    // The stock: nothing held any more, and what is gone is exactly what was delivered and kept.
    const kept = (sku: string) =>
      ended
        .filter((order) => order.status === 'DELIVERED')
        .reduce(
          (sum, order) => sum + order.items.filter((l) => l.sku === sku).reduce((s, l) => s + l.quantity, 0),
          0,
        );
    expect(stock.stocked).toEqual({ sku: stockedSku, available: stocked - kept(stockedSku), reserved: 0 });
    expect(stock.scarce).toEqual({
      sku: scarceSku,
      available: scarce.available - kept(scarceSku),
      reserved: 0,
    });
    const scarceServed = ended.filter(
      (o) => o.items[0]!.sku === scarceSku && o.status === 'DELIVERED',
    ).length;
    expect(scarceServed).toBe(Math.floor(scarce.available / scarce.quantity));

    // The notices: copies beyond the first and notices owed but never sent.
    const customer = outbox.filter((m) => m.channel !== 'ops');
    const copies = new Map<string, OutboxMessage[]>();
    for (const message of customer) {
      const key = `${message.orderId} ${message.template} ${message.channel}`;
      copies.set(key, [...(copies.get(key) ?? []), message]);
    }
    const duplicates = [...copies].filter(([, messages]) => messages.length > 1);
    const duplicateCopies = duplicates.reduce((sum, [, messages]) => sum + messages.length - 1, 0);
    const lost = ended.flatMap((order) =>
      owedNotices(order).flatMap((template) =>
        ['email', 'sms']
          .filter((channel) => !copies.has(`${order.orderId} ${template} ${channel}`))
          .map((channel) => `${order.orderId} ${template} ${channel}`),
      ),
    );
    const figures = {
      figure: 'crash_recovery',
      seed,
      orders: journeys.length,
      kills,
      restarts: startups.length - 1,
      ordersFinished: finished.length,
      doubleCaptures,
      duplicateNotices: duplicateCopies,
      duplicateNoticesPerCrash: duplicateCopies / kills,
      duplicateNoticeTemplates: duplicates.map(([key]) => key.split(' ').slice(1).join(' ')),
      lostNotices: lost.length,
      lostNoticeTemplates: lost.map((key) => key.split(' ').slice(1).join(' ')),
      delayNotices: customer.filter((m) => m.template === 'delay_notice' && m.channel === 'email').length,
      requestsCutOff: connection.cutOff,
      serverErrors: connection.serverErrors,
      startupMs: startups,
    };
    console.log(JSON.stringify(figures));

    // What docs/workflow.md allows. A step sends, then records: a kill between the two repeats its notice when
    // the step runs again (at-least-once). A receiver records, then sends: a kill between the two loses its notice
    // (at-most-once), so only the receivers' notices can be lost. After a restart the order still names the
    // previous process's task token as its parked wait, so the scans the simulator catches up on are applied by
    // the receivers while the resumed wait step runs: a step that planned the same milestone's notice sent it
    // before losing the write to the receiver, which sends it too. Either way a copy beyond the first needs a
    // restart, and each restart repeats a notice at most once: no message has more copies than one plus the kills.
    expect(duplicates.filter(([, messages]) => messages.length > 1 + kills)).toEqual([]);
    expect(lost.filter((key) => !receiverNotices.has(key.split(' ')[1]!))).toEqual([]);
  }, 240_000);
});

/** The notices a carrier webhook sends after its write (docs/workflow.md, the inbox protocol). */
const receiverNotices = new Set(['out_for_delivery', 'delivered']);
