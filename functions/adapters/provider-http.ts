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

/** A status that says the provider side failed or is overloaded (5xx, 429): the same request may succeed later. */
export const isUnavailableStatus = (status: number): boolean => status === 429 || status >= 500;

/** How an adapter reports the answers `requestJson` does not return. */
export interface ProviderRefusals {
  /** A body that is not JSON under a status that is not worth retrying. */
  notJson: (message: string, status: number) => Error;
  /** A JSON answer with a status outside 2xx. */
  failed: (status: number, body: unknown) => Error;
}

/**
 * Sends one request to a provider and returns its parsed JSON body (`{}` when empty). A network failure or a
 * request over `timeoutMs` (the body included) is the TransientError of `unreachable`; a body that is not JSON (a
 * proxy's error page) is a TransientError when the status is an unavailable one, else `refusals.notJson`; any other
 * answer outside 2xx is `refusals.failed`.
 */
export const requestJson = async (
  provider: string,
  send: typeof fetch,
  url: string,
  init: Omit<RequestInit, 'signal'>,
  timeoutMs: number,
  refusals: ProviderRefusals,
): Promise<unknown> => {
  let status: number;
  let text: string;
  try {
    // Covers the body too: `text()` rejects when the signal fires while the answer is still arriving.
    const response = await send(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw unreachable(provider, timeoutMs, error);
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    const message = `${provider} answered ${status} with a non-JSON body`;
    throw isUnavailableStatus(status) ? new TransientError(message) : refusals.notJson(message, status);
  }
  if (status < 200 || status >= 300) throw refusals.failed(status, body);
  return body;
};
