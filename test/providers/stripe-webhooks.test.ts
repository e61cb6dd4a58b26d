// Stripe webhook verification and parsing: signatures made by Stripe's own SDK (`generateTestHeaderString`), and
// one made by hand as `openssl` would, accepted; a wrong secret, an altered body, a timestamp older than 300 s, a
// missing header and an unset secret refused; the four event types Orderflow acts on parsed into the domain's
// events, every other type (and a refund that did not fail) acknowledged as nothing to do; a signed body that is
// not JSON or not the documented shape refused with 400 VALIDATION_FAILED.
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  signStripeWebhook,
  STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  verifyStripeWebhook,
  WebhookSignatureError,
} from '../../functions/adapters/payment/stripe-webhooks';
import { asHttpError } from '../../functions/runtime/http';

const SECRET = 'whsec_test_0123456789abcdef';
const NOW = Date.parse('2030-01-01T12:00:00Z');
const NOW_SECONDS = NOW / 1000;

const event = (type: string, object: Record<string, unknown>, id = 'evt_1Q2w3E4r5T6y') =>
  // Stripe's layout, pretty-printed as Stripe sends it: the signature covers exactly these bytes.
  JSON.stringify(
    {
      id,
      object: 'event',
      api_version: '2025-12-15.clover',
      created: NOW_SECONDS - 2,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    },
    null,
    2,
  );

const disputeBody = event('charge.dispute.created', {
  id: 'dp_1',
  object: 'dispute',
  amount: 4498,
  currency: 'usd',
  reason: 'fraudulent',
  status: 'warning_needs_response',
  charge: 'ch_1',
  payment_intent: 'pi_1',
});

/** The SDK's signature of `body` at `timestamp` (unix seconds). */
const sdkSignature = (body: string, timestamp = NOW_SECONDS, secret = SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });

const refusal = (verify: () => unknown): Error => {
  try {
    verify();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the webhook to be refused');
};

describe('verifyStripeWebhook', () => {
  describe('the signature', () => {
    it('accepts a body signed by the SDK with the endpoint secret', () => {
      // Act
      const verified = verifyStripeWebhook(disputeBody, sdkSignature(disputeBody), SECRET, NOW);

      // Assess
      expect(verified).toMatchObject({ eventId: 'evt_1Q2w3E4r5T6y', type: 'charge.dispute.created' });
      expect(verified.event?.kind).toBe('dispute_opened');
    });

    it('accepts the HMAC-SHA256 of "<t>.<raw body>" made without the SDK (as openssl makes it)', () => {
      // Prepare
      const t = NOW_SECONDS - 10;
      const hex = createHmac('sha256', SECRET).update(`${t}.${disputeBody}`).digest('hex');

      // Act
      const verified = verifyStripeWebhook(disputeBody, `t=${t},v1=${hex}`, SECRET, NOW);

      // Assess
      expect(verified.eventId).toBe('evt_1Q2w3E4r5T6y');
    });

    it('accepts a header that also carries a signature under a rolled (old) secret', () => {
      // Prepare: while a secret is rolled, Stripe signs with both.
      const old = sdkSignature(disputeBody, NOW_SECONDS, 'whsec_old').split(',v1=')[1];
      const header = `${sdkSignature(disputeBody)},v1=${old}`;

      // Act / Assess
      expect(verifyStripeWebhook(disputeBody, header, SECRET, NOW).eventId).toBe('evt_1Q2w3E4r5T6y');
    });

    it('refuses a signature made with another secret', () => {
      const error = refusal(() =>
        verifyStripeWebhook(disputeBody, sdkSignature(disputeBody, NOW_SECONDS, 'whsec_other'), SECRET, NOW),
      );

      expect(error).toBeInstanceOf(WebhookSignatureError);
    });

    it('refuses a body altered after signing, even by one character or by re-serializing it', () => {
      // Prepare
      const signature = sdkSignature(disputeBody);
      const altered = disputeBody.replace('"amount": 4498', '"amount": 1');
      const reserialized = JSON.stringify(JSON.parse(disputeBody));

      // Act / Assess
      expect(refusal(() => verifyStripeWebhook(altered, signature, SECRET, NOW))).toBeInstanceOf(
        WebhookSignatureError,
      );
      expect(refusal(() => verifyStripeWebhook(reserialized, signature, SECRET, NOW))).toBeInstanceOf(
        WebhookSignatureError,
      );
    });

    it(`refuses a timestamp older than ${STRIPE_WEBHOOK_TOLERANCE_SECONDS} s (a replay) and accepts one just inside`, () => {
      // Prepare
      const stale = sdkSignature(disputeBody, NOW_SECONDS - STRIPE_WEBHOOK_TOLERANCE_SECONDS - 1);
      const recent = sdkSignature(disputeBody, NOW_SECONDS - STRIPE_WEBHOOK_TOLERANCE_SECONDS);

      // Act / Assess
      expect(refusal(() => verifyStripeWebhook(disputeBody, stale, SECRET, NOW))).toBeInstanceOf(
        WebhookSignatureError,
      );
      expect(verifyStripeWebhook(disputeBody, recent, SECRET, NOW).eventId).toBe('evt_1Q2w3E4r5T6y');
    });

    it('refuses a missing or malformed header, and any header when no secret is set', () => {
      const signature = sdkSignature(disputeBody);

      for (const verify of [
        () => verifyStripeWebhook(disputeBody, undefined, SECRET, NOW),
        () => verifyStripeWebhook(disputeBody, '', SECRET, NOW),
        () => verifyStripeWebhook(disputeBody, 'sha256=abc', SECRET, NOW),
        () => verifyStripeWebhook(disputeBody, signature, '', NOW),
      ]) {
        expect(refusal(verify)).toBeInstanceOf(WebhookSignatureError);
      }
    });

    it('signs as Stripe does (signStripeWebhook), so local clients and tests post what Stripe would', () => {
      const header = signStripeWebhook(disputeBody, SECRET, NOW_SECONDS);

      expect(header).toBe(sdkSignature(disputeBody));
    });
  });

  describe('the body', () => {
    const verify = (body: string) => verifyStripeWebhook(body, sdkSignature(body), SECRET, NOW);

    it('reads a PaymentIntent cancelled as the lapse of that payment', () => {
      const body = event('payment_intent.canceled', {
        id: 'pi_1',
        object: 'payment_intent',
        status: 'canceled',
        cancellation_reason: 'automatic',
      });

      expect(verify(body).event).toEqual({
        kind: 'authorization_lapsed',
        eventId: 'evt_1Q2w3E4r5T6y',
        type: 'payment_intent.canceled',
        occurredAt: new Date((NOW_SECONDS - 2) * 1000).toISOString(),
        paymentId: 'pi_1',
      });
    });

    it('reads an expired charge as the lapse of its PaymentIntent, expanded or not', () => {
      const byId = event('charge.expired', { id: 'ch_1', object: 'charge', payment_intent: 'pi_1' });
      const expanded = event('charge.expired', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: { id: 'pi_1', object: 'payment_intent' },
      });

      expect(verify(byId).event).toMatchObject({ kind: 'authorization_lapsed', paymentId: 'pi_1' });
      expect(verify(expanded).event).toMatchObject({ kind: 'authorization_lapsed', paymentId: 'pi_1' });
    });

    it('reads a refund updated to failed, with its amount and reason; other refund statuses are nothing to do', () => {
      const refund = (status: string) =>
        event('charge.refund.updated', {
          id: 're_1',
          object: 'refund',
          amount: 1999,
          status,
          payment_intent: 'pi_1',
          failure_reason: status === 'failed' ? 'lost_or_stolen_card' : null,
        });

      expect(verify(refund('failed')).event).toMatchObject({
        kind: 'refund_failed',
        paymentId: 'pi_1',
        refundId: 're_1',
        amount: 1999,
        reason: 'lost_or_stolen_card',
      });
      for (const status of ['pending', 'succeeded', 'canceled', 'requires_action']) {
        expect(verify(refund(status)).event).toBeUndefined();
      }
    });

    it('reads a dispute opened, with its amount and reason', () => {
      expect(verify(disputeBody).event).toMatchObject({
        kind: 'dispute_opened',
        paymentId: 'pi_1',
        disputeId: 'dp_1',
        amount: 4498,
        reason: 'fraudulent',
      });
    });

    it('acknowledges every other type, and a handled object without a PaymentIntent, as nothing to do', () => {
      const other = event('payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent' });
      const chargeWithoutIntent = event('charge.expired', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: null,
      });

      expect(verify(other)).toMatchObject({ type: 'payment_intent.succeeded', event: undefined });
      expect(verify(chargeWithoutIntent).event).toBeUndefined();
    });

    it('refuses a signed body that is not JSON with 400 VALIDATION_FAILED', () => {
      const answer = asHttpError(refusal(() => verify('{"id": "evt_1", ')));

      expect(answer).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    });

    it('refuses a signed event of the wrong shape with 400, naming the field', () => {
      const noAmount = event('charge.dispute.created', {
        id: 'dp_1',
        object: 'dispute',
        reason: 'fraudulent',
        payment_intent: 'pi_1',
      });
      const noType = JSON.stringify({ id: 'evt_1', created: NOW_SECONDS, data: { object: {} } });

      expect(asHttpError(refusal(() => verify(noAmount)))?.details).toEqual([
        { path: 'data.object.amount', message: expect.any(String) as unknown },
      ]);
      expect(asHttpError(refusal(() => verify(noType)))).toMatchObject({ statusCode: 400 });
    });

    it('refuses a signed event created later than any date can be with 400, naming created', () => {
      for (const created of [8_640_000_000_001, Number.MAX_SAFE_INTEGER]) {
        const body = JSON.stringify({
          id: 'evt_1',
          type: 'payment_intent.canceled',
          created,
          data: { object: { id: 'pi_1', object: 'payment_intent' } },
        });

        const answer = asHttpError(refusal(() => verify(body)));

        expect(answer).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
        expect(answer?.details).toEqual([{ path: 'created', message: 'must be a Unix time in seconds' }]);
      }
    });
  });
});
