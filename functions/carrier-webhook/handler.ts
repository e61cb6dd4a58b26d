// HTTP adapter of carrier webhooks: no API key; the signature over the raw body is checked before anything else.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CoreDeps, MessagingDeps, TrackingLinkDeps, WebhookDeps, WorkflowDeps } from '../runtime/deps';
import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { webhooksPart } from '../runtime/parts/webhooks';
import { workflowPart } from '../runtime/parts/workflow';
import { HttpError, httpErrors, json, lowerCaseHeaders, rawBody } from '../runtime/http';
import { logging } from '../runtime/observability';
import { receiveCarrierEvent } from '../services/receive-carrier-event';

const route = async (
  deps: CoreDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps & WebhookDeps,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> => {
  const provider = event.pathParameters?.provider ?? '';
  const parser = Object.hasOwn(deps.webhookParsers, provider) ? deps.webhookParsers[provider] : undefined;
  if (!parser) throw new HttpError(404, 'NOT_FOUND', `no webhook for carrier ${provider}`);
  const body = rawBody(event);
  if (!parser.verify(body, lowerCaseHeaders(event), await deps.webhookSecret())) {
    throw new HttpError(401, 'UNAUTHORIZED', 'missing or invalid webhook signature');
  }
  const outcomes = [];
  for (const carrierEvent of parser.parse(body)) outcomes.push(await receiveCarrierEvent(deps, carrierEvent));
  return json(200, { received: outcomes.length, outcomes });
};

export const createHandler = (
  deps = awsDeps(corePart, messagingPart, trackingLinksPart, workflowPart, webhooksPart),
) =>
  middy(async (event: APIGatewayProxyEvent) => route(deps(), event))
    .use(logging())
    .use(httpErrors());

export const handler = createHandler();
