// HTTP adapter of the customer tracking page (`GET /track/{orderId}?t=<token>`, no API key). A wrong token and an
// unknown order get the same 404, so the page tells nothing about which order ids exist.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CoreDeps, TrackingLinkDeps } from '../runtime/deps';
import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { errorBody, httpErrors, json } from '../runtime/http';
import { logging } from '../runtime/observability';
import { getOrder } from '../adapters/order-store';
import { renderTrackingPage, trackingPageCsp, validTrackingToken } from './tracking-page';

// The link's token is in the URL: the page is never cached or framed, and never sends it on as a referrer.
const html = (statusCode: number, body: string): APIGatewayProxyResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': trackingPageCsp,
    'x-content-type-options': 'nosniff',
  },
  body,
});

// The contract's error body, as for every 4xx.
const notFound = json(404, errorBody('NOT_FOUND', 'this tracking link is not valid'));

const route = async (
  deps: CoreDeps & TrackingLinkDeps,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> => {
  const orderId = event.pathParameters?.orderId ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(orderId)) return notFound;
  if (!validTrackingToken(orderId, event.queryStringParameters?.t, await deps.trackingLinkSecret()))
    return notFound;
  const order = await getOrder(deps.db, orderId);
  return order ? html(200, renderTrackingPage(order)) : notFound;
};

export const createHandler = (deps = awsDeps(corePart, trackingLinksPart)) =>
  middy(async (event: APIGatewayProxyEvent) => route(deps(), event))
    .use(logging())
    .use(httpErrors());

export const handler = createHandler();
