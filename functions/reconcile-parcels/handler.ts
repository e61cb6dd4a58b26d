// Scheduled (EventBridge Scheduler in AWS; a timer in the local engine, with the carrier simulation on): asks the
// carrier about parcels it has been silent about and records what webhooks failed to bring.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { PROVIDER_REQUEST_TIMEOUT_MS } from '../adapters/provider-http';
import { awsDeps } from '../runtime/parts/part';
import { carrierPart } from '../runtime/parts/carrier';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { workflowPart } from '../runtime/parts/workflow';
import { logger, logging } from '../runtime/observability';
import { reconcileParcels, type ReconcileResult } from './reconcile-parcels';

/** Longer than a run can last (the function's timeout), so a lease outlives its run only when the run died. */
export const reconcileLeaseSeconds = 120;
/** Time kept back at the end of an invocation: one more provider request and the writes after it. */
const reserveMs = PROVIDER_REQUEST_TIMEOUT_MS + 5_000;

export const createHandler = (
  deps = awsDeps(corePart, carrierPart, messagingPart, trackingLinksPart, workflowPart),
) =>
  middy(async (_event: unknown, context: Context): Promise<ReconcileResult> => {
    const result = await reconcileParcels(deps(), {
      runId: context.awsRequestId,
      leaseSeconds: reconcileLeaseSeconds,
      stopAt: Date.now() + context.getRemainingTimeInMillis() - reserveMs,
    });
    if (result.skipped) logger.info('parcel reconciliation skipped: the previous run still holds the lease');
    else if (result.recorded > 0 || result.failed.length > 0 || result.truncated) {
      logger.warn('parcel reconciliation found what the webhooks did not bring', {
        checked: result.checked,
        recorded: result.recorded,
        failed: result.failed.length,
        truncated: result.truncated,
      });
    }
    // A parcel the carrier could not be asked about fails the run, so the function's error alarm sees it; the next
    // run asks again.
    if (result.failed.length > 0) throw new Error(`${result.failed.length} parcels could not be reconciled`);
    return result;
  }).use(logging());

export const handler = createHandler();
