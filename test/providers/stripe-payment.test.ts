// The Stripe adapter, on the official SDK, against recorded Stripe exchanges (test/fixtures/stripe) replayed by a
// fake fetch under the SDK's fetch client: each request's method, path, key, idempotency header, API version and
// form body (as the SDK encodes it) is checked.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { PaymentDeclinedError, TransientError } from '../../functions/domain/errors';
import {
  STRIPE_API_VERSION,
  StripePaymentProvider,
  StripeRequestError,
} from '../../functions/adapters/payment/stripe-payment';
import type { AuthorizeRequest } from '../../functions/domain/providers';
import { loadFixture } from './fixtures';
import { replay, replayFixture, type RecordedExchange, type Recording } from './recorded-fetch';

const API_KEY = 'sk_test_orderflow';
const HOST = 'api.stripe.test';
const BASE_URL = `https://${HOST}`;
const PAYMENT_ID = 'pi_3QfX9a2eZvKYlo2C0Ab1Cd2E';

const replayOptions = {
  baseUrl: BASE_URL,
  authorization: `Bearer ${API_KEY}`,
  // Every request of every recording must name the pinned API version.
  headers: { 'stripe-version': STRIPE_API_VERSION },
};

/** A provider whose SDK sends through a fake fetch (the key comes from a resolver, as from Secrets Manager). */
const providerOver = (
  fetch: typeof globalThis.fetch,
  options: { apiKey?: () => Promise<string>; requestTimeoutMs?: number } = {},
) =>
  new StripePaymentProvider({
    apiKey: options.apiKey ?? (() => Promise.resolve(API_KEY)),
    httpClient: Stripe.createFetchHttpClient(fetch),
    host: HOST,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  });

/** A provider whose fetch replays one recording. */
const providerFor = (fixture: string) => {
  const recording = replayFixture(`stripe/${fixture}`, replayOptions);
  return { provider: providerOver(recording.fetch), recording };
};

const exchangesOf = (fixture: string): RecordedExchange[] =>
  loadFixture<Recording>(`stripe/${fixture}`).exchanges;

const authorizeRequest: AuthorizeRequest = {
  orderId: 'order-1001',
  amount: 4498,
  currency: 'USD',
  token: 'pm_card_visa',
  idempotencyKey: 'order-1001:authorize',
};

describe('StripePaymentProvider', () => {
  describe('authorize', () => {
    it('creates a confirmed manual-capture PaymentIntent, valid until the charge’s capture_before', async () => {
      // Prepare
      const { provider, recording } = providerFor('authorize-approved.json');

      // Act
      const authorization = await provider.authorize(authorizeRequest);

      // Assess
      expect(authorization).toEqual({
        paymentId: PAYMENT_ID,
        amount: 4498,
        currency: 'USD',
        expiresAt: '2030-01-08T09:00:00.000Z',
      });
      recording.expectAllUsed();
    });

    it('falls back to 7 days from the intent’s creation when the charge names no capture_before', async () => {
      // Prepare
      const [exchange] = exchangesOf('authorize-approved.json');
      const body = exchange!.response.body as { latest_charge: Stripe.Charge };
      delete body.latest_charge.payment_method_details!.card!.capture_before;
      const recording = replay([exchange!], replayOptions);
      const provider = providerOver(recording.fetch);

      // Act
      const authorization = await provider.authorize(authorizeRequest);

      // Assess: created 2030-01-01T10:00:00Z
      expect(authorization.expiresAt).toBe('2030-01-08T10:00:00.000Z');
    });

    it('turns a card error (HTTP 402) into PaymentDeclinedError naming the decline code only', async () => {
      // Prepare
      const { provider, recording } = providerFor('authorize-declined.json');

      // Act
      const attempt = provider.authorize({
        ...authorizeRequest,
        token: 'pm_card_chargeDeclinedInsufficientFunds',
      });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      await expect(attempt).rejects.toThrow('Payment declined by Stripe (decline code: insufficient_funds)');
      recording.expectAllUsed();
    });

    it('declines a payment that needs 3-D Secure, and cancels the unconfirmed intent', async () => {
      // Prepare
      const { provider, recording } = providerFor('authorize-requires-action.json');

      // Act
      const attempt = provider.authorize({ ...authorizeRequest, token: 'pm_card_threeDSecure2Required' });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      recording.expectAllUsed();
    });

    it('reports throttling (HTTP 429) as TransientError', async () => {
      // Prepare
      const { provider } = providerFor('authorize-rate-limited.json');

      // Act
      const attempt = provider.authorize(authorizeRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });

    it('reports a network failure as TransientError', async () => {
      // Prepare
      const provider = providerOver(() => Promise.reject(new TypeError('fetch failed')));

      // Act
      const attempt = provider.authorize(authorizeRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      await expect(attempt).rejects.toThrow('Stripe could not be reached');
    });

    it('reports an answer that is not JSON (a proxy’s error page) as TransientError', async () => {
      // Prepare
      const provider = providerOver(() =>
        Promise.resolve(
          new Response('<html><body>502 Bad Gateway</body></html>', {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
        ),
      );

      // Act
      const attempt = provider.authorize(authorizeRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });

    it('reports a key that cannot be read as TransientError, sending nothing', async () => {
      // Prepare
      const recording = replay([], replayOptions);
      const provider = providerOver(recording.fetch, {
        apiKey: () => Promise.reject(new Error('Secrets Manager is unavailable')),
      });

      // Act
      const attempt = provider.authorize(authorizeRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      expect(recording.requests).toBe(0);
    });
  });

  describe('every request', () => {
    it('pins a Stripe API version recent enough to expand latest_charge (2022-11-15 or later)', () => {
      expect(STRIPE_API_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/);
      expect(STRIPE_API_VERSION.slice(0, 10) >= '2022-11-15').toBe(true);
    });

    it('names the pinned version, the one the SDK’s types describe, on every request', async () => {
      // Prepare: a re-authorization sends two requests (the new intent, then the old one's cancellation)
      const { provider, recording } = providerFor('reauthorize.json');

      // Act
      await provider.reauthorize({
        ...authorizeRequest,
        paymentId: PAYMENT_ID,
        idempotencyKey: 'order-1001:reauthorize:1',
      });

      // Assess
      expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
      expect(recording.sent).toHaveLength(2);
      for (const request of recording.sent) {
        expect(request.headers.get('stripe-version')).toBe(STRIPE_API_VERSION);
      }
    });

    it('sends the form as the SDK encodes it: nested keys in brackets, arrays indexed', async () => {
      // Prepare
      const { provider, recording } = providerFor('authorize-approved.json');

      // Act
      await provider.authorize(authorizeRequest);

      // Assess
      expect(recording.sent[0]?.body).toBe(
        'amount=4498&currency=usd&payment_method=pm_card_visa&allowed_payment_method_types[0]=card' +
          '&capture_method=manual&confirm=true&metadata[order_id]=order-1001&expand[0]=latest_charge',
      );
    });

    it('uses a key rotated between two calls from the next call on', async () => {
      // Prepare: the resolver (Secrets Manager's cache) hands out a new key after the first call
      const keys = ['sk_test_before_rotation', 'sk_test_after_rotation'];
      let calls = 0;
      const apiKey = () => Promise.resolve(keys[Math.min(calls++, keys.length - 1)]!);
      const [capture] = exchangesOf('capture.json');
      const [refund] = exchangesOf('refund.json');
      const recording = replay(
        [
          { ...capture!, request: { ...capture!.request, authorization: 'Bearer sk_test_before_rotation' } },
          { ...refund!, request: { ...refund!.request, authorization: 'Bearer sk_test_after_rotation' } },
        ],
        replayOptions,
      );
      const provider = providerOver(recording.fetch, { apiKey });

      // Act
      await provider.capture({ paymentId: PAYMENT_ID, amount: 4498, idempotencyKey: 'order-1001:capture' });
      await provider.refund({
        paymentId: PAYMENT_ID,
        amount: 1000,
        idempotencyKey: 'order-1001:return-1:refund',
      });

      // Assess
      expect(recording.sent.map((request) => request.headers.get('authorization'))).toEqual([
        'Bearer sk_test_before_rotation',
        'Bearer sk_test_after_rotation',
      ]);
      recording.expectAllUsed();
    });

    it('makes exactly one attempt on a server error, even when Stripe invites a retry: the workflow retries', async () => {
      // Prepare
      const [serverError] = exchangesOf('capture-server-error.json');
      const recording = replay(
        [
          {
            ...serverError!,
            response: { ...serverError!.response, headers: { 'stripe-should-retry': 'true' } },
          },
        ],
        replayOptions,
      );
      const provider = providerOver(recording.fetch);

      // Act
      const attempt = provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:capture',
      });

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      expect(recording.requests).toBe(1);
    });

    it('gives up on a slow answer within its request timeout, as a TransientError', async () => {
      // Prepare
      const recording = replay(
        [
          {
            request: {
              method: 'POST',
              path: '/v1/payment_intents/pi_slow/cancel',
              idempotencyKey: 'void:order-1001',
              form: {},
            },
            response: { status: 200, body: {}, delayMs: 1_000 },
          },
        ],
        replayOptions,
      );
      const provider = providerOver(recording.fetch, { requestTimeoutMs: 20 });

      // Act
      const attempt = provider.void({ paymentId: 'pi_slow', idempotencyKey: 'void:order-1001' });

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      await expect(attempt).rejects.toThrow('Stripe did not answer within 20 ms');
    });
  });

  describe('reauthorize', () => {
    it('authorizes anew with the same payment method, then cancels the old intent', async () => {
      // Prepare
      const { provider, recording } = providerFor('reauthorize.json');

      // Act
      const authorization = await provider.reauthorize({
        ...authorizeRequest,
        paymentId: PAYMENT_ID,
        idempotencyKey: 'order-1001:reauthorize:1',
      });

      // Assess
      expect(authorization).toEqual({
        paymentId: 'pi_3QgY0b2eZvKYlo2C1Bc2De3F',
        amount: 4498,
        currency: 'USD',
        expiresAt: '2030-01-14T09:00:00.000Z',
      });
      recording.expectAllUsed();
    });

    it('reports a payment method Stripe will not reuse as a declined re-authorization, keeping the old hold', async () => {
      // Prepare
      const { provider, recording } = providerFor('reauthorize-not-reusable.json');

      // Act
      const attempt = provider.reauthorize({
        ...authorizeRequest,
        token: 'pm_1QfX9a2eZvKYlo2CkLm3No4P',
        paymentId: PAYMENT_ID,
        idempotencyKey: 'order-1001:reauthorize:1',
      });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      recording.expectAllUsed();
    });
  });

  describe('capture', () => {
    it('captures the amount with amount_to_capture', async () => {
      // Prepare
      const { provider, recording } = providerFor('capture.json');

      // Act
      const result = await provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:capture',
      });

      // Assess
      expect(result).toEqual({ capturedAmount: 4498 });
      recording.expectAllUsed();
    });

    it('answers a capture of an intent captured earlier with that capture', async () => {
      // Prepare
      const { provider } = providerFor('capture-already-captured.json');

      // Act
      const result = await provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:first-scan:capture',
      });

      // Assess
      expect(result).toEqual({ capturedAmount: 4000 });
    });

    it('declines a capture after Stripe canceled the lapsed authorization', async () => {
      // Prepare
      const { provider } = providerFor('capture-expired.json');

      // Act
      const attempt = provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:capture',
      });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
    });

    it('reports a Stripe server error (HTTP 500) as TransientError', async () => {
      // Prepare
      const { provider } = providerFor('capture-server-error.json');

      // Act
      const attempt = provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:capture',
      });

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });
  });

  describe('capture in flight', () => {
    it('reports a request still in flight under the same idempotency key (HTTP 409) as TransientError', async () => {
      // Prepare
      const { provider, recording } = providerFor('capture-in-flight.json');

      // Act
      const attempt = provider.capture({
        paymentId: PAYMENT_ID,
        amount: 4498,
        idempotencyKey: 'order-1001:capture',
      });

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      await expect(attempt).rejects.toThrow('HTTP 409');
      recording.expectAllUsed();
    });
  });

  describe('void', () => {
    it('cancels the PaymentIntent', async () => {
      // Prepare
      const { provider, recording } = providerFor('void.json');

      // Act
      await provider.void({ paymentId: PAYMENT_ID, idempotencyKey: 'order-1001:void' });

      // Assess
      recording.expectAllUsed();
    });

    it('is a no-op on an intent canceled before', async () => {
      // Prepare
      const { provider } = providerFor('void-already-canceled.json');

      // Act
      const attempt = provider.void({ paymentId: PAYMENT_ID, idempotencyKey: 'order-1001:compensate:void' });

      // Assess
      await expect(attempt).resolves.toBeUndefined();
    });

    it('refuses to void a captured payment', async () => {
      // Prepare
      const { provider } = providerFor('void-captured.json');

      // Act
      const attempt = provider.void({ paymentId: PAYMENT_ID, idempotencyKey: 'order-1001:void' });

      // Assess
      await expect(attempt).rejects.toThrow(StripeRequestError);
    });
  });

  describe('refund', () => {
    it('refunds part of the payment through /v1/refunds', async () => {
      // Prepare
      const { provider, recording } = providerFor('refund.json');

      // Act
      const result = await provider.refund({
        paymentId: PAYMENT_ID,
        amount: 1000,
        idempotencyKey: 'order-1001:return-1:refund',
      });

      // Assess
      expect(result).toEqual({ refundId: 're_3QfX9a2eZvKYlo2C0Gh8Ij9K', amount: 1000 });
      recording.expectAllUsed();
    });

    it('refunds another part with its own amount, reporting a refund Stripe still processes as made', async () => {
      // Prepare
      const { provider, recording } = providerFor('refund-partial-pending.json');

      // Act
      const result = await provider.refund({
        paymentId: PAYMENT_ID,
        amount: 2000,
        idempotencyKey: 'order-1001:return-2:refund',
      });

      // Assess
      expect(result).toEqual({ refundId: 're_3QfX9a2eZvKYlo2C0Qr3St4U', amount: 2000 });
      recording.expectAllUsed();
    });

    it('reports a refund above what is left as StripeRequestError, not as a retryable failure', async () => {
      // Prepare
      const { provider } = providerFor('refund-exceeds.json');

      // Act
      const attempt = provider.refund({
        paymentId: PAYMENT_ID,
        amount: 5000,
        idempotencyKey: 'order-1001:return-2:refund',
      });

      // Assess
      await expect(attempt).rejects.toThrow(StripeRequestError);
      await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    });
  });
});
