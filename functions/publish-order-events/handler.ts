// Invoked by the event source mapping of the Orders table's stream (lib/constructs/stream-consumers.ts) in AWS, and by
// the local engine's emulation of that stream (local/order-stream.ts) with records of the same shape.
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsDeps } from '../runtime/parts/part';
import { topicsPart } from '../runtime/parts/messaging';
import { logging } from '../runtime/observability';
import { publishOrderEvents } from './publish-order-events';

export const createHandler = (deps = awsDeps(topicsPart)) =>
  middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
    publishOrderEvents(deps(), event),
  ).use(logging());

export const handler = createHandler();
