// The Stripe payment provider on the official `stripe` SDK: PaymentIntents with manual capture, card only. Every
// request carries an idempotency key made from the order and the operation, so a retried step replays Stripe's
// first answer instead of charging again, and names the pinned API version (STRIPE_API_VERSION). The SDK's own
// retries are off (`maxNetworkRetries: 0`): the workflow's ASL retries TransientError with backoff, and two layers
// of retries would multiply. Each request is abandoned after PROVIDER_REQUEST_TIMEOUT_MS, body included (the SDK's
// fetch client keeps its abort armed while the body is read).
//
// Errors map from the SDK's error classes to the workflow's typed errors: a card error (StripeCardError, HTTP 402)
// is a PaymentDeclinedError naming the decline code only; throttling, Stripe-side failures (5xx), a request still in
// flight under the same idempotency key (409) and network failures or timeouts are TransientError (the ASL retries
// those); anything else is a StripeRequestError, an unexpected failure. An intent in an unexpected state is answered
// from its real status: a capture of an intent captured earlier reports that capture, a canceled one is declined.
//
// The key is resolved before every request (a function is called each time; it caches inside), and the SDK client
// is built for the key it resolved: a rotated key takes effect on the next request without rebuilding the provider.
//
// Re-authorization creates a new manual-capture PaymentIntent with the same payment method and then cancels the
// old one; the returned Authorization carries the NEW payment id. Limit: Stripe lets a payment method be confirmed
// again only when it is reusable (attached to a Customer, or a test `pm_card_*` id). A one-time payment method is
// refused with an invalid_request_error, which is reported as a declined re-authorization so the workflow takes
// its "authorization expired" branch instead of failing.
import Stripe from 'stripe';
import type { Authorization, AuthorizeRequest, Money, PaymentProvider } from '../../domain/providers';
import { OrderflowError, PaymentDeclinedError, TransientError } from '../../domain/errors';
import { isUnavailableStatus, PROVIDER_REQUEST_TIMEOUT_MS } from '../provider-http';

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
  /** How long one request may take before it is abandoned as a TransientError; PROVIDER_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** How the SDK sends requests: `Stripe.createFetchHttpClient()` over `fetch` (the global one unless given). */
  httpClient?: Stripe.StripeConfig['httpClient'];
  /** The fetch the SDK's HTTP client uses when no `httpClient` is given (the local engine's recorded providers). */
  fetch?: typeof fetch;
  /** `api.stripe.com` over HTTPS on 443 unless overridden (tests, a proxy). */
  host?: string;
  port?: number;
  protocol?: Stripe.HttpProtocol;
}

/**
 * The Stripe API version every request names (`Stripe-Version`), so that the answers keep the shapes this adapter
 * and its recorded fixtures are written for whatever the account's default version is. It is the version the
 * installed SDK's types describe (`Stripe.API_VERSION`; `satisfies` fails the type check when an SDK upgrade moves
 * it). `expand[]=latest_charge` needs 2022-11-15 or later. Moving it is a deliberate upgrade: read Stripe's
 * changelog for the fields read here and re-record the fixtures.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies typeof Stripe.API_VERSION;
/** Stripe holds an uncaptured card authorization for 7 days unless the charge says otherwise (capture_before). */
const DEFAULT_AUTHORIZATION_VALIDITY_MS = 7 * 24 * 3600 * 1000;

const {
  StripeCardError,
  StripeConnectionError,
  StripeError,
  StripeInvalidRequestError,
  StripeRateLimitError,
} = Stripe.errors;

/** Stripe PaymentProvider (PaymentIntents, manual capture). */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly apiKey: () => Promise<string>;
  private readonly requestTimeoutMs: number;
  private readonly config: Stripe.StripeConfig;
  /** The SDK client of the last key resolved; a different key builds a new one. */
  private client: { apiKey: string; stripe: Stripe } | undefined;

  constructor(options: StripePaymentProviderOptions) {
    const { apiKey } = options;
    this.apiKey = typeof apiKey === 'string' ? () => Promise.resolve(apiKey) : apiKey;
    this.requestTimeoutMs = options.requestTimeoutMs ?? PROVIDER_REQUEST_TIMEOUT_MS;
    this.config = {
      apiVersion: STRIPE_API_VERSION,
      // The workflow retries TransientError with backoff (catalog/retry-policies.ts); the SDK must not retry too.
      maxNetworkRetries: 0,
      timeout: this.requestTimeoutMs,
      telemetry: false,
      // The fetch client's timeout covers the whole exchange, the body included, as PROVIDER_REQUEST_TIMEOUT_MS means.
      httpClient: options.httpClient ?? Stripe.createFetchHttpClient(options.fetch),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
    };
  }

  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const intent = await this.send(request.idempotencyKey, (stripe, options) =>
      this.createIntent(stripe, request, options),
    ).catch((error: unknown) => {
      throw this.mapped(error);
    });
    return this.toAuthorization(intent, request.idempotencyKey);
  }

  async reauthorize(request: AuthorizeRequest & { paymentId: string }): Promise<Authorization> {
    const intent = await this.send(request.idempotencyKey, async (stripe, options) => {
      try {
        return await this.createIntent(stripe, request, options);
      } catch (error) {
        // A payment method that cannot be confirmed twice is refused as a bad request: for the workflow that is
        // an authorization that could not be renewed, not a crash. (A reused key is a StripeIdempotencyError.)
        if (error instanceof StripeInvalidRequestError && error.statusCode === 400) {
          throw new PaymentDeclinedError(
            `Re-authorization refused by Stripe (${error.code ?? 'invalid_request_error'})`,
            { cause: error },
          );
        }
        throw error;
      }
    }).catch((error: unknown) => {
      throw this.mapped(error);
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
      const intent = await this.send(request.idempotencyKey, (stripe, options) =>
        stripe.paymentIntents.capture(request.paymentId, { amount_to_capture: request.amount }, options),
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
    const refund = await this.send(request.idempotencyKey, (stripe, options) =>
      stripe.refunds.create({ payment_intent: request.paymentId, amount: request.amount }, options),
    ).catch((error: unknown) => {
      throw this.mapped(error);
    });
    if (refund.status === 'failed' || refund.status === 'canceled') {
      throw new StripeRequestError(
        `Stripe refund ${refund.id} is ${refund.status}`,
        200,
        undefined,
        refund.status,
      );
    }
    return { refundId: refund.id, amount: refund.amount };
  }

  private createIntent(
    stripe: Stripe,
    request: AuthorizeRequest,
    options: Stripe.RequestOptions,
  ): Promise<Stripe.PaymentIntent> {
    return stripe.paymentIntents.create(
      {
        amount: request.amount,
        currency: request.currency.toLowerCase(),
        payment_method: request.token,
        // Card only: it supports manual capture, and without redirecting methods no return_url is needed. (Since
        // 2026-09-30.endive Stripe refuses `payment_method_types` here; `allowed_payment_method_types` replaces it.)
        allowed_payment_method_types: ['card'],
        capture_method: 'manual',
        confirm: true,
        metadata: { order_id: request.orderId },
        // The charge tells when the hold lapses (payment_method_details.card.capture_before).
        expand: ['latest_charge'],
      },
      options,
    );
  }

  private async toAuthorization(
    intent: Stripe.PaymentIntent,
    idempotencyKey: string,
  ): Promise<Authorization> {
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
      await this.send(idempotencyKey, (stripe, options) =>
        stripe.paymentIntents.cancel(paymentId, undefined, options),
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

  /**
   * Resolves the key, then makes one SDK call with the idempotency key. The SDK's error comes back as it is: the
   * callers read an unexpected-state answer first (`unexpectedStateIntent`), then map the rest (`mapped`).
   */
  private async send<T>(
    idempotencyKey: string,
    call: (stripe: Stripe, options: Stripe.RequestOptions) => Promise<T>,
  ): Promise<T> {
    let apiKey: string;
    try {
      apiKey = await this.apiKey();
    } catch (error) {
      throw new TransientError('The Stripe API key could not be read', { cause: error });
    }
    // A request that never got its answer may or may not have reached Stripe; the key makes a retry safe.
    return call(this.stripeFor(apiKey), { idempotencyKey });
  }

  private stripeFor(apiKey: string): Stripe {
    if (this.client?.apiKey !== apiKey) this.client = { apiKey, stripe: new Stripe(apiKey, this.config) };
    return this.client.stripe;
  }

  /** Turns an SDK error into the workflow's error types; typed errors and anything not from Stripe pass through. */
  private mapped(error: unknown): unknown {
    if (!(error instanceof StripeError)) return error;
    if (error instanceof StripeConnectionError) {
      // The fetch client aborts a request over `timeout` with an error coded ETIMEDOUT.
      const timedOut = isObject(error.detail) && error.detail.code === Stripe.HttpClient.TIMEOUT_ERROR_CODE;
      return new TransientError(
        timedOut ? `Stripe did not answer within ${this.requestTimeoutMs} ms` : 'Stripe could not be reached',
        { cause: error },
      );
    }
    if (error instanceof StripeCardError) {
      // Codes only: Stripe's message is meant for the cardholder and may echo card details.
      const code = error.decline_code || error.code || 'card_declined';
      return new PaymentDeclinedError(`Payment declined by Stripe (decline code: ${code})`, { cause: error });
    }
    const { statusCode } = error;
    if (
      error instanceof StripeRateLimitError ||
      (statusCode !== undefined && isUnavailableStatus(statusCode))
    ) {
      return new TransientError(`Stripe is unavailable (HTTP ${statusCode ?? 429})`, { cause: error });
    }
    // The same idempotency key is in flight in another request; trying again later gets that request's answer.
    if (statusCode === 409) {
      return new TransientError(
        'Stripe is still processing a request with the same idempotency key (HTTP 409)',
        {
          cause: error,
        },
      );
    }
    // An answer the SDK could not read (a proxy's error page): whether it was applied is unknown, and the
    // idempotency key makes asking again safe.
    if (statusCode === undefined) {
      return new TransientError(`Stripe's answer could not be read (${error.message})`, { cause: error });
    }
    return new StripeRequestError(
      `Stripe refused the request (HTTP ${statusCode}, ${error.rawType ?? 'unknown'}${error.code ? `, ${error.code}` : ''})`,
      statusCode,
      error.rawType,
      error.code,
    );
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The PaymentIntent in a `payment_intent_unexpected_state` error: it tells what state the intent is really in. */
const unexpectedStateIntent = (error: unknown): Stripe.PaymentIntent | undefined =>
  error instanceof StripeError && error.code === 'payment_intent_unexpected_state'
    ? error.payment_intent
    : undefined;
