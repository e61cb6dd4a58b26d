// The PII canary: orders whose customer data is unique and greppable (name, email, phone, street, city, postcode,
// free text with test card numbers) go through every journey on the local engine, and nothing the system keeps
// for itself or tells others may carry any of it: log lines (the structured logger, the metrics, what Lambda logs
// of a thrown error), operator alerts, the order-events topic, and every workflow payload (execution inputs and
// outputs, state inputs and outputs, Lambda payloads and results, task token answers). Only the customer's own
// notices (email and SMS to them) carry their data, and they are checked to have come.
import { vi } from 'vitest';

// Before any module reads them: every log level, and the metrics on (written as EMF lines to stdout, as in Lambda).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import { logger } from '../../functions/runtime/observability';
import type { OutboxMessage } from '../../local/outbox';
import type { LocalSystem } from '../../local/system';
import { ExecutionHistory, toJson } from '../helpers/execution-history';
import {
  Api,
  anOrderRequest,
  type ApiResponse,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

const customer = {
  name: 'Zephyrine Quillfeather',
  email: 'zephyrine.quill@canary-mail.example',
  phone: '+44 20 7946 0958',
};
const address = {
  line1: '17 Marrowbone Passage',
  city: 'Wickhamford',
  postalCode: 'KW1 4YT',
  country: 'GB',
};
const cards = ['4242424242424242', '4000056655665556'] as const;
const spaced = (card: string) => card.replace(/(\d{4})(?=\d)/g, '$1 ');
/** Free text a client could write anything into: here the customer's data, and a card number when given. */
const note = (card?: string) =>
  `for ${customer.name}, ${address.line1}, ${address.city} ${address.postalCode}` +
  (card ? `; card ${spaced(card)}` : '');

/** Every form the data can take in text: as given, lowercased, the phone in E.164 and national forms. */
const piiTokens = [
  customer.name,
  ...customer.name.split(' '),
  customer.email,
  customer.email.split('@')[0]!,
  '+442079460958',
  '+44 20 7946 0958',
  '020 7946 0958',
  '02079460958',
  '2079460958',
  address.line1,
  'Marrowbone',
  address.city,
  address.postalCode,
  address.postalCode.replace(' ', ''),
  ...cards,
  ...cards.map(spaced),
  ...cards.map((card) => card.replace(/(\d{4})(?=\d)/g, '$1-')),
].map((token) => token.toLowerCase());

interface Hit {
  token: string;
  source: string;
  excerpt: string;
}

const search = (source: string, text: string): Hit[] => {
  const lower = text.toLowerCase();
  return piiTokens
    .filter((token) => lower.includes(token))
    .map((token) => {
      const at = lower.indexOf(token);
      return { token, source, excerpt: text.slice(Math.max(0, at - 120), at + token.length + 120) };
    });
};

/** What this process writes to stdout and stderr and to the console, line by line, until restored. */
const captureOutput = () => {
  const lines: string[] = [];
  const record = (chunk: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
  };
  const writes = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    stream.write = (chunk: unknown) => {
      record(chunk);
      return true;
    };
    return () => {
      stream.write = write;
    };
  });
  const consoles = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      record(args.map((arg) => (typeof arg === 'string' ? arg : toJson(arg))).join(' '));
    }),
  );
  return {
    lines,
    restore: () => {
      writes.forEach((restore) => restore());
      consoles.forEach((spy) => spy.mockRestore());
    },
  };
};

describe('customer data on every journey', () => {
  let system: LocalSystem;
  let api: Api;
  let history: ExecutionHistory;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    output = captureOutput();
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
    history = new ExecutionHistory(system);
  });
  afterAll(async () => {
    history.stop();
    await system.stop();
    output.restore();
  });

  const canaryOrder = (overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest =>
    withTotal(
      anOrderRequest({
        customer: { ...customer, smsOptIn: true },
        shippingAddress: { ...address, line2: `Flat 2, c/o ${customer.name}` },
        items: [{ sku: 'SKU-MUG', name: `Mug for ${customer.name}`, quantity: 1, unitPrice: 2500 }],
        ...overrides,
      }),
    );
  const carrierScan = (trackingNumber: string, status: string, extra: Parameters<typeof scan>[2] = {}) =>
    api.carrierEvent({ ...scan(trackingNumber, status, extra), message: note(cards[1]) });
  const place = async (request: CreateOrderRequest, status: string) => {
    const posted = await api.postOrder(request);
    expect(posted.status).toBe(202);
    return waitForOrder(api, system, posted.body.orderId, hasStatus(status));
  };

  it('appears in no log line, alert, order event or workflow payload, and reaches the customer', async () => {
    // Prepare: the journeys, each with the customer's data wherever a client can put it.
    const orderIds: string[] = [];
    const returnIds: string[] = [];
    /** The answers to requests with a card number in a free-text field, or the data in an offending field. */
    const refused: ApiResponse[] = [];

    // Held for review (a very high value, billed in another country), approved with a note, shipped with a note,
    // delayed, delivered, and returned with a reason: refunded.
    const reviewed = await place(
      canaryOrder({
        items: [{ sku: 'SKU-HOODIE', name: `Hoodie for ${customer.name}`, quantity: 2, unitPrice: 50_000 }],
        billingAddress: { ...address, postalCode: '75011', country: 'FR' },
      }),
      'IN_REVIEW',
    );
    orderIds.push(reviewed.orderId);
    refused.push(await api.review(reviewed.orderId, { decision: 'approve', note: note(cards[0]) }));
    expect((await api.review(reviewed.orderId, { decision: 'approve', note: note() })).status).toBe(202);
    const labelled = await waitForOrder(api, system, reviewed.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    const ship = (body: unknown) => api.request('POST', `/orders/${reviewed.orderId}/ship`, { body });
    refused.push(await ship({ note: note(cards[1]) }));
    expect((await ship({ note: note() })).status).toBe(202);
    await waitForOrder(api, system, reviewed.orderId, hasStatus('SHIPPED'));
    await carrierScan(tracking, 'in_transit');
    const later = new Date(Date.parse(labelled.shipment!.promisedDelivery) + 3 * 2000).toISOString();
    await carrierScan(tracking, 'in_transit', { estimatedDelivery: later });
    await waitForOrder(api, system, reviewed.orderId, (o) => o.shipment?.delayed === true);
    await carrierScan(tracking, 'out_for_delivery');
    await carrierScan(tracking, 'delivered');
    await waitForOrder(api, system, reviewed.orderId, hasStatus('DELIVERED'));
    const openReturn = (reason: string) =>
      api.request<{ returnId: string; trackingNumber: string }>(
        'POST',
        `/orders/${reviewed.orderId}/returns`,
        {
          body: { reason },
        },
      );
    refused.push(await openReturn(note(cards[0])));
    const opened = await openReturn(note());
    expect(opened.status).toBe(202);
    returnIds.push(opened.body.returnId);
    await carrierScan(opened.body.trackingNumber, 'in_transit');
    await carrierScan(opened.body.trackingNumber, 'delivered');
    await waitForOrder(api, system, reviewed.orderId, hasStatus('RETURNED'));

    // Cancelled after shipment with a comment: intercepted, back at the sender, refunded.
    const intercepted = await place(canaryOrder(), 'LABEL_CREATED');
    orderIds.push(intercepted.orderId);
    await api.ship(intercepted.orderId);
    await waitForOrder(api, system, intercepted.orderId, hasStatus('SHIPPED'));
    await carrierScan(intercepted.shipment!.trackingNumber, 'in_transit');
    await waitForOrder(api, system, intercepted.orderId, hasStatus('IN_TRANSIT'));
    refused.push(await api.cancel(intercepted.orderId, { reason: 'other', comment: note(cards[0]) }));
    await api.cancel(intercepted.orderId, { reason: 'other', comment: note() });
    await waitForOrder(api, system, intercepted.orderId, hasStatus('INTERCEPT_REQUESTED'));
    await carrierScan(intercepted.shipment!.trackingNumber, 'return_to_sender');
    await carrierScan(intercepted.shipment!.trackingNumber, 'delivered');
    await waitForOrder(api, system, intercepted.orderId, hasStatus('CANCELLED'));

    // Cancelled before shipment with a comment.
    const unshipped = await place(canaryOrder(), 'LABEL_CREATED');
    orderIds.push(unshipped.orderId);
    refused.push(await api.cancel(unshipped.orderId, { reason: 'other', comment: note(cards[1]) }));
    expect((await api.order(unshipped.orderId)).cancellation).toBeNull();
    await api.cancel(unshipped.orderId, { reason: 'other', comment: note() });
    await waitForOrder(api, system, unshipped.orderId, hasStatus('CANCELLED'));

    // A failed delivery (the carrier's message names the customer): refunded, operators alerted.
    const failed = await place(canaryOrder(), 'LABEL_CREATED');
    orderIds.push(failed.orderId);
    await carrierScan(failed.shipment!.trackingNumber, 'in_transit');
    await carrierScan(failed.shipment!.trackingNumber, 'failure');
    await waitForOrder(api, system, failed.orderId, hasStatus('DELIVERY_FAILED'));

    // A declined card, and an address the carrier cannot serve.
    const declined = await place(
      canaryOrder({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
      'REJECTED',
    );
    orderIds.push(declined.orderId);
    const undeliverable = await place(
      canaryOrder({
        shippingAddress: {
          ...address,
          country: 'US',
          region: 'CA',
          postalCode: '00000',
          line2: customer.name,
        },
      }),
      'REJECTED',
    );
    orderIds.push(undeliverable.orderId);

    // A step that fails for good: compensated, the order FAILED, operators alerted.
    const { createHandler } = await import('../../functions/buy-label/handler');
    system.lambdas.register('BuyLabel', () => Promise.reject(new Error('carrier API unreachable')));
    const broken = await place(canaryOrder(), 'FAILED').finally(() =>
      system.lambdas.register(
        'BuyLabel',
        createHandler(() => system.deps),
      ),
    );
    orderIds.push(broken.orderId);

    // A scan of a tracking number no order has, whose message names the customer.
    await carrierScan('TRK-NOBODY-0001', 'in_transit');

    // Requests refused, the data in the offending field: a card field, card numbers in free text, a malformed
    // email, a name too long, a postcode of another country.
    const refusedBodies: unknown[] = [
      { ...canaryOrder(), card: { number: spaced(cards[1]), exp: '12/30', cvc: '123' } },
      canaryOrder({ shippingAddress: { ...address, line2: spaced(cards[0]) } }),
      canaryOrder({ items: [{ sku: 'SKU-MUG', name: `Mug ${cards[1]}`, quantity: 1, unitPrice: 2500 }] }),
      canaryOrder({ customer: { ...customer, email: `${customer.email}@`, smsOptIn: true } }),
      canaryOrder({ customer: { ...customer, name: `${customer.name} ${'Q'.repeat(200)}`, smsOptIn: true } }),
      canaryOrder({ shippingAddress: { ...address, country: 'US', region: 'CA' } }),
    ];
    for (const body of refusedBodies) refused.push(await api.postOrder(body));

    // Act: every execution ended, then everything the system said or kept for itself.
    const probe = `log-probe-${Date.now()}`;
    logger.debug(probe);
    for (const orderId of orderIds) await waitForExecutionEnd(system, orderId);
    await system.engine.idle();
    await system.returnEngine.idle();
    await system.lambdas.drain();
    const outbox = await api.outbox();
    const ownNotice = (m: OutboxMessage) =>
      (m.channel === 'email' && m.to === customer.email) || (m.channel === 'sms' && m.to === '+442079460958');
    const alerts = outbox.filter((m) => !ownNotice(m));
    const records = await Promise.all([
      ...orderIds.map((id) => system.engine.describe(id)),
      ...returnIds.map((id) => system.returnEngine.describe(id)),
    ]);
    // The Orders table's stream hands PublishOrderEvents the order item itself, as any read of the table does: the
    // store's own change record (encrypted, kept 24 hours, readable by that function only), not a workflow payload.
    // What the function makes of it (its result, its log lines, the events it publishes) is searched.
    const storeRecord = (where: string) => where.endsWith('Lambda PublishOrderEvents payload');
    const payloads = [
      ...history.payloads().filter((p) => !storeRecord(p.where)),
      ...records.map((record, i) => ({ where: `execution record ${i}`, json: toJson(record) })),
    ];
    // Lambda logs what a handler throws (errorType, errorMessage) as a line of the function's log.
    const invokeErrors = history.invocations
      .filter((invocation) => invocation.error)
      .map((invocation) =>
        toJson({ errorType: invocation.error!.name, errorMessage: invocation.error!.message }),
      );
    const logLines = [...output.lines, ...invokeErrors];
    const metricLines = output.lines.filter((line) => line.includes('"_aws"'));
    const hits = [
      ...logLines.flatMap((line, i) => search(`log line ${i}`, line)),
      ...payloads.flatMap((p) => search(p.where, p.json)),
      ...alerts.flatMap((m) => search(`${m.channel} ${m.template}`, toJson(m))),
      ...system.topicMessages.flatMap((m, i) => search(`order event ${i}`, toJson(m))),
      ...refused.flatMap((r, i) => search(`refusal ${i}`, toJson(r.body))),
    ];

    // Assess
    const figures = {
      figure: 'pii-canary',
      orders: orderIds.length,
      logLines: logLines.length,
      metricLines: metricLines.length,
      payloads: payloads.length,
      alerts: alerts.length,
      orderEvents: system.topicMessages.length,
      refusals: refused.length,
      tokens: piiTokens.length,
      hits: hits.length,
    };
    output.restore();
    console.log(JSON.stringify(figures));
    expect(hits).toEqual([]);
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 400));
    // The same search finds what the system does put in each place: the order ids, and a probe logged through the
    // functions' logger (so the log capture sees the logger's output).
    const found = (text: string, value: string) => text.toLowerCase().includes(value.toLowerCase());
    expect(orderIds.every((id) => payloads.some((p) => found(p.json, id)))).toBe(true);
    expect(orderIds.every((id) => system.topicMessages.some((m) => found(toJson(m), id)))).toBe(true);
    expect(alerts.some((m) => found(toJson(m), broken.orderId))).toBe(true);
    expect(logLines.some((line) => found(line, probe))).toBe(true);
    expect(metricLines.length).toBeGreaterThan(0);
    expect(alerts.map((m) => m.template)).toEqual(
      expect.arrayContaining(['review_needed', 'delivery_failed', 'workflow_failed', 'unknown_tracking']),
    );
    expect(alerts.every((m) => m.channel === 'ops')).toBe(true);
    const emails = outbox.filter((m) => m.channel === 'email' && m.to === customer.email);
    const texts = outbox.filter((m) => m.channel === 'sms' && m.to === '+442079460958');
    expect(new Set(emails.map((m) => m.template))).toEqual(
      new Set([
        'order_confirmation',
        'shipping_confirmation',
        'delay_notice',
        'out_for_delivery',
        'delivered',
        'return_label',
        'refund_issued',
        'intercept_requested',
        'cancellation_confirmation',
        'delivery_failed',
        'order_rejected',
      ]),
    );
    expect(texts.length).toBeGreaterThan(0);
    expect(emails.some((m) => m.text.includes(customer.name))).toBe(true);
  }, 120_000);
});
