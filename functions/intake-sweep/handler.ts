// Scheduled every minute in AWS (EventBridge Scheduler); the local engine runs the same function at start and then
// on the same schedule.
import middy from '@middy/core';
import * as z from 'zod';
import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { workflowPart } from '../runtime/parts/workflow';
import { logger, logging } from '../runtime/observability';
import { sweepReceivedOrders } from './intake-sweep';

/** Orders younger than this are still in their own request's hands. */
export const intakeGraceSeconds = 60;

/** The scheduler sends `{}`; a start-up sweep may ask for a shorter grace (no request is in flight then). */
const sweepInput = z.object({ graceSeconds: z.number().int().min(0).max(86_400).optional() }).loose();

export const createHandler = (deps = awsDeps(corePart, workflowPart)) =>
  middy(async (event: unknown): Promise<{ started: number }> => {
    const { graceSeconds = intakeGraceSeconds } = sweepInput.parse(event ?? {});
    const result = await sweepReceivedOrders(deps(), { graceSeconds });
    if (result.started.length > 0 || result.failed.length > 0) {
      logger.warn('intake sweep started workflows of orders left in RECEIVED', {
        started: result.started.length,
        failed: result.failed.length,
        orderIds: result.started,
      });
    }
    // A failed start fails the run, so the function's error alarm sees it; the next run tries again.
    if (result.failed.length > 0) throw new Error(`${result.failed.length} workflow starts failed`);
    return { started: result.started.length };
  }).use(logging());

export const handler = createHandler();
