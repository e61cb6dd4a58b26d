// The HTTP edge: JSON bodies within the contract's limits (415, 413, 400, base64), who is calling (401, storefront
// or ops, API Gateway key ids), and the error middleware that gives every failure the contract's error body.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../../functions/domain/errors';
import {
  HttpError,
  httpErrors,
  identify,
  jsonBody,
  maxBodyBytes,
  type PrincipalDirectory,
} from '../../../functions/runtime/http';
import { aPostOrdersEvent } from '../helpers/orders';

/** The example event with other headers (replacing all of them). */
const withHeaders = (event: APIGatewayProxyEvent, headers: Record<string, string>): APIGatewayProxyEvent => ({
  ...event,
  headers,
  multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
});

/** What a call threw, for asserting on its status and code. */
const thrown = (call: () => unknown): unknown => {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

describe('jsonBody', () => {
  it('parses the JSON body of the request', () => {
    // Prepare
    const event = aPostOrdersEvent();

    // Act
    const body = jsonBody(event);

    // Assess
    expect(body).toMatchObject({ externalId: '1001', total: 4498 });
  });

  it('accepts a JSON media type with a charset', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'content-type': 'application/json; charset=utf-8' });

    // Act
    const body = jsonBody(event);

    // Assess
    expect(body).toMatchObject({ externalId: '1001' });
  });

  it('decodes a base64-encoded body', () => {
    // Prepare
    const event = aPostOrdersEvent();
    const encoded = {
      ...event,
      body: Buffer.from(event.body ?? '').toString('base64'),
      isBase64Encoded: true,
    };

    // Act
    const body = jsonBody(encoded);

    // Assess
    expect(body).toMatchObject({ externalId: '1001', total: 4498 });
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a text/plain body', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'Content-Type': 'text/plain' });

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE without a content type', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'x-api-key': 'local-dev-key' });

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KB', () => {
    // Prepare
    const event = { ...aPostOrdersEvent(), body: JSON.stringify({ note: 'x'.repeat(maxBodyBytes) }) };

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('counts the size in bytes, not characters', () => {
    // Prepare: 30,000 three-byte characters are 90,000 bytes
    const event = { ...aPostOrdersEvent(), body: JSON.stringify({ note: '€'.repeat(30_000) }) };

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 400 VALIDATION_FAILED for a body that is not valid JSON', () => {
    // Prepare
    const event = { ...aPostOrdersEvent(), body: '{"externalId": "1001",' };

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: '(root)', message: 'invalid JSON' }],
    });
  });

  it('answers 400 VALIDATION_FAILED for base64 bytes that are not UTF-8', () => {
    // Prepare
    const event = aPostOrdersEvent();
    const text = event.body ?? '';
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, 20)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(text.slice(20)),
    ]);
    const encoded = { ...event, body: bytes.toString('base64'), isBase64Encoded: true };

    // Act
    const error = thrown(() => jsonBody(encoded));

    // Assess
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: '(body)', message: 'is not valid UTF-8' }],
    });
  });

  it('answers 400 VALIDATION_FAILED for text in which bytes were replaced by U+FFFD', () => {
    // Prepare
    const event = aPostOrdersEvent();
    const garbled = { ...event, body: (event.body ?? '').replace('Ada', 'Ad\uFFFD') };

    // Act
    const error = thrown(() => jsonBody(garbled));

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers 400 VALIDATION_FAILED without a body', () => {
    // Prepare
    const event = { ...aPostOrdersEvent(), body: null };

    // Act
    const error = thrown(() => jsonBody(event));

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('identify', () => {
  const directory: PrincipalDirectory = {
    principalsByKeyId: new Map([
      ['a1b2c3d4e5', 'demo-store'],
      ['f6g7h8i9j0', 'ops'],
    ]),
    principalsByKey: new Map([
      ['local-dev-key', 'demo-store'],
      ['local-ops-key', 'ops'],
    ]),
  };

  /** The example event as API Gateway passes it after checking the key with the given id. */
  const withApiKeyId = (apiKeyId: string): APIGatewayProxyEvent => {
    const event = withHeaders(aPostOrdersEvent(), { 'Content-Type': 'application/json' });
    return {
      ...event,
      requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, apiKeyId } },
    };
  };

  it('answers 401 UNAUTHORIZED without an x-api-key', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'Content-Type': 'application/json' });

    // Act
    const error = thrown(() => identify(event, directory));

    // Assess
    expect(error).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('answers 401 UNAUTHORIZED for a key it does not know', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'x-api-key': 'guessed-key' });

    // Act
    const error = thrown(() => identify(event, directory));

    // Assess
    expect(error).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it("takes a storefront's key for that storefront", () => {
    // Act
    const principal = identify(aPostOrdersEvent(), directory);

    // Assess
    expect(principal).toEqual({ id: 'demo-store', role: 'storefront' });
  });

  it('takes the ops key for the operator', () => {
    // Prepare
    const event = withHeaders(aPostOrdersEvent(), { 'X-Api-Key': 'local-ops-key' });

    // Act
    const principal = identify(event, directory);

    // Assess
    expect(principal).toEqual({ id: 'ops', role: 'ops' });
  });

  it('maps the API key id API Gateway checked to its storefront', () => {
    // Act
    const principal = identify(withApiKeyId('a1b2c3d4e5'), directory);

    // Assess
    expect(principal).toEqual({ id: 'demo-store', role: 'storefront' });
  });

  it('maps the API key id of the ops key to the operator', () => {
    // Act
    const principal = identify(withApiKeyId('f6g7h8i9j0'), directory);

    // Assess
    expect(principal).toEqual({ id: 'ops', role: 'ops' });
  });
});

describe('httpErrors', () => {
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'orderflow-orders-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orderflow-orders-api',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/orderflow-orders-api',
    logStreamName: '2030/03/04/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };

  /** A handler that throws `error`, with the middleware attached as the API handlers attach it. */
  const failingWith = (error: Error) =>
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpErrors())
      .handler(() => Promise.reject(error));

  it("turns an HttpError into the contract's error body with its status", async () => {
    // Prepare
    const handler = failingWith(
      new HttpError(400, 'VALIDATION_FAILED', 'the request does not match the expected shape', [
        { path: 'total', message: 'must equal items + shipping + tax (4498)' },
      ]),
    );

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    expect([response.statusCode, JSON.parse(response.body)]).toEqual([
      400,
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'the request does not match the expected shape',
          details: [{ path: 'total', message: 'must equal items + shipping + tax (4498)' }],
        },
      },
    ]);
  });

  it.each([
    [
      new InvalidRequestError('a returned item is not part of the order', [
        { path: 'items.0.sku', message: 'x' },
      ]),
      400,
      'VALIDATION_FAILED',
      [{ path: 'items.0.sku', message: 'x' }],
    ],
    [new NotFoundError('order ord_1 not found'), 404, 'NOT_FOUND', []],
    [
      new ConflictError('NOT_CANCELLABLE', 'order ord_1 is DELIVERED and cannot be cancelled'),
      409,
      'NOT_CANCELLABLE',
      [],
    ],
  ])("answers the domain's refusal %s with its status and code", async (error, status, code, details) => {
    // Prepare
    const handler = failingWith(error);

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    expect([response.statusCode, JSON.parse(response.body)]).toEqual([
      status,
      { error: { code, message: error.message, details } },
    ]);
  });

  it('answers with a JSON content type', async () => {
    // Prepare
    const handler = failingWith(new HttpError(404, 'NOT_FOUND', 'order ord_1 not found'));

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('gives an HttpError without details an empty details list', async () => {
    // Prepare
    const handler = failingWith(new HttpError(404, 'NOT_FOUND', 'order ord_1 not found'));

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'NOT_FOUND', message: 'order ord_1 not found', details: [] },
    });
  });

  it('turns an unexpected error into a 500 that tells nothing of the internals', async () => {
    // Prepare
    const internal = new TypeError(
      "Cannot read properties of undefined (reading 'Item') in table Orders-prod",
    );
    const handler = failingWith(internal);

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    expect([
      response.statusCode,
      response.body.includes('Orders-prod'),
      response.body.includes('TypeError'),
    ]).toEqual([500, false, false]);
  });

  it('gives the 500 the contract error shape', async () => {
    // Prepare
    const handler = failingWith(new Error('boom'));

    // Act
    const response = await handler(aPostOrdersEvent(), context);

    // Assess
    const body = JSON.parse(response.body) as {
      error: { code: unknown; message: unknown; details: unknown };
    };
    expect([String(body.error.code), typeof body.error.message, body.error.details]).toEqual([
      expect.stringMatching(/^[A-Z]+(?:_[A-Z]+)*$/) as unknown,
      'string',
      [],
    ]);
  });
});
