// The served API document is the generated one, and what the live API answers is what it says: every documented
// operation is called on a running system, with answers of success and of refusal, and each answer's status,
// content type and body are checked against the operation's responses in the document.
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apiDocument from '../../docs/openapi.json';
import type { LocalSystem } from '../../local/system';
import { signSandboxWebhook } from '../../functions/adapters/carrier/webhooks';
import { signStripeWebhook } from '../../functions/adapters/payment/stripe-webhooks';
import { getOrder } from '../../functions/adapters/order-store';
import { stripeEvent } from '../../local/api-client';
import {
  Api,
  anOrderRequest,
  hasStatus,
  opsKey,
  scan,
  startTestSystem,
  storefrontKey,
  stripeWebhookSecret,
  waitForOrder,
  webhookSecret,
  withTotal,
} from '../helpers/local-system';

interface DocumentedResponse {
  content?: Record<string, { schema?: unknown }>;
}
type Operations = Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>>;

const paths = apiDocument.paths as unknown as Operations;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(apiDocument, 'openapi.json');

/** A JSON pointer segment, written into a URI fragment. */
const pointer = (segment: string): string =>
  encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));

interface LiveAnswer {
  operation: string;
  status: number;
  contentType: string;
  text: string;
}

/** Problems of one live answer against its operation in the document; empty when it conforms. */
const problemsOf = (answer: LiveAnswer): string[] => {
  const [method, path] = answer.operation.split(' ') as [string, string];
  const responses = paths[path]?.[method.toLowerCase()]?.responses;
  if (!responses) return [`${answer.operation} is not in the document`];
  const documented = responses[String(answer.status)];
  if (!documented) return [`${answer.operation} answered ${answer.status}, which is not documented`];
  const mediaType = answer.contentType.split(';')[0]!.trim();
  const content = documented.content ?? {};
  if (!(mediaType in content)) {
    return [
      `${answer.operation} ${answer.status} is ${mediaType}; documented: ${Object.keys(content).join(', ')}`,
    ];
  }
  if (mediaType !== 'application/json' || !content[mediaType]!.schema) return [];
  const ref =
    `openapi.json#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${answer.status}` +
    `/content/${pointer(mediaType)}/schema`;
  const validate = ajv.compile({ $ref: ref });
  if (validate(JSON.parse(answer.text))) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${answer.operation} ${answer.status}: ${error.instancePath || '(body)'} ${error.message ?? ''}`,
  );
};

describe('the check of live answers', () => {
  const answer = (status: number, body: unknown, contentType = 'application/json'): LiveAnswer => ({
    operation: 'GET /orders/{orderId}',
    status,
    contentType,
    text: JSON.stringify(body),
  });

  it('refuses a body that does not match, an undocumented status and an undocumented content type', () => {
    expect(problemsOf(answer(200, { orderId: 42 }))).not.toEqual([]);
    expect(problemsOf(answer(418, {}))).toEqual([
      'GET /orders/{orderId} answered 418, which is not documented',
    ]);
    expect(problemsOf(answer(404, {}, 'text/html'))).toHaveLength(1);
  });

  it("accepts the contract's error body for a documented refusal", () => {
    const body = { error: { code: 'NOT_FOUND', message: 'order not found', details: [] } };

    expect(problemsOf(answer(404, body))).toEqual([]);
  });
});

describe('the API document', () => {
  let system: LocalSystem;
  let api: Api;
  const answers: LiveAnswer[] = [];

  /** Calls the live API and keeps the answer, filed under its documented operation. */
  const call = async (
    operation: string,
    url: string,
    options: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<LiveAnswer & { json: () => unknown }> => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? storefrontKey : options.key;
    if (key) headers['x-api-key'] = key;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${system.url}${url}`, {
      method: operation.split(' ')[0],
      headers,
      body,
    });
    const answer = {
      operation,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
    answers.push(answer);
    return { ...answer, json: () => JSON.parse(answer.text) as unknown };
  };

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 2 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('is served at /openapi.json, without a key, exactly as generated', async () => {
    const answer = await call('GET /openapi.json', '/openapi.json', { key: null });

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual(apiDocument);
  });

  it('describes what the live API answers, operation by operation', async () => {
    const sku = 'SKU-DOC-1';
    await call('PUT /inventory/{sku}', `/inventory/${sku}`, { key: opsKey, body: { available: 5 } });
    await call('PUT /inventory/{sku}', `/inventory/${sku}`, { key: opsKey, body: { available: -1 } });
    await call('GET /inventory/{sku}', `/inventory/${sku}`, { key: opsKey });
    await call('GET /inventory/{sku}', `/inventory/${sku}`);
    await call('GET /health', '/health', { key: null });

    const request = withTotal(
      anOrderRequest({ items: [{ sku, name: 'Mug', quantity: 1, unitPrice: 1200 }] }),
    );
    const created = await call('POST /orders', '/orders', { body: request });
    await call('POST /orders', '/orders', { body: request });
    await call('POST /orders', '/orders', { body: { ...request, tax: request.tax + 1 } });
    await call('POST /orders', '/orders', { body: { ...request, externalId: 'doc-bad', total: 1 } });
    await call('POST /orders', '/orders', { key: null, body: request });
    await call('POST /orders', '/orders', { key: opsKey, body: request });
    const { orderId } = created.json() as { orderId: string };

    const labelled = await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    await call('GET /orders/{orderId}', `/orders/${orderId}`);
    await call('GET /orders/{orderId}', '/orders/no-such-order');
    await call('GET /orders', '/orders?limit=2');
    await call('GET /orders', '/orders?limit=0');
    await call('GET /orders', '/orders?storefrontId=demo-store&status=LABEL_CREATED', { key: opsKey });
    await call('POST /orders/{orderId}/ship', `/orders/${orderId}/ship`);
    await call('POST /orders/{orderId}/ship', `/orders/${orderId}/ship`);
    await call('POST /orders/{orderId}/review', `/orders/${orderId}/review`, {
      key: opsKey,
      body: { decision: 'approve' },
    });
    await call('POST /orders/{orderId}/review', `/orders/${orderId}/review`, {
      body: { decision: 'approve' },
    });

    const trackingNumber = labelled.shipment!.trackingNumber;
    const delivered = JSON.stringify(scan(trackingNumber, 'delivered'));
    const signature = { 'x-orderflow-signature': signSandboxWebhook(delivered, webhookSecret) };
    await call('POST /webhooks/carrier/{provider}', '/webhooks/carrier/sandbox', {
      key: null,
      raw: delivered,
      headers: signature,
    });
    await call('POST /webhooks/carrier/{provider}', '/webhooks/carrier/sandbox', {
      key: null,
      raw: delivered,
      headers: { 'x-orderflow-signature': 'not-a-signature' },
    });
    await waitForOrder(api, system, orderId, hasStatus('DELIVERED'));

    // A dispute of the captured payment (signed as Stripe signs), and the same body unsigned.
    const stored = await getOrder(system.deps.db, orderId);
    const dispute = JSON.stringify(
      stripeEvent('charge.dispute.created', {
        id: 'dp_document',
        object: 'dispute',
        amount: labelled.total,
        reason: 'fraudulent',
        payment_intent: stored!.payment.paymentId,
      }),
    );
    await call('POST /webhooks/payment/stripe', '/webhooks/payment/stripe', {
      key: null,
      raw: dispute,
      headers: { 'stripe-signature': signStripeWebhook(dispute, stripeWebhookSecret) },
    });
    await call('POST /webhooks/payment/stripe', '/webhooks/payment/stripe', { key: null, raw: dispute });
    await call('GET /orders/{orderId}', `/orders/${orderId}`);
    await call('POST /orders/{orderId}/cancel', `/orders/${orderId}/cancel`, { body: { reason: 'other' } });
    await call('POST /orders/{orderId}/cancel', `/orders/${orderId}/cancel`, { body: { reason: 'bored' } });
    await call('POST /orders/{orderId}/returns', `/orders/${orderId}/returns`, {
      body: { reason: 'too small', refundTo: 'store_credit' },
    });
    await call('POST /orders/{orderId}/returns', `/orders/${orderId}/returns`, {
      body: { reason: 'too small', items: [{ sku: 'SKU-NOT-ORDERED', quantity: 1 }] },
    });
    await call('POST /store-credit/lookup', '/store-credit/lookup', {
      body: { email: request.customer.email },
    });
    await call('POST /store-credit/lookup', '/store-credit/lookup', { body: { email: 'not an email' } });

    const link = (await api.outbox(orderId))
      .map((message) => /\/track\/[\w-]+\?t=\w+/.exec(message.text)?.[0])
      .find(Boolean);
    expect(link).toBeDefined();
    await call('GET /track/{orderId}', link!, { key: null });
    await call('GET /track/{orderId}', `/track/${orderId}?t=0000`, { key: null });
    await call('GET /kpis', '/kpis', { key: opsKey });
    await call(
      'GET /kpis',
      `/kpis?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
      {
        key: opsKey,
      },
    );
    await call('GET /kpis', '/kpis?from=yesterday', { key: opsKey });
    await call('GET /kpis', '/kpis');
    await call('GET /orders', `/orders?status=DELIVERED,RETURN_REQUESTED&q=${orderId}`, { key: opsKey });
    await call('GET /_local/outbox', `/_local/outbox?orderId=${orderId}`, { key: null });

    expect(answers.flatMap(problemsOf)).toEqual([]);
  });

  it('has each of its operations called here', () => {
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const called = new Set(answers.map((answer) => answer.operation));

    expect(documented.filter((operation) => !called.has(operation))).toEqual([]);
  });

  it('answers successes and refusals alike in it', () => {
    const statuses = new Set(answers.map((answer) => answer.status));

    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 202, 400, 401, 403, 404, 409]));
  });
});
