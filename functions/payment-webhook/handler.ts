// HTTP adapter of Stripe webhooks (`POST /webhooks/payment/stripe`): no API key; the `Stripe-Signature` over the
// raw body is checked before anything else (401 and nothing read otherwise), then the one event in the body is
// applied to the order of its payment. Events Orderflow does not act on are acknowledged with `ignored`, so Stripe
// stops sending them again. A stage that takes no payment webhooks (the sandbox payment provider in AWS) has no
// signing secret: the route answers 404 there.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { verifyStripeWebhook, WebhookSignatureError } from '../adapters/payment/stripe-webhooks';
import type { CoreDeps, PaymentWebhookDeps, TopicDeps, WorkflowDeps } from '../runtime/deps';
import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { paymentWebhookPart } from '../runtime/parts/keys';
import { topicsPart } from '../runtime/parts/messaging';
import { workflowPart } from '../runtime/parts/workflow';
import { header, HttpError, httpErrors, json, rawBody } from '../runtime/http';
import { logger, logging } from '../runtime/observability';
import { receivePaymentEvent, type PaymentEventOutcome } from '../services/receive-payment-event';

/** The webhook's answer: one event received, and what became of it. */
export interface PaymentWebhookAck {
  received: 1;
  outcome: PaymentEventOutcome;
}

const route = async (
  deps: CoreDeps & TopicDeps & WorkflowDeps & PaymentWebhookDeps,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> => {
  const secret = await deps.paymentWebhookSecret();
  if (!secret) throw new HttpError(404, 'NOT_FOUND', 'this stage takes no payment webhooks');
  const body = rawBody(event);
  let verified;
  try {
    verified = verifyStripeWebhook(body, header(event, 'stripe-signature'), secret, deps.now().getTime());
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    logger.warn('payment webhook refused', { reason: error.message });
    throw new HttpError(401, 'UNAUTHORIZED', 'missing or invalid webhook signature');
  }
  const outcome: PaymentEventOutcome = verified.event
    ? await receivePaymentEvent(deps, verified.event)
    : 'ignored';
  if (!verified.event) {
    logger.info('payment event not acted on', { eventId: verified.eventId, type: verified.type });
  }
  const ack: PaymentWebhookAck = { received: 1, outcome };
  return json(200, ack);
};

export const createHandler = (deps = awsDeps(corePart, topicsPart, workflowPart, paymentWebhookPart)) =>
  middy(async (event: APIGatewayProxyEvent) => route(deps(), event))
    .use(logging())
    .use(httpErrors());

export const handler = createHandler();
