// The local API Gateway's own refusals: a path parameter that is not valid percent-encoding and a request Node
// cannot parse (headers over its limit, broken HTTP) are 4xx answers in the contract's error shape, and the
// handler is never called for them.
import { connect } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counters } from '../../../local/counters';
import { startHttpServer } from '../../../local/http-server';
import { LambdaRuntime } from '../../../local/lambda-runtime';

/** Writes `raw` on a fresh connection and reads the whole answer until the server closes it. */
const rawExchange = (port: number, raw: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });

const bodyOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('the local HTTP server', () => {
  let server: Server;
  let port: number;
  let calls = 0;

  beforeAll(async () => {
    const counters = new Counters();
    const lambdas = new LambdaRuntime(counters);
    lambdas.register('Echo', (event) => {
      calls += 1;
      return Promise.resolve({ statusCode: 200, body: JSON.stringify(event) });
    });
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      routes: [{ method: 'GET', path: '/orders/{orderId}', auth: 'apiKey', functionId: 'Echo' }],
      lambdas,
      counters,
      localRoutes: () => Promise.resolve(undefined),
      isReady: () => true,
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );

  it('refuses a path parameter that is not valid percent-encoding with a 400 naming it', async () => {
    // Prepare
    const before = calls;

    // Act
    const answers = await Promise.all(
      ['%', '%E0%A4%A', '%ED%A0%80'].map((segment) => fetch(`http://127.0.0.1:${port}/orders/${segment}`)),
    );

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'the path is not valid percent-encoding',
          details: [{ path: 'orderId', message: 'must be valid percent-encoded UTF-8' }],
        },
      });
    }
    expect(calls).toBe(before);
  });

  it('still hands a well-encoded parameter to the handler decoded', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/orders/a%20b`);

    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { pathParameters: unknown }).pathParameters).toEqual({ orderId: 'a b' });
  });

  it('answers a request line and headers over the limit 431 in the error shape', async () => {
    const answer = await rawExchange(port, `GET /orders/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);

    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('content-type: application/json');
    expect(bodyOf(answer)).toEqual({
      error: {
        code: 'HEADERS_TOO_LARGE',
        message: 'the request line and headers are too large',
        details: [],
      },
    });
  });

  it('answers a request that is not HTTP 400 in the error shape', async () => {
    const answer = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(answer)).toEqual({
      error: { code: 'BAD_REQUEST', message: 'the request is not valid HTTP', details: [] },
    });
  });
});
