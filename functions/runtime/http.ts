// The HTTP edge shared by the API handlers: JSON body parsing with the contract's limits, caller identification,
// and one error shape for every 4xx/5xx. Handlers stay thin: they parse with a zod schema and call one domain
// function; everything here is middleware or a small helper.
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OrderflowError,
  type ErrorDetail,
} from '../domain/errors';
import { sameSecret } from '../domain/hash';
import { logger } from './observability';

/** An error that is already an HTTP answer: its status, the contract's code, message and details. */
export class HttpError extends OrderflowError {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** The HTTP answer to a domain refusal; undefined for any other error. */
export const asHttpError = (error: unknown): HttpError | undefined => {
  if (error instanceof HttpError) return error;
  if (error instanceof InvalidRequestError) {
    return new HttpError(400, 'VALIDATION_FAILED', error.message, error.details);
  }
  if (error instanceof NotFoundError) return new HttpError(404, 'NOT_FOUND', error.message);
  if (error instanceof ConflictError) return new HttpError(409, error.code, error.message);
  return undefined;
};

export const maxBodyBytes = 64 * 1024;

export interface Principal {
  id: string;
  role: 'storefront' | 'ops';
}

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const errorBody = (
  code: string,
  message: string,
  details: ReadonlyArray<{ path: string; message: string }> = [],
) => ({
  error: { code, message, details },
});

/** Turns zod issues into the contract's `details: [{path, message}]`. */
export const validationError = (error: z.ZodError, prefix = ''): HttpError =>
  new HttpError(
    400,
    'VALIDATION_FAILED',
    'the request does not match the expected shape',
    error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
      message: issue.message,
    })),
  );

export const parseWith = <S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, prefix);
  return parsed.data;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const notUtf8 = (): HttpError =>
  new HttpError(400, 'VALIDATION_FAILED', 'the body is not valid UTF-8', [
    { path: '(body)', message: 'is not valid UTF-8' },
  ]);

/**
 * The body as text, refusing bytes that are not UTF-8. A body that reaches the handler as bytes (base64) is decoded
 * strictly; a text body with U+FFFD was decoded by someone else who replaced what was not UTF-8, so it is refused
 * too rather than stored with the customer's name garbled.
 */
const utf8Body = (event: APIGatewayProxyEvent): string | null => {
  if (event.body === null || event.body === undefined) return null;
  if (!event.isBase64Encoded) {
    if (event.body.includes('\uFFFD')) throw notUtf8();
    return event.body;
  }
  try {
    return utf8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw notUtf8();
  }
};

/** The request body as JSON: 415 for another media type, 413 when too large, 400 when malformed or not UTF-8. */
export const jsonBody = (event: APIGatewayProxyEvent): unknown => {
  const raw = utf8Body(event);
  if (raw === null || raw === '') {
    throw new HttpError(400, 'VALIDATION_FAILED', 'a JSON body is required', [
      { path: '(root)', message: 'missing' },
    ]);
  }
  if (Buffer.byteLength(raw, 'utf8') > maxBodyBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${maxBodyBytes} bytes`);
  }
  const type = header(event, 'content-type');
  if (!type || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', 'the body is not valid JSON', [
      { path: '(root)', message: 'invalid JSON' },
    ]);
  }
};

/** The raw body as the sender sent it (for signature checks). */
export const rawBody = (event: APIGatewayProxyEvent): string => {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > maxBodyBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${maxBodyBytes} bytes`);
  }
  return text;
};

export const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value ?? undefined;
  }
  return undefined;
};

export const lowerCaseHeaders = (event: APIGatewayProxyEvent): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? undefined]));

export interface PrincipalDirectory {
  principalsByKeyId: ReadonlyMap<string, string>;
  principalsByKey: ReadonlyMap<string, string>;
}

/**
 * The principal of a raw key (local mode), compared with every known key in constant time: a map lookup by the key
 * would compare strings that stop at the first differing character, and the time it takes tells how much of a guess
 * was right. Every key is compared, also after a match.
 */
const principalOfKey = (key: string, principalsByKey: ReadonlyMap<string, string>): string | undefined => {
  let found: string | undefined;
  for (const [known, principal] of principalsByKey) if (sameSecret(key, known)) found ??= principal;
  return found;
};

/**
 * Who is calling. In AWS, API Gateway has already checked the key and tells its id; locally the key itself is
 * looked up. The principal `ops` is the operator; any other is a storefront id.
 */
export const identify = (event: APIGatewayProxyEvent, directory: PrincipalDirectory): Principal => {
  const keyId = event.requestContext?.identity?.apiKeyId;
  const key = header(event, 'x-api-key');
  const id =
    (keyId ? directory.principalsByKeyId.get(keyId) : undefined) ??
    (key ? principalOfKey(key, directory.principalsByKey) : undefined);
  if (!id) throw new HttpError(401, 'UNAUTHORIZED', 'a valid x-api-key header is required');
  return { id, role: id === 'ops' ? 'ops' : 'storefront' };
};

export const requireOps = (principal: Principal): void => {
  if (principal.role !== 'ops') throw new HttpError(403, 'FORBIDDEN', 'this operation is for operators');
};

/** Maps thrown errors to the contract's error body; unexpected errors become a 500 without internals. */
export const httpErrors = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const refusal = asHttpError(request.error);
    if (refusal) {
      request.response = json(refusal.statusCode, errorBody(refusal.code, refusal.message, refusal.details));
      return;
    }
    logger.error('unhandled error', { error: request.error as Error });
    request.response = json(
      500,
      errorBody('INTERNAL', 'something went wrong; the request can be retried safely'),
    );
  },
});
