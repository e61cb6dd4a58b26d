// The Stripe adapter against recorded Stripe exchanges (test/fixtures/stripe), replayed by a fake fetch that checks
// each request's method, path, key, idempotency header and form body.
import { describe, expect, it } from 'vitest';
import { PaymentDeclinedError, TransientError } from '../../functions/domain/errors';
import {
  STRIPE_API_VERSION,
  StripePaymentProvider,
  StripeRequestError,
} from '../../functions/adapters/payment/stripe-payment';
import type { AuthorizeRequest } from '../../functions/domain/providers';
import { replay, replayFixture } from './recorded-fetch';

const API_KEY = 'sk_test_orderflow';
const BASE_URL = 'https://api.stripe.test';
const PAYMENT_ID = 'pi_3QfX9a2eZvKYlo2C0Ab1Cd2E';

/** A provider whose fetch replays one recording (the key comes from a resolver, as from Secrets Manager). */
const providerFor = (fixture: string) => {
  const recording = replayFixture(`stripe/${fixture}`, {
    baseUrl: BASE_URL,
    authorization: `Bearer ${API_KEY}`,
    // Every request of every recording must name the pinned API version.
    headers: { 'stripe-version': STRIPE_API_VERSION },
  });
  const provider = new StripePaymentProvider({
    apiKey: () => Promise.resolve(API_KEY),
    fetch: recording.fetch,
    baseUrl: `${BASE_URL}/`,
  });
  return { provider, recording };
};

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
      const provider = new StripePaymentProvider({
        apiKey: API_KEY,
        fetch: () => Promise.reject(new TypeError('fetch failed')),
        baseUrl: BASE_URL,
      });

      // Act
      const attempt = provider.authorize(authorizeRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });
  });

  describe('every request', () => {
    it('pins a Stripe API version recent enough to expand latest_charge (2022-11-15 or later)', () => {
      expect(STRIPE_API_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/);
      expect(STRIPE_API_VERSION.slice(0, 10) >= '2022-11-15').toBe(true);
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
        {
          baseUrl: BASE_URL,
          authorization: `Bearer ${API_KEY}`,
          headers: { 'stripe-version': STRIPE_API_VERSION },
        },
      );
      const provider = new StripePaymentProvider({
        apiKey: API_KEY,
        fetch: recording.fetch,
        baseUrl: BASE_URL,
        requestTimeoutMs: 20,
      });

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
