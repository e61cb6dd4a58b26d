// The workflow on the deployed artifacts: the bundles `cdk synth` ships (built here with the stack's settings, one
// esbuild call) run in a Node process of their own with the stack's environment, their AWS clients pointed at the
// local parts, and the state machines load their definitions with the stack's substitutions. Every journey the
// ASL's Retry and Catch decide (a rejection, a retried transient error, a cancellation) depends on the error names
// the minified bundles report. They run on Node.js 22, as Lambda's runtime (local/lambda-node.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder } from '../../functions/adapters/order-store';
import { rejectionCodeByError } from '../../functions/domain/errors';
import { stripeEvent } from '../../local/api-client';
import { buildBundles, type BuiltBundles } from '../../local/bundles';
import { lambdaNodeVersion, resolveLambdaNode } from '../../local/lambda-node';
import type { LocalSystem } from '../../local/system';
import { projectPath } from '../../catalog/paths';
import {
  Api,
  anOrderRequest,
  hasStatus,
  scan,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

const bundleDir = mkdtempSync(join(tmpdir(), 'orderflow-bundles-'));
let bundles: BuiltBundles;
let system: LocalSystem;
let api: Api;

const lambdaNode = resolveLambdaNode();

beforeAll(async () => {
  if (lambdaNode.fallback) console.warn(`bundles run on ${process.version}: ${lambdaNode.fallback}`);
  bundles = await buildBundles(bundleDir);
  system = await startTestSystem({
    simulation: 'off',
    // Business days of 5 s: an order held for review waits up to 10 s for the operator's decision.
    daySeconds: 5,
    bundles: { dir: bundles.dir, node: lambdaNode.binary },
  });
  api = new Api(system);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
});

const templates = async (orderId: string) =>
  (await api.outbox(orderId)).filter((m) => m.channel === 'email').map((m) => m.template);

const invocations = (functionId: string): number =>
  system.counters.snapshot().lambdaByFunction[functionId]?.invocations ?? 0;

/**
 * Every error name the state machines match on that a step throws: not `States.*`, nor what the Lambda service
 * reports of a function it stopped (`Lambda.*`, `Sandbox.Timedout`).
 */
const errorNamesInAsl = (): string[] => {
  const names = new Set<string>();
  for (const file of readdirSync(projectPath('statemachines'))) {
    JSON.parse(readFileSync(projectPath('statemachines', file), 'utf8'), (key, value: unknown) => {
      if (key === 'ErrorEquals') (value as string[]).forEach((name) => names.add(name));
      return value;
    });
  }
  return [...names].filter((name) => !/^(States|Lambda|Sandbox)\./.test(name)).sort();
};

describe('the deployed bundles', () => {
  it('carry every error name the workflows and CloseOrder match on', () => {
    const names = [
      ...errorNamesInAsl(),
      ...Object.keys(rejectionCodeByError),
      'OrderCancelledError',
      'AuthorizationExpiredError',
    ];
    expect(names).toEqual(
      expect.arrayContaining(['OutOfStockError', 'TransientError', 'ConcurrentUpdateError']),
    );
    const everyBundle = [...bundles.files.values()].map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const name of names) expect(everyBundle, name).toContain(`"${name}"`);
  });

  it("run on the Lambda runtime's Node.js 22 (where the registry has it for this platform)", () => {
    const wanted = lambdaNode.binary;
    const version = wanted
      ? execFileSync(wanted, ['--version'], { encoding: 'utf8' }).trim()
      : process.version;
    expect(system.functionsNodeVersion).toBe(version);
    if (process.platform === 'linux' && !process.env.ORDERFLOW_LAMBDA_NODE) {
      expect(system.functionsNodeVersion).toBe(`v${lambdaNodeVersion}`);
    }
  });

  it('serve the API document at /openapi.json, without a key, as generated', async () => {
    const answer = await api.request('GET', '/openapi.json', { key: null });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(readFileSync(projectPath('docs', 'openapi.json'), 'utf8')));
    expect(invocations('ApiDocument')).toBeGreaterThan(0);
  });

  /** An order labelled, shipped and scanned with `scans`; answers its id once it reached `status`. */
  const shipAndScan = async (request: ReturnType<typeof anOrderRequest>, scans: string[], status: string) => {
    const { status: code, body } = await api.postOrder(request);
    expect(code).toBe(202);
    const labelled = await waitForOrder(
      api,
      system,
      body.orderId,
      hasStatus('LABEL_CREATED', 'FAILED', 'REJECTED'),
    );
    expect(labelled.status).toBe('LABEL_CREATED');
    const tracking = labelled.shipment!.trackingNumber;
    expect((await api.ship(body.orderId)).status).toBe(202);
    await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));
    for (const scanStatus of scans) {
      expect((await api.carrierEvent(scan(tracking, scanStatus))).status).toBe(200);
    }
    await waitForOrder(api, system, body.orderId, hasStatus(status));
    return body.orderId;
  };

  /** Delivered, captured once, the customer told at each step, the execution ended. */
  const expectDeliveredOnce = async (orderId: string) => {
    const delivered = await waitForOrder(api, system, orderId, hasStatus('DELIVERED'));
    expect(delivered.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: 4498 });
    expect(await templates(orderId)).toEqual([
      'order_confirmation',
      'shipping_confirmation',
      'out_for_delivery',
      'delivered',
    ]);
    expect((await waitForExecutionEnd(system, orderId)).status).toBe('SUCCEEDED');
  };

  it('carry an order to DELIVERED: captured once, the customer told at each step', async () => {
    const orderId = await shipAndScan(
      anOrderRequest(),
      ['in_transit', 'out_for_delivery', 'delivered'],
      'DELIVERED',
    );

    await expectDeliveredOnce(orderId);
  });

  it('publish each status of a journey once, in order, from the Orders stream through its bundle', async () => {
    const orderId = await shipAndScan(
      anOrderRequest(),
      ['in_transit', 'out_for_delivery', 'delivered'],
      'DELIVERED',
    );
    const events = () =>
      system.topicMessages
        .map((message) => JSON.parse(message.message) as { orderId: string; eventId: string; status: string })
        .filter((event) => event.orderId === orderId);
    const deadline = Date.now() + 10_000;
    while (!events().some((event) => event.status === 'DELIVERED') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(events().map((event) => event.status)).toEqual([
      'RECEIVED',
      'CONFIRMED',
      'LABEL_CREATED',
      'SHIPPED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);
    expect(new Set(events().map((event) => event.eventId)).size).toBe(7);
    expect(invocations('PublishOrderEvents')).toBeGreaterThan(0);
  });

  it('deliver an order whose delivered webhook was dropped, found by parcel reconciliation, telling the customer once', async () => {
    const orderId = await shipAndScan(
      anOrderRequest({ shipping: { service: 'overnight', amount: 500 } }),
      ['in_transit', 'out_for_delivery'],
      'OUT_FOR_DELIVERY',
    );

    // The `delivered` webhook never comes: reconciliation runs until it has asked the carrier about the parcel.
    const deadline = Date.now() + 30_000;
    while ((await api.order(orderId)).status !== 'DELIVERED' && Date.now() < deadline) {
      await system.lambdas.invoke('ReconcileParcels', {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await system.lambdas.invoke('ReconcileParcels', {});

    await expectDeliveredOnce(orderId);
  });

  const rejected = async (request: ReturnType<typeof anOrderRequest>) => {
    const { status, body } = await api.postOrder(request);
    expect(status).toBe(202);
    const order = await waitForOrder(api, system, body.orderId, hasStatus('REJECTED', 'FAILED'));
    expect((await waitForExecutionEnd(system, body.orderId)).status).toBe('SUCCEEDED');
    return order;
  };

  it('refuse at intake what the order itself tells is wrong (postal code, phone), and store phones in E.164', async () => {
    const badPostalCode = anOrderRequest();
    badPostalCode.shippingAddress.postalCode = 'ABCDE';
    const badPhone = anOrderRequest();
    badPhone.customer.phone = '+1 415 555';
    const spacedPhone = anOrderRequest();
    spacedPhone.customer.phone = '+1 (415) 555-0100';

    const refused = [await api.postOrder(badPostalCode), await api.postOrder(badPhone)];
    const accepted = await api.postOrder(spacedPhone);

    expect(refused.map((r) => [r.status, r.body.error?.details.map((d) => d.path)])).toEqual([
      [400, ['shippingAddress.postalCode']],
      [400, ['customer.phone']],
    ]);
    expect(accepted.status).toBe(202);
    expect((await api.order(accepted.body.orderId)).customer.phone).toBe('+14155550100');
  });

  it('reject an order short of stock OUT_OF_STOCK, holding nothing', async () => {
    await api.setStock('SKU-BUNDLE-SCARCE', 1);
    const request = withTotal(
      anOrderRequest({ items: [{ sku: 'SKU-BUNDLE-SCARCE', name: 'Scarce', quantity: 2, unitPrice: 1000 }] }),
    );

    const order = await rejected(request);

    expect(order.rejection).toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(await api.stock('SKU-BUNDLE-SCARCE')).toMatchObject({ available: 1, reserved: 0 });
    expect(await templates(order.orderId)).toEqual(['order_rejected']);
  });

  it('reject a declined card PAYMENT_DECLINED, with the decline recorded and the stock released', async () => {
    const before = await api.stock('SKU-TSHIRT');

    const order = await rejected(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
    );

    expect(order.rejection).toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(order.payment.status).toBe('DECLINED');
    expect(await api.stock('SKU-TSHIRT')).toEqual(before);
  });

  it('reject an order the risk rules stop FRAUD_SUSPECTED', async () => {
    const request = withTotal(
      anOrderRequest({
        customer: { name: 'Mallory', email: 'mallory@mailinator.com', smsOptIn: false },
        billingAddress: { line1: '1 Rue X', city: 'Paris', postalCode: '75001', country: 'FR' },
        items: [{ sku: 'SKU-HOODIE', name: 'Hoodie', quantity: 25, unitPrice: 4999 }],
        shipping: { service: 'overnight', amount: 2500 },
      }),
    );

    const order = await rejected(request);

    expect(order.rejection).toMatchObject({ code: 'FRAUD_SUSPECTED' });
    expect(order.risk?.decision).toBe('reject');
  });

  /** An order the risk rules hold for review (score 70), on a SKU of its own stocked with 5. */
  const heldForReview = async (sku: string) => {
    await api.setStock(sku, 5);
    const request = withTotal(
      anOrderRequest({
        customer: { name: 'Grace', email: `grace-${sku.toLowerCase()}@example.com`, smsOptIn: false },
        billingAddress: { line1: '1 Rue X', city: 'Paris', postalCode: '75001', country: 'FR' },
        items: [{ sku, name: 'Watch', quantity: 2, unitPrice: 50_000 }],
        payment: { provider: 'sandbox', token: 'tok_mastercard' },
      }),
    );
    const { status, body } = await api.postOrder(request);
    expect(status).toBe(202);
    const order = await waitForOrder(api, system, body.orderId, hasStatus('IN_REVIEW', 'REJECTED', 'FAILED'));
    expect(order.status).toBe('IN_REVIEW');
    expect(await api.stock(sku)).toMatchObject({ available: 3, reserved: 2 });
    return order;
  };

  it('hold an order for review and, approved, confirm it and buy its label', async () => {
    const order = await heldForReview('SKU-BUNDLE-REVIEW-OK');

    expect((await api.review(order.orderId, { decision: 'approve' })).status).toBe(202);
    const labelled = await waitForOrder(api, system, order.orderId, hasStatus('LABEL_CREATED', 'FAILED'));

    expect(labelled.status).toBe('LABEL_CREATED');
    expect(labelled.payment.status).toBe('AUTHORIZED');
    expect(labelled.risk?.review).toMatchObject({ decision: 'approve', decidedBy: 'ops' });
    expect(await templates(order.orderId)).toEqual(['order_confirmation']);
    expect((await api.outbox(order.orderId)).filter((m) => m.channel === 'ops')).toHaveLength(1);
  });

  it('reject an order an operator rejects in review FRAUD_SUSPECTED, voided and released', async () => {
    const order = await heldForReview('SKU-BUNDLE-REVIEW-NO');

    expect((await api.review(order.orderId, { decision: 'reject' })).status).toBe(202);
    const closed = await waitForOrder(api, system, order.orderId, hasStatus('REJECTED', 'FAILED'));

    expect(closed.rejection).toMatchObject({ code: 'FRAUD_SUSPECTED' });
    expect(closed.payment.status).toBe('VOIDED');
    expect(await api.stock('SKU-BUNDLE-REVIEW-NO')).toMatchObject({ available: 5, reserved: 0 });
    expect(await templates(order.orderId)).toEqual(['order_rejected']);
    expect((await waitForExecutionEnd(system, order.orderId)).status).toBe('SUCCEEDED');
  });

  it('reject an address the carrier cannot serve ADDRESS_UNDELIVERABLE, with the authorization voided', async () => {
    const request = anOrderRequest();
    request.shippingAddress.postalCode = '00000';

    const order = await rejected(request);

    expect(order.rejection).toMatchObject({ code: 'ADDRESS_UNDELIVERABLE' });
    expect(order.payment.status).toBe('VOIDED');
  });

  it('retry a step that met a transient provider error, and go on', async () => {
    const before = invocations('AuthorizePayment');

    const { body } = await api.postOrder(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_unavailableOnce' } }),
    );
    const order = await waitForOrder(
      api,
      system,
      body.orderId,
      hasStatus('LABEL_CREATED', 'FAILED', 'REJECTED'),
    );

    expect(order.status).toBe('LABEL_CREATED');
    expect(order.payment.status).toBe('AUTHORIZED');
    expect(invocations('AuthorizePayment') - before).toBe(2);
  });

  const cancel = (orderId: string) =>
    api.request('POST', `/orders/${orderId}/cancel`, { body: { reason: 'changed_mind' } });

  it('cancel an order before it ships: authorization voided, stock released, CANCELLED', async () => {
    const before = await api.stock('SKU-MUG');
    const request = withTotal(
      anOrderRequest({ items: [{ sku: 'SKU-MUG', name: 'Mug', quantity: 1, unitPrice: 900 }] }),
    );
    const { body } = await api.postOrder(request);
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    expect((await cancel(body.orderId)).status).toBe(202);
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED', 'FAILED'));

    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.payment.status).toBe('VOIDED');
    expect(await api.stock('SKU-MUG')).toEqual(before);
    expect(await templates(body.orderId)).toEqual(['order_confirmation', 'cancellation_confirmation']);
  });

  it('cancel an order after it ships: INTERCEPT_REQUESTED, then refunded and CANCELLED once back at the sender', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    await api.ship(body.orderId);
    await api.carrierEvent(scan(tracking, 'in_transit'));
    await waitForOrder(api, system, body.orderId, hasStatus('IN_TRANSIT'));

    expect((await cancel(body.orderId)).status).toBe(202);
    await waitForOrder(api, system, body.orderId, hasStatus('INTERCEPT_REQUESTED'));
    await api.carrierEvent(scan(tracking, 'return_to_sender'));
    await api.carrierEvent(scan(tracking, 'delivered'));
    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED', 'FAILED'));

    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: 4498 });
    expect(await templates(body.orderId)).toEqual([
      'order_confirmation',
      'shipping_confirmation',
      'intercept_requested',
      'refund_issued',
      'cancellation_confirmation',
    ]);
  });

  it('take a signed Stripe dispute (flagged, operators alerted once) and refuse an unsigned one', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    await api.ship(body.orderId);
    await waitForOrder(api, system, body.orderId, (o) => o.payment.status === 'CAPTURED');
    const paymentId = (await getOrder(system.deps.db, body.orderId))!.payment.paymentId!;
    const dispute = stripeEvent('charge.dispute.created', {
      id: 'dp_bundles',
      object: 'dispute',
      amount: 4498,
      reason: 'fraudulent',
      payment_intent: paymentId,
    });

    const unsigned = await api.paymentEvent(dispute, null);
    const signed = await api.paymentEvent(dispute);
    const again = await api.paymentEvent(dispute);

    expect(unsigned.status).toBe(401);
    expect(signed).toMatchObject({ status: 200, body: { received: 1, outcome: 'recorded' } });
    expect(again.body).toEqual({ received: 1, outcome: 'ignored' });
    expect((await api.order(body.orderId)).paymentIssues).toMatchObject([
      { kind: 'dispute', disputeId: 'dp_bundles', amount: 4498, reason: 'fraudulent' },
    ]);
    const alerts = (await api.outbox(body.orderId)).filter((m) => m.channel === 'ops');
    expect(alerts).toHaveLength(1);
  });
});
