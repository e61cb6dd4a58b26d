// One structured logger for every handler (Powertools): JSON lines with the function's context, and `orderId` /
// `executionId` as keys when known. Raw events are never logged: they hold customer data.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type middy from '@middy/core';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orderflow' });

/** Adds the function context to every log line and clears per-invocation keys afterwards. */
export const logging = (): middy.MiddlewareObj => injectLambdaContext(logger, { resetKeys: true });
