// The local API Gateway: a Node HTTP server that turns each request into the same REST proxy event API Gateway
// sends (resource, path parameters, headers, query string, raw body) and calls the same handler. Local-only pages
// (outbox, sandbox carrier, dashboard) are plain routes beside it. The server listens early (its port goes into
// links), but until the system says it is ready every request, `/health` included, is `503 STARTING` with
// `Retry-After: 1`: a client that waits for health never meets a half-started system.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Route } from '../catalog/functions';
import { errorBody, json } from '../functions/runtime/http';
import type { Counters } from './counters';
import type { LambdaRuntime } from './lambda-runtime';
import type { RateLimiter } from './rate-limit';

/** API Gateway refuses bodies over 10 MB; locally we stop reading far earlier (the handlers allow 64 KB). */
const maxReadBytes = 1024 * 1024;

export interface ApiRoute extends Route {
  functionId: string;
}

export interface LocalResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/**
 * A response that stays open (server-sent events): `open` is called once the head is sent and writes as long as it
 * likes; the function it returns is called when the client goes away or the server closes the connection.
 */
export interface LocalStream {
  status: number;
  headers: Record<string, string>;
  open: (write: (chunk: string) => void) => () => void;
}

export type LocalRoute = (method: string, url: URL) => Promise<LocalResponse | LocalStream | undefined>;

interface CompiledRoute extends ApiRoute {
  pattern: RegExp;
  params: string[];
}

const compile = (route: ApiRoute): CompiledRoute => {
  const params: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)\}/g, (_match, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
  return { ...route, pattern: new RegExp(`^${source}$`), params };
};

class BodyTooLargeError extends Error {}

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxReadBytes) {
        reject(new BodyTooLargeError());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, result: APIGatewayProxyResult): void => {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
  response.writeHead(result.statusCode, headers);
  response.end(result.body);
};

/** An answer of the local gateway itself, in the contract's error shape (as API Gateway's own answers are). */
const errorResult = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => json(statusCode, errorBody(code, message), headers);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as API Gateway hands it to Lambda: text when it is UTF-8, else the bytes in base64 (as for a binary
 * media type), so the handler sees exactly what was sent rather than a string with replacement characters.
 */
const eventBody = (bytes: Buffer): { body: string | null; isBase64Encoded: boolean } => {
  if (bytes.length === 0) return { body: null, isBase64Encoded: false };
  try {
    return { body: utf8.decode(bytes), isBase64Encoded: false };
  } catch {
    return { body: bytes.toString('base64'), isBase64Encoded: true };
  }
};

/**
 * The client's address as API Gateway reports it in `identity.sourceIp`. Locally every caller is on the loopback
 * interface, so the first `X-Forwarded-For` entry counts when there is one, as a proxy in front of the API would
 * pass it on (tests and demos vary it that way).
 */
export const sourceIpOf = (request: IncomingMessage): string => {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || request.socket.remoteAddress || '127.0.0.1';
};

const starting = errorResult(503, 'STARTING', 'the system is starting; try again in a moment', {
  'retry-after': '1',
});

const rateLimited = (retryAfterSeconds: number): APIGatewayProxyResult =>
  errorResult(429, 'RATE_LIMITED', 'too many requests; retry later', {
    'retry-after': String(retryAfterSeconds),
  });
/**
 * The route's path parameters, percent-decoded as API Gateway passes them on; undefined when one is not valid
 * percent-encoding (`%`, `%E0%A4%A`, an encoded lone surrogate), which no handler could read.
 */
export const pathParametersOf = (
  route: CompiledRoute,
  match: RegExpExecArray,
): Record<string, string> | undefined => {
  try {
    return Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return undefined;
  }
};

const badPathParameter = (route: CompiledRoute): APIGatewayProxyResult =>
  json(
    400,
    errorBody(
      'VALIDATION_FAILED',
      'the path is not valid percent-encoding',
      route.params.map((name) => ({ path: name, message: 'must be valid percent-encoded UTF-8' })),
    ),
  );

/**
 * The answer to a request Node could not parse, in the contract's error shape rather than Node's bare status line:
 * `431` when the request line and headers exceed Node's limit (16 KB; API Gateway's is lower), else `400`.
 */
export const clientErrorResponse = (error: NodeJS.ErrnoException): string => {
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request line and headers are too large']
      : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify(errorBody(code, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
};

export const proxyEvent = (
  route: CompiledRoute,
  match: RegExpExecArray,
  request: IncomingMessage,
  url: URL,
  bytes: Buffer,
): APIGatewayProxyEvent => {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[key] = values.join(', ');
    multiValueHeaders[key] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const pathParameters = pathParametersOf(route, match) ?? {};
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
    pathParameters: route.params.length > 0 ? pathParameters : null,
    stageVariables: null,
    ...eventBody(bytes),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: sourceIpOf(request),
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
};

export const startHttpServer = async (options: {
  port: number;
  host?: string;
  routes: ApiRoute[];
  lambdas: LambdaRuntime;
  counters: Counters;
  localRoutes: LocalRoute;
  /** False until every route can be served: handlers registered, engines built, open executions resumed. */
  isReady: () => boolean;
  /** The throttles of the API routes (usage plans, per-route limits); none is no limit. */
  rateLimiter?: RateLimiter;
  /** Told of every API answer (the local order feed learns of accepted commands from it). */
  onApiAnswer?: (event: APIGatewayProxyEvent, result: APIGatewayProxyResult) => void;
}): Promise<Server> => {
  const routes = options.routes.map(compile);
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      try {
        if (!options.isReady()) {
          request.resume();
          send(response, starting);
          return;
        }
        for (const route of routes) {
          const match = route.method === method ? route.pattern.exec(url.pathname) : null;
          if (!match) continue;
          const retryAfter = options.rateLimiter?.take({
            method: route.method,
            path: route.path,
            auth: route.auth,
            apiKey: request.headers['x-api-key'] as string | undefined,
          });
          if (retryAfter !== undefined) {
            // Refused before the body is read or a handler runs, as API Gateway throttles: nothing is written.
            request.resume();
            send(response, rateLimited(retryAfter));
            return;
          }
          options.counters.apiCall();
          let body: Buffer;
          try {
            body = await readBody(request);
          } catch (error) {
            if (error instanceof BodyTooLargeError) {
              send(response, errorResult(413, 'PAYLOAD_TOO_LARGE', 'the body is too large'));
              return;
            }
            throw error;
          }
          if (!pathParametersOf(route, match)) {
            send(response, badPathParameter(route));
            return;
          }
          const event = proxyEvent(route, match, request, url, body);
          const result = (await options.lambdas.invoke(route.functionId, event)) as APIGatewayProxyResult;
          send(response, result);
          options.onApiAnswer?.(event, result);
          return;
        }
        const local = await options.localRoutes(method, url);
        if (local && 'open' in local) {
          response.writeHead(local.status, local.headers);
          const stop = local.open((chunk) => response.write(chunk));
          response.once('close', stop);
          return;
        }
        if (local) {
          response.writeHead(local.status, { ...local.headers, 'content-type': local.contentType });
          response.end(local.body);
          return;
        }
        const known = routes.some((route) => route.pattern.test(url.pathname));
        send(
          response,
          known
            ? errorResult(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`)
            : errorResult(404, 'NOT_FOUND', `no route for ${method} ${url.pathname}`),
        );
      } catch (error) {
        console.error('local API error', error);
        if (!response.headersSent) send(response, errorResult(500, 'INTERNAL', 'something went wrong'));
        else response.end();
      }
    })();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return server;
};
