// The Stripe payment provider: PaymentIntents with manual capture, over plain `fetch` (no SDK, to keep the Lambda
// bundle small). Every POST carries an `Idempotency-Key`, so a retried step replays Stripe's first answer instead
// of charging again. Errors map to the workflow's typed errors: card errors (HTTP 402, `card_error`) are
// PaymentDeclinedError; throttling, 5xx and network failures are TransientError (the ASL retries those); anything
// else is a StripeRequestError, an unexpected failure.
//
// Re-authorization creates a new manual-capture PaymentIntent with the same payment method and then cancels the
// old one; the returned Authorization carries the NEW payment id. Limit: Stripe lets a payment method be confirmed
// again only when it is reusable (attached to a Customer, or a test `pm_card_*` id). A one-time payment method is
// refused with an invalid_request_error, which is reported as a declined re-authorization so the workflow takes
// its "authorization expired" branch instead of failing.
import type { Authorization, AuthorizeRequest, Money, PaymentProvider } from '../../domain/providers';
import { OrderflowError, PaymentDeclinedError, TransientError } from '../../domain/errors';
import { isUnavailableStatus, PROVIDER_REQUEST_TIMEOUT_MS, requestJson } from '../provider-http';

/** Stripe answered with an error the workflow should not retry and that is not a decline. */
export class StripeRequestError extends OrderflowError {
  override name = 'StripeRequestError';
  constructor(
    message: string,
    readonly statusCode: number,
    readonly type: string | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface StripePaymentProviderOptions {
  /** Secret key, or a function returning it (Secrets Manager); a function is called per request, so cache inside. */
  apiKey: string | (() => Promise<string>);
  fetch?: typeof fetch;
  /** `https://api.stripe.com` unless overridden (tests, a proxy). */
  baseUrl?: string;
  /** How long one request may take before it is abandoned as a TransientError; PROVIDER_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
}

/**
 * The Stripe API version every request names (`Stripe-Version`), so that the answers keep the shapes this adapter
 * and its recorded fixtures are written for whatever the account's default version is. `expand[]=latest_charge`
 * needs 2022-11-15 or later. Moving it is a deliberate upgrade: read Stripe's changelog for the fields read here.
 */
export const STRIPE_API_VERSION = '2025-12-15.clover';
/** Stripe holds an uncaptured card authorization for 7 days unless the charge says otherwise (capture_before). */
const DEFAULT_AUTHORIZATION_VALIDITY_MS = 7 * 24 * 3600 * 1000;

/** The parts of a PaymentIntent this adapter reads (Stripe's documented object has many more). */
interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  created: number;
  status: string;
  payment_method: string | { id: string } | null;
  latest_charge: string | Charge | null;
}

interface Charge {
  id: string;
  payment_method_details?: { card?: { capture_before?: number | null } | null } | null;
}

interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  status: string;
}

interface StripeErrorBody {
  error?: {
    type?: string;
    code?: string;
    decline_code?: string;
    message?: string;
    payment_intent?: PaymentIntent;
  };
}

/** A Stripe API error the adapter may still turn into an answer (an already captured or canceled intent). */
class StripeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: StripeErrorBody,
  ) {
    super(`Stripe answered ${statusCode} ${body.error?.type ?? ''} ${body.error?.code ?? ''}`.trim());
  }
}

type FormValue = string | number | boolean;

/** Form-encodes Stripe parameters; nested keys are written `a[b]` / `a[0]` by the caller. */
const formBody = (params: Readonly<Record<string, FormValue | undefined>>): string => {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.append(key, String(value));
  return form.toString();
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Stripe PaymentProvider (PaymentIntents, manual capture). */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly apiKey: () => Promise<string>;
  private readonly fetch: typeof fetch;
  private readonly baseUrl: string;
  private readonly requestTimeoutMs: number;

  constructor(options: StripePaymentProviderOptions) {
    const { apiKey } = options;
    this.apiKey = typeof apiKey === 'string' ? () => Promise.resolve(apiKey) : apiKey;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.baseUrl = (options.baseUrl ?? 'https://api.stripe.com').replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? PROVIDER_REQUEST_TIMEOUT_MS;
  }

  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const intent = await this.declinesAsErrors(() => this.createIntent(request, request.idempotencyKey));
    return this.toAuthorization(intent, request.idempotencyKey);
  }

  async reauthorize(request: AuthorizeRequest & { paymentId: string }): Promise<Authorization> {
    const intent = await this.declinesAsErrors(async () => {
      try {
        return await this.createIntent(request, request.idempotencyKey);
      } catch (error) {
        // A payment method that cannot be confirmed twice is refused as a bad request: for the workflow that is
        // an authorization that could not be renewed, not a crash.
        if (
          error instanceof StripeApiError &&
          error.statusCode === 400 &&
          error.body.error?.type !== 'idempotency_error'
        ) {
          throw new PaymentDeclinedError(
            `Re-authorization refused by Stripe (${error.body.error?.code ?? 'invalid_request_error'})`,
            { cause: error },
          );
        }
        throw error;
      }
    });
    const authorization = await this.toAuthorization(intent, request.idempotencyKey);
    // Only now release the old hold: until the new one exists, the old one is the only guarantee of payment.
    await this.cancelIntent(request.paymentId, `${request.idempotencyKey}:cancel-previous`);
    return authorization;
  }

  async capture(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ capturedAmount: Money }> {
    try {
      const intent = await this.post<PaymentIntent>(
        `/v1/payment_intents/${encodeURIComponent(request.paymentId)}/capture`,
        { amount_to_capture: request.amount },
        request.idempotencyKey,
      );
      return { capturedAmount: intent.amount_received };
    } catch (error) {
      const intent = unexpectedStateIntent(error);
      // Captured before (another key, another step): report that capture rather than fail or capture again.
      if (intent?.status === 'succeeded') return { capturedAmount: intent.amount_received };
      if (intent?.status === 'canceled') {
        throw new PaymentDeclinedError('Capture declined: the authorization was canceled or has expired', {
          cause: error,
        });
      }
      throw this.mapped(error);
    }
  }

  async void(request: { paymentId: string; idempotencyKey: string }): Promise<void> {
    await this.cancelIntent(request.paymentId, request.idempotencyKey);
  }

  async refund(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ refundId: string; amount: Money }> {
    try {
      const refund = await this.post<Refund>(
        '/v1/refunds',
        { payment_intent: request.paymentId, amount: request.amount },
        request.idempotencyKey,
      );
      if (refund.status === 'failed' || refund.status === 'canceled') {
        throw new StripeRequestError(
          `Stripe refund ${refund.id} is ${refund.status}`,
          200,
          undefined,
          refund.status,
        );
      }
      return { refundId: refund.id, amount: refund.amount };
    } catch (error) {
      throw this.mapped(error);
    }
  }

  private async createIntent(request: AuthorizeRequest, idempotencyKey: string): Promise<PaymentIntent> {
    return this.post<PaymentIntent>(
      '/v1/payment_intents',
      {
        amount: request.amount,
        currency: request.currency.toLowerCase(),
        payment_method: request.token,
        // Card only: it supports manual capture, and without redirecting methods no return_url is needed.
        'payment_method_types[0]': 'card',
        capture_method: 'manual',
        confirm: true,
        'metadata[order_id]': request.orderId,
        // The charge tells when the hold lapses (payment_method_details.card.capture_before).
        'expand[0]': 'latest_charge',
      },
      idempotencyKey,
    );
  }

  private async toAuthorization(intent: PaymentIntent, idempotencyKey: string): Promise<Authorization> {
    if (intent.status !== 'requires_capture') {
      // Typically requires_action (3-D Secure): the customer is not here to authenticate, so the payment cannot
      // go through. Release the intent so it does not linger, then report a decline.
      await this.cancelIntent(intent.id, `${idempotencyKey}:cancel-unconfirmed`).catch(() => undefined);
      throw new PaymentDeclinedError(`Payment not authorized by Stripe (status ${intent.status})`);
    }
    const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
    const captureBefore = charge?.payment_method_details?.card?.capture_before;
    const expiresAtMs = captureBefore
      ? captureBefore * 1000
      : intent.created * 1000 + DEFAULT_AUTHORIZATION_VALIDITY_MS;
    return {
      paymentId: intent.id,
      amount: intent.amount_capturable,
      currency: intent.currency.toUpperCase(),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
  }

  private async cancelIntent(paymentId: string, idempotencyKey: string): Promise<void> {
    try {
      await this.post<PaymentIntent>(
        `/v1/payment_intents/${encodeURIComponent(paymentId)}/cancel`,
        {},
        idempotencyKey,
      );
    } catch (error) {
      const intent = unexpectedStateIntent(error);
      // Canceled before, or lapsed (Stripe cancels uncaptured intents itself): nothing left to release.
      if (intent?.status === 'canceled') return;
      if (intent?.status === 'succeeded') {
        throw new StripeRequestError(
          'Cannot void a captured payment; refund it instead',
          400,
          'invalid_request_error',
          'payment_intent_unexpected_state',
        );
      }
      throw this.mapped(error);
    }
  }

  /** Runs a call whose card errors are declines (authorize, reauthorize). */
  private async declinesAsErrors<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof StripeApiError && error.body.error?.type === 'card_error') {
        const body = error.body.error;
        // Codes only: Stripe's message is meant for the cardholder and may echo card details.
        const code = body.decline_code ?? body.code ?? 'card_declined';
        throw new PaymentDeclinedError(`Payment declined by Stripe (decline code: ${code})`, {
          cause: error,
        });
      }
      throw this.mapped(error);
    }
  }

  /** Turns a raw Stripe failure into the workflow's error types; typed errors pass through. */
  private mapped(error: unknown): Error {
    if (error instanceof OrderflowError) return error;
    if (error instanceof StripeApiError) {
      const { statusCode } = error;
      const body = error.body.error;
      // 409: the same idempotency key is in flight in another request; trying again later gets its answer.
      if (isUnavailableStatus(statusCode) || statusCode === 409) {
        return new TransientError(`Stripe is unavailable (HTTP ${statusCode})`, { cause: error });
      }
      if (statusCode === 402 || body?.type === 'card_error') {
        return new PaymentDeclinedError(
          `Payment declined by Stripe (decline code: ${body?.decline_code ?? body?.code ?? 'card_declined'})`,
          { cause: error },
        );
      }
      return new StripeRequestError(
        `Stripe refused the request (HTTP ${statusCode}, ${body?.type ?? 'unknown'}${body?.code ? `, ${body.code}` : ''})`,
        statusCode,
        body?.type,
        body?.code,
      );
    }
    return new TransientError('Stripe could not be reached', { cause: error });
  }

  private async post<T>(
    path: string,
    params: Readonly<Record<string, FormValue | undefined>>,
    idempotencyKey: string,
  ): Promise<T> {
    const apiKey = await this.apiKey();
    // A request that never got its answer may or may not have reached Stripe; the key makes a retry safe.
    return (await requestJson(
      'Stripe',
      this.fetch,
      `${this.baseUrl}${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          'idempotency-key': idempotencyKey,
          'stripe-version': STRIPE_API_VERSION,
        },
        body: formBody(params),
      },
      this.requestTimeoutMs,
      {
        notJson: (message, status) => new StripeRequestError(message, status, undefined, undefined),
        failed: (status, body) => new StripeApiError(status, isObject(body) ? body : {}),
      },
    )) as T;
  }
}

/** The PaymentIntent in a `payment_intent_unexpected_state` error: it tells what state the intent is really in. */
const unexpectedStateIntent = (error: unknown): PaymentIntent | undefined =>
  error instanceof StripeApiError && error.body.error?.code === 'payment_intent_unexpected_state'
    ? error.body.error.payment_intent
    : undefined;
