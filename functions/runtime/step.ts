// The shape every workflow step shares: a middy handler that checks its (tiny) input, tags the logs with the
// order, and runs one domain function; `commitStep`, which performs a step's side effects and stores its
// outcome so that a retry or a lost race never sends a notice twice; and the tail of the steps that wait with a
// task token (`waitToPark`, `answerWait`).
import middy from '@middy/core';
import * as z from 'zod';
import type { CoreDeps, DepsProvider, MessagingDeps, WorkflowDeps } from './deps';
import type { OrderRecord, WaitState } from '../domain/order';
import { sendNotices } from '../adapters/messaging';
import {
  withNotices,
  type CustomerMessaging,
  type PlannedNotice,
  type TopicMessaging,
} from '../domain/notices';
import { recordOrderChange } from './metrics';
import { logger, logging } from './observability';
import { mutateOrder } from '../adapters/order-store';
import { wakeSignal, type WakeSignal } from '../domain/waits';

/**
 * The input of every step: the order id and, when its state invokes it with a task token
 * (`lambda:invoke.waitForTaskToken`), the token and the deadline of the wait it starts. A step that can park
 * (BuyLabel, CapturePayment, TrackDelivery) stores the token in the write that records its own outcome, so parking
 * costs no write of its own; called without one, it answers with the wait instead.
 */
export const orderInput = z.object({
  orderId: z.string().min(1).max(64),
  token: z.string().min(1).optional(),
  until: z.iso.datetime().optional(),
});
export type OrderInput = z.infer<typeof orderInput>;

/**
 * The risk assessment AssessRisk answered with (`$.risk`), as the steps that confirm the order receive it
 * (AuthorizePayment, ConfirmOrder). The review wait it may carry is left out.
 */
export const riskInput = z.object({
  score: z.number(),
  decision: z.enum(['approve', 'review', 'reject']),
  reasons: z.array(z.string()),
});

/** The task token and wait deadline a step was invoked with, when its state waits on it: both or neither. */
export const parkedOn = (input: OrderInput): { token: string; until: string } | undefined => {
  if (!input.token) return undefined;
  if (!input.until)
    throw new Error('a step invoked with a task token needs the deadline of its wait (until)');
  return { token: input.token, until: input.until };
};

/** The input of a step that always parks on a task token until `until` (AwaitReview, AwaitShipment). */
export const parkInput = orderInput.extend({
  token: z.string().min(1),
  until: z.iso.datetime(),
});
export type ParkInput = z.infer<typeof parkInput>;

/** A step's handler: `run` with the dependencies the function was composed of (its parts). */
export const stepHandler = <S extends z.ZodType<{ orderId: string }>, O, D>(
  schema: S,
  run: (deps: D, input: z.output<S>) => Promise<O>,
  deps: DepsProvider<D>,
) =>
  middy(async (event: unknown): Promise<O> => {
    const input = schema.parse(event);
    logger.appendKeys({ orderId: input.orderId });
    return run(deps(), input);
  }).use(logging());

export interface StepPlan<T> {
  /** The order after this step, or undefined when the step has nothing (more) to do. */
  next: OrderRecord | undefined;
  /** Customer notices this step causes; recorded with `next`. */
  notices?: PlannedNotice[];
  /** Idempotent provider calls to make before the outcome is stored. */
  effects?: () => Promise<void>;
  result: T;
}

/**
 * Runs a step against the current order: `plan` (pure) says what changes, the effects and notices happen, then the
 * new order is stored conditional on the version read. On a lost race it starts over from a fresh read, but never
 * sends a notice it already sent in this invocation. The loop is `mutateOrder`'s; the effects and notices are its
 * `beforeWrite`, the metrics its `afterWrite`. A status change reaches the order-events topic from the table's
 * stream (functions/publish-order-events/), not from here.
 */
/**
 * What `commitStep` needs: the store and the clock, and the messaging the function was composed with. Without
 * customer messaging a step that plans notices fails.
 */
export type CommitDeps = Pick<CoreDeps, 'db' | 'now'> & {
  messaging?: TopicMessaging & Partial<CustomerMessaging>;
};

/** The customer messaging planned notices go out by; a function composed without it cannot send them. */
const customerMessaging = (messaging: CommitDeps['messaging']): CustomerMessaging => {
  if (!messaging?.sendEmail || !messaging.sendSms) {
    throw new Error('this function was composed without customer messaging and cannot send notices');
  }
  return { sendEmail: messaging.sendEmail.bind(messaging), sendSms: messaging.sendSms.bind(messaging) };
};

export const commitStep = async <T>(
  deps: CommitDeps,
  orderId: string,
  plan: (order: OrderRecord) => StepPlan<T>,
  attempts = 8,
): Promise<{ order: OrderRecord; result: T }> => {
  const sent = new Set<string>();
  const { order, result: step } = await mutateOrder(
    deps.db,
    orderId,
    (current) => {
      const step = plan(current);
      // A notice planned is one not sent yet: it is recorded even when nothing else changed.
      const unchanged = step.next === current && (step.notices ?? []).length === 0;
      const next = unchanged ? undefined : step.next;
      return { next: next && withNotices(next, step.notices ?? []), result: step };
    },
    () => deps.now(),
    attempts,
    {
      beforeWrite: async ({ result: step }) => {
        if (step.effects) await step.effects();
        const notices = step.notices ?? [];
        const unsent = notices.filter((notice) => !sent.has(notice.key));
        if (unsent.length > 0) await sendNotices(customerMessaging(deps.messaging), orderId, unsent);
        notices.forEach((notice) => sent.add(notice.key));
      },
      afterWrite: (next, current) => Promise.resolve(recordOrderChange(current, next)),
    },
  );
  return { order, result: step.result };
};

/**
 * `commitStep` for a receiver of outside events (the carrier webhook, parcel reconciliation) that applies what it
 * received itself. The same event can reach two receivers at once (a webhook retried, or found by reconciliation
 * too) and only one of their writes wins, so the notices are recorded with the outcome and sent after the write,
 * by the winner only. Returns the notices that could not be sent: recorded as sent, but not received.
 */
export const commitThenNotify = async <T>(
  deps: CoreDeps & MessagingDeps,
  orderId: string,
  plan: (order: OrderRecord) => Omit<StepPlan<T>, 'effects'>,
): Promise<{ order: OrderRecord; result: T; changed: boolean; unsent: PlannedNotice[] }> => {
  const {
    order,
    result: step,
    changed,
  } = await mutateOrder(
    deps.db,
    orderId,
    (current) => {
      const step = plan(current);
      return { next: step.next && withNotices(step.next, step.notices ?? []), result: step };
    },
    () => deps.now(),
    8,
    {
      afterWrite: (next, current) => Promise.resolve(recordOrderChange(current, next)),
    },
  );
  const unsent: PlannedNotice[] = [];
  for (const notice of changed ? (step.notices ?? []) : []) {
    try {
      await sendNotices(deps.messaging, orderId, [notice]);
    } catch (error) {
      logger.error('notice not sent', { error: error as Error, template: notice.entry.template });
      unsent.push(notice);
    }
  }
  return { order, result: step.result, changed, unsent };
};

// TrackDelivery and TrackReturn are called with a task token while the workflow waits (apply what arrived, then
// park on the token or resume at once) or without one when the wait timed out (answer with what to do next).

/** The wait to store with the order (or return) when the step was called with a token and keeps waiting. */
export const waitToPark = (
  token: string | undefined,
  action: string,
  stage: WaitState['stage'],
  until: string,
): WaitState | undefined => (token && action === 'wait' ? { stage, token, until } : undefined);

/**
 * The step's answer once its outcome is stored. Without a token it is the wake signal (the state machine goes
 * on with it). With one, the step either stays parked (`wait`: the token is stored, the receivers resume it) or
 * resumes its own token at once with the signal.
 */
export const answerWait = async (
  deps: WorkflowDeps,
  token: string | undefined,
  action: string,
  until: string,
  now: Date,
): Promise<WakeSignal | undefined> => {
  const signal = wakeSignal(action, until, now);
  if (!token) return signal;
  if (action !== 'wait') await deps.workflow.resume(token, signal);
  return undefined;
};
