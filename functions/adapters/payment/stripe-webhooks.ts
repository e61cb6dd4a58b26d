// Stripe webhook verification and parsing, with Stripe's SDK (`webhooks.constructEvent`): the `Stripe-Signature`
// header (`t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<raw body>">`) is checked against the endpoint's signing
// secret (`whsec_...`) over the raw body as received (never re-serialized JSON), and a timestamp older than five
// minutes is refused, so a captured request cannot be replayed later. Only then is the body parsed, and the few
// event types Orderflow acts on become the domain's PaymentEvent (payment-events.ts); any other type is
// acknowledged and ignored. Only the webhook function imports this module (and so the SDK): the payment provider
// itself talks to Stripe over plain `fetch` (stripe-payment.ts).
//
//   payment_intent.canceled   the PaymentIntent (its id) was cancelled: its hold is gone       → authorization_lapsed
//   charge.expired            an uncaptured charge expired (its `payment_intent`)              → authorization_lapsed
//   charge.refund.updated     a Refund (its `payment_intent`) whose status became `failed`     → refund_failed
//   charge.dispute.created    a Dispute (its `payment_intent`) the cardholder opened           → dispute_opened
import Stripe from 'stripe';
import * as z from 'zod';
import { InvalidRequestError } from '../../domain/errors';
import type { PaymentEvent } from '../../domain/payment-events';

/** How old a signature's timestamp may be, in seconds (Stripe's own default). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/** The body is not signed by the endpoint's secret, or not recently enough: the API's 401, nothing read. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/** A verified event: its id and type, and what it means for an order (undefined: nothing Orderflow acts on). */
export interface VerifiedStripeEvent {
  eventId: string;
  type: string;
  event: PaymentEvent | undefined;
}

/** The latest Unix time in seconds a Date can hold (8.64e15 ms): a later `created` is no time at all. */
const LATEST_UNIX_SECONDS = 8_640_000_000_000;

const envelopeSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative().max(LATEST_UNIX_SECONDS, 'must be a Unix time in seconds'),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/** A payment_intent reference as Stripe sends it: an id, or the object when expanded; null when there is none. */
const intentRef = z
  .union([z.string().min(1), z.object({ id: z.string().min(1) }).transform((intent) => intent.id)])
  .nullish();

const canceledIntentSchema = z.object({ id: z.string().min(1), object: z.literal('payment_intent') });
const expiredChargeSchema = z.object({ object: z.literal('charge'), payment_intent: intentRef });
const refundSchema = z.object({
  id: z.string().min(1),
  object: z.literal('refund'),
  status: z.string().nullish(),
  amount: z.number().int().nonnegative(),
  payment_intent: intentRef,
  failure_reason: z.string().nullish(),
});
const disputeSchema = z.object({
  id: z.string().min(1),
  object: z.literal('dispute'),
  amount: z.number().int().nonnegative(),
  reason: z.string().min(1),
  payment_intent: intentRef,
});

/** The refusal (the API's 400) of a signed body that is not the shape Stripe documents. */
const validationFailed = (
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
  prefix: string[] = [],
): InvalidRequestError =>
  new InvalidRequestError(
    'the webhook body does not match the expected shape',
    issues.map((issue) => ({
      path: [...prefix, ...issue.path.map(String)].join('.') || '(root)',
      message: issue.message,
    })),
  );

const parseObject = <S extends z.ZodType>(schema: S, object: unknown): z.output<S> => {
  const parsed = schema.safeParse(object);
  if (!parsed.success) throw validationFailed(parsed.error.issues, ['data', 'object']);
  return parsed.data;
};

/** What a verified envelope means for an order, if anything. */
const toPaymentEvent = (envelope: z.infer<typeof envelopeSchema>): PaymentEvent | undefined => {
  const base = {
    eventId: envelope.id,
    type: envelope.type,
    occurredAt: new Date(envelope.created * 1000).toISOString(),
  };
  const { object } = envelope.data;
  switch (envelope.type) {
    case 'payment_intent.canceled': {
      const intent = parseObject(canceledIntentSchema, object);
      return { ...base, kind: 'authorization_lapsed', paymentId: intent.id };
    }
    case 'charge.expired': {
      const charge = parseObject(expiredChargeSchema, object);
      return charge.payment_intent
        ? { ...base, kind: 'authorization_lapsed', paymentId: charge.payment_intent }
        : undefined;
    }
    case 'charge.refund.updated': {
      const refund = parseObject(refundSchema, object);
      if (refund.status !== 'failed' || !refund.payment_intent) return undefined;
      return {
        ...base,
        kind: 'refund_failed',
        paymentId: refund.payment_intent,
        refundId: refund.id,
        amount: refund.amount,
        ...(refund.failure_reason ? { reason: refund.failure_reason } : {}),
      };
    }
    case 'charge.dispute.created': {
      const dispute = parseObject(disputeSchema, object);
      return dispute.payment_intent
        ? {
            ...base,
            kind: 'dispute_opened',
            paymentId: dispute.payment_intent,
            disputeId: dispute.id,
            amount: dispute.amount,
            reason: dispute.reason,
          }
        : undefined;
    }
    default:
      return undefined;
  }
};

/**
 * Verifies a Stripe webhook and parses it. Throws WebhookSignatureError for a missing, malformed, wrong or stale
 * signature (or an unset secret, which must never make every body "signed"), and InvalidRequestError for a signed
 * body that is not JSON or not an event of the documented shape. `receivedAt` (epoch ms) is the clock the
 * signature's age is measured against.
 */
export const verifyStripeWebhook = (
  rawBody: string,
  signature: string | undefined,
  secret: string,
  receivedAt: number,
): VerifiedStripeEvent => {
  if (!secret || !signature) throw new WebhookSignatureError('missing webhook signature or secret');
  let body: unknown;
  try {
    body = Stripe.webhooks.constructEvent(
      rawBody,
      signature,
      secret,
      STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      receivedAt,
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      // Stripe's message says which check failed (no match, stale timestamp); it carries no secret.
      throw new WebhookSignatureError(error.message.split('\n')[0] ?? 'invalid signature', { cause: error });
    }
    if (error instanceof SyntaxError) {
      throw validationFailed([{ path: [], message: 'the body is not valid JSON' }]);
    }
    throw error;
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw validationFailed(envelope.error.issues);
  return { eventId: envelope.data.id, type: envelope.data.type, event: toPaymentEvent(envelope.data) };
};

/**
 * The `Stripe-Signature` header Stripe would send with `rawBody` at `timestamp` (unix seconds; now by default):
 * what tests, the local client and a curl user sign events with.
 */
export const signStripeWebhook = (rawBody: string, secret: string, timestamp?: number): string =>
  Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
