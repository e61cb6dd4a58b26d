// HTTP adapter of the orders API: routes by API Gateway resource, parses with the shared schemas, calls the
// domain functions in orders.ts.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awsDeps } from '../runtime/parts/part';
import { carrierPart } from '../runtime/parts/carrier';
import { corePart } from '../runtime/parts/core';
import { riskFingerprintsPart } from '../runtime/parts/keys';
import { workflowPart } from '../runtime/parts/workflow';
import {
  header,
  HttpError,
  httpErrors,
  identify,
  json,
  jsonBody,
  parseWith,
  rawBody,
  requireOps,
  type Principal,
} from '../runtime/http';
import { toOrderView } from '../domain/order';
import { logging } from '../runtime/observability';
import { getCredit } from '../adapters/credit-store';
import { openReturn } from '../services/open-return';
import {
  cancelRequestSchema,
  returnRequestSchema,
  storeCreditLookupSchema,
  containsCardNumber,
  kpisQuerySchema,
  listOrdersQuerySchema,
  reviewRequestSchema,
  shipRequestSchema,
} from '../domain/requests';
import { createOrderRequestSchema } from '../domain/order-request';
import { InvalidCursorError } from '../adapters/order-store';
import * as z from 'zod';
import {
  findOrders,
  markShipped,
  reportKpis,
  requestCancellation,
  reviewOrder,
  submitOrder,
  visibleOrder,
  type OrdersApiDeps,
} from './orders';

const orderIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an order id');
const idempotencyKeyHeader = z.string().min(1).max(255).optional();

const storefrontOf = (principal: Principal): string => {
  if (principal.role === 'ops')
    throw new HttpError(403, 'FORBIDDEN', 'orders are placed with a storefront key');
  return principal.id;
};

/**
 * The storefront a list is scoped to. A storefront key lists its own orders only: naming another storefront is
 * `403`, whatever the query says. Operators list the storefront they name, or every storefront.
 */
const listedStorefront = (principal: Principal, named: string | undefined): string | undefined => {
  if (principal.role === 'storefront') {
    if (named !== undefined && named !== principal.id) {
      throw new HttpError(403, 'FORBIDDEN', 'a storefront key lists its own orders only');
    }
    return principal.id;
  }
  return named;
};

const route = async (deps: OrdersApiDeps, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const principal = identify(event, deps.config);
  const routeKey = `${event.httpMethod} ${event.resource}`;
  switch (routeKey) {
    case 'POST /orders': {
      const storefrontId = storefrontOf(principal);
      const body = jsonBody(event);
      if (containsCardNumber(rawBody(event))) {
        throw new HttpError(400, 'VALIDATION_FAILED', 'card numbers are not accepted; send a payment token', [
          { path: '(body)', message: 'contains a card number' },
        ]);
      }
      const request = parseWith(createOrderRequestSchema, body);
      if (request.payment.provider !== deps.config.paymentProvider) {
        throw new HttpError(400, 'VALIDATION_FAILED', 'this payment provider is not enabled', [
          { path: 'payment.provider', message: `must be ${deps.config.paymentProvider}` },
        ]);
      }
      const key = parseWith(idempotencyKeyHeader, header(event, 'idempotency-key'), 'Idempotency-Key');
      const sourceIp = event.requestContext?.identity?.sourceIp || undefined;
      const { created, view } = await submitOrder(deps, storefrontId, request, key, sourceIp);
      return json(created ? 202 : 200, view, { location: `/orders/${view.orderId}` });
    }
    case 'GET /orders': {
      const { storefrontId: named, ...filters } = parseWith(listOrdersQuerySchema, {
        ...event.queryStringParameters,
      });
      const storefrontId = listedStorefront(principal, named);
      try {
        return json(200, await findOrders(deps, storefrontId, filters));
      } catch (error) {
        if (error instanceof InvalidCursorError) {
          throw new HttpError(400, 'VALIDATION_FAILED', error.message, [
            { path: 'cursor', message: error.message },
          ]);
        }
        throw error;
      }
    }
    case 'GET /kpis': {
      requireOps(principal);
      const query = parseWith(kpisQuerySchema, { ...event.queryStringParameters });
      return json(200, await reportKpis(deps, query));
    }
    case 'GET /orders/{orderId}': {
      const orderId = parseWith(orderIdParam, event.pathParameters?.orderId, 'orderId');
      return json(200, toOrderView(await visibleOrder(deps, principal, orderId)));
    }
    case 'POST /orders/{orderId}/ship': {
      const orderId = parseWith(orderIdParam, event.pathParameters?.orderId, 'orderId');
      if (event.body) parseWith(shipRequestSchema, jsonBody(event));
      const order = await visibleOrder(deps, principal, orderId);
      const { accepted, view } = await markShipped(deps, order);
      return json(accepted ? 202 : 200, view);
    }
    case 'POST /orders/{orderId}/cancel': {
      const orderId = parseWith(orderIdParam, event.pathParameters?.orderId, 'orderId');
      const request = parseWith(cancelRequestSchema, jsonBody(event));
      const order = await visibleOrder(deps, principal, orderId);
      const by = principal.role === 'ops' ? 'operator' : 'customer';
      return json(202, await requestCancellation(deps, order, request, by));
    }
    case 'POST /orders/{orderId}/review': {
      requireOps(principal);
      const orderId = parseWith(orderIdParam, event.pathParameters?.orderId, 'orderId');
      const request = parseWith(reviewRequestSchema, jsonBody(event));
      const order = await visibleOrder(deps, principal, orderId);
      return json(202, (await reviewOrder(deps, order, request)).view);
    }
    case 'POST /orders/{orderId}/returns': {
      const orderId = parseWith(orderIdParam, event.pathParameters?.orderId, 'orderId');
      const request = parseWith(returnRequestSchema, jsonBody(event));
      const key = parseWith(idempotencyKeyHeader, header(event, 'idempotency-key'), 'Idempotency-Key');
      await visibleOrder(deps, principal, orderId);
      const opened = await openReturn(deps, orderId, { ...request, idempotencyKey: key });
      const { returnId, status, trackingNumber, labelUrl, refundAmount, refundTo, items } = opened;
      return json(202, { returnId, status, trackingNumber, labelUrl, refundAmount, refundTo, items });
    }
    case 'POST /store-credit/lookup': {
      const storefrontId = storefrontOf(principal);
      const { email } = parseWith(storeCreditLookupSchema, jsonBody(event));
      return json(200, { storefrontId, ...(await getCredit(deps.db, storefrontId, email)) });
    }
    default:
      throw new HttpError(404, 'NOT_FOUND', `no route ${routeKey}`);
  }
};

export const createHandler = (deps = awsDeps(corePart, workflowPart, carrierPart, riskFingerprintsPart)) =>
  middy(async (event: APIGatewayProxyEvent) => route(deps(), event))
    .use(logging())
    .use(httpErrors());

export const handler = createHandler();
