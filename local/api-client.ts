// A client of the local system's HTTP API, as a storefront, a warehouse and a carrier use it: the tests drive the
// system with it, and so does the bench. Answers come back as they are (status and parsed body); the caller
// decides what a status means.
import type { OrderView } from '../functions/domain/order';
import { signSandboxWebhook } from '../functions/adapters/carrier/webhooks';
import { signStripeWebhook } from '../functions/adapters/payment/stripe-webhooks';
import type { OutboxMessage } from './outbox';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/**
 * The keys a client sends: a storefront's API key (the default), the ops key, the carrier webhook secret and, to
 * post payment webhooks, their signing secret.
 */
export interface ApiKeys {
  storefront: string;
  ops: string;
  webhookSecret: string;
  stripeWebhookSecret?: string;
}

export class ApiClient {
  /** `target.url` is read at every request (a system's URL is known once it listens). */
  constructor(
    private readonly target: { readonly url: string },
    readonly keys: ApiKeys,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      /** The x-api-key header: the storefront key unless given; null sends none. */
      key?: string | null;
      body?: unknown;
      raw?: string | Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.keys.storefront : options.key;
    if (key) headers['x-api-key'] = key;
    let body: string | Uint8Array | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.target.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  postOrder(request: unknown, options: { key?: string; headers?: Record<string, string> } = {}) {
    return this.request<OrderView & { error?: { code: string; details: { path: string }[] } }>(
      'POST',
      '/orders',
      { body: request, ...options },
    );
  }

  async order(orderId: string, key = this.keys.storefront): Promise<OrderView> {
    const response = await this.request<OrderView>('GET', `/orders/${orderId}`, { key });
    if (response.status !== 200) throw new Error(`GET /orders/${orderId}: ${response.status}`);
    return response.body;
  }

  ship(orderId: string, key = this.keys.storefront) {
    return this.request<OrderView>('POST', `/orders/${orderId}/ship`, { key });
  }

  cancel(orderId: string, request: { reason: string; comment?: string }, key = this.keys.storefront) {
    return this.request<OrderView>('POST', `/orders/${orderId}/cancel`, { key, body: request });
  }

  /** An operator's review decision (the ops key unless another is given). */
  review(orderId: string, request: { decision: string; note?: string }, key = this.keys.ops) {
    return this.request<OrderView & { error?: { code: string } }>('POST', `/orders/${orderId}/review`, {
      key,
      body: request,
    });
  }

  async setStock(sku: string, available: number): Promise<void> {
    const response = await this.request('PUT', `/inventory/${sku}`, {
      key: this.keys.ops,
      body: { available },
    });
    if (response.status !== 200) {
      throw new Error(`PUT /inventory/${sku}: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }

  async stock(sku: string): Promise<{ available: number; reserved: number }> {
    return (
      await this.request<{ available: number; reserved: number }>('GET', `/inventory/${sku}`, {
        key: this.keys.ops,
      })
    ).body;
  }

  /** Posts a sandbox carrier webhook, signed with the webhook secret unless a signature is given. */
  carrierEvent(event: Record<string, unknown>, signature?: string) {
    const raw = JSON.stringify(event);
    return this.request<{ received: number; outcomes: string[] }>('POST', '/webhooks/carrier/sandbox', {
      key: null,
      raw,
      headers: {
        'content-type': 'application/json',
        'x-orderflow-signature': signature ?? signSandboxWebhook(raw, this.keys.webhookSecret),
      },
    });
  }

  /**
   * Posts a Stripe-format payment webhook (an event object), signed now with the payment webhook secret unless a
   * `Stripe-Signature` is given (or `null`: none sent).
   */
  paymentEvent(event: Record<string, unknown>, signature?: string | null) {
    const raw = JSON.stringify(event);
    let header = signature;
    if (header === undefined) {
      if (!this.keys.stripeWebhookSecret) throw new Error('no payment webhook secret to sign with');
      header = signStripeWebhook(raw, this.keys.stripeWebhookSecret);
    }
    return this.request<{ received: number; outcome: string; error?: { code: string } }>(
      'POST',
      '/webhooks/payment/stripe',
      {
        key: null,
        raw,
        headers: { 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) },
      },
    );
  }

  async outbox(orderId?: string): Promise<OutboxMessage[]> {
    const query = orderId ? `?orderId=${orderId}` : '';
    return (await this.request<OutboxMessage[]>('GET', `/_local/outbox${query}`, { key: null })).body;
  }
}

let eventSequence = 0;

/** A sandbox carrier scan of a tracking number, as the carrier posts it, with a fresh event id unless given. */
export const scan = (
  trackingNumber: string,
  status: string,
  extra: { eventId?: string; occurredAt?: string; estimatedDelivery?: string } = {},
) => ({
  eventId: extra.eventId ?? `evt-${Date.now()}-${(eventSequence += 1)}`,
  trackingNumber,
  status,
  occurredAt: extra.occurredAt ?? new Date().toISOString(),
  ...(extra.estimatedDelivery ? { estimatedDelivery: extra.estimatedDelivery } : {}),
  location: 'Oakland, CA',
});

let stripeEventSequence = 0;

/**
 * A Stripe Event object as Stripe's webhooks send it: `type` about `object` (a PaymentIntent, Charge, Refund or
 * Dispute), with a fresh event id unless given and `created` now unless given (unix seconds).
 */
export const stripeEvent = (
  type: string,
  object: Record<string, unknown>,
  extra: { id?: string; created?: number } = {},
) => ({
  id: extra.id ?? `evt_local_${Date.now()}_${(stripeEventSequence += 1)}`,
  object: 'event',
  api_version: '2025-12-15.clover',
  created: extra.created ?? Math.floor(Date.now() / 1000),
  livemode: false,
  type,
  data: { object },
});
