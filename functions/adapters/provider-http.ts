// Limits every real provider adapter (Stripe, EasyPost) puts on its HTTP requests. A request that takes longer than
// PROVIDER_REQUEST_TIMEOUT_MS is abandoned and reported as TransientError, which the workflows retry (the adapters'
// idempotency keys make the retry safe). The stack gives every function that calls a provider a timeout longer than
// MAX_PROVIDER_REQUESTS_PER_INVOCATION such requests in a row (test/infra/functions.test.ts), so a slow provider
// surfaces as a typed, retried error and never as a Lambda timeout.

import { TransientError } from '../domain/errors';

/** How long one provider request may take, from sending it to the end of its body. */
export const PROVIDER_REQUEST_TIMEOUT_MS = 5_000;

/** The most provider requests one invocation makes one after the other (buying a label: look up, verify, rate, buy). */
export const MAX_PROVIDER_REQUESTS_PER_INVOCATION = 4;

/** A provider request that failed on the way (network) or took too long, as the TransientError the workflows retry. */
export const unreachable = (provider: string, timeoutMs: number, error: unknown): TransientError => {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return new TransientError(
    timedOut ? `${provider} did not answer within ${timeoutMs} ms` : `${provider} could not be reached`,
    { cause: error },
  );
};
