// `Deps` for unit tests of services and receivers: the dynalite-backed Db (./dynamo.ts), the test stage's
// configuration, a fixed clock, and fakes of the workflow and messaging that record what they were asked to do. Providers are left out: a test
// that reaches one fails loudly.
import { createOrder, type Db } from '../../../functions/adapters/order-store';
import type { Workflow } from '../../../functions/adapters/workflow';
import type { Messaging, OpsAlert } from '../../../functions/domain/notices';
import type { WakeSignal } from '../../../functions/domain/waits';
import type { Deps } from '../../../functions/runtime/deps';
import type { OrderRecord } from '../../../functions/domain/order';
import { testConfig } from './deps';

export interface Recorded {
  /** Every `workflow.resume` call, in order. */
  resumed: { token: string; signal: WakeSignal }[];
  /** Every operator alert, in order. */
  alerts: OpsAlert[];
  /** Every customer notice sent, as `template by channel`, in order. */
  notices: string[];
}

/** Deps over `db` at the fixed time `now`, with what the workflow and messaging were asked recorded. */
export const recordingDeps = (db: Db, now: Date): { deps: Deps; recorded: Recorded } => {
  const recorded: Recorded = { resumed: [], alerts: [], notices: [] };
  const workflow: Workflow = {
    start: () => Promise.resolve(),
    startReturn: () => Promise.resolve(),
    resume: (token, signal) => {
      recorded.resumed.push({ token, signal });
      return Promise.resolve(true);
    },
  };
  const messaging: Messaging = {
    sendEmail: (email) => {
      recorded.notices.push(`${email.template} by email`);
      return Promise.resolve();
    },
    sendSms: (sms) => {
      recorded.notices.push(`${sms.template} by sms`);
      return Promise.resolve();
    },
    alertOps: (alert) => {
      recorded.alerts.push(alert);
      return Promise.resolve();
    },
    publishOrderEvent: () => Promise.resolve(),
  };
  const config = testConfig(db);
  const deps = {
    db,
    config,
    workflow,
    messaging,
    now: () => now,
    trackingLinkSecret: () => Promise.resolve(config.trackingLinkSecret),
  } as unknown as Deps;
  return { deps, recorded };
};

let sequence = 0;

/** The order under an id (and tracking number) no other test of the run uses, so tests can share one store. */
const withFreshIds = (order: OrderRecord): OrderRecord => {
  sequence += 1;
  const orderId = `ord_unit_${String(sequence).padStart(6, '0')}`;
  const trackingNumber = `SBXUNIT${String(sequence).padStart(8, '0')}`;
  return {
    ...order,
    orderId,
    pk: `ORDER#${orderId}`,
    createdKey: `${order.createdAt}#${orderId}`,
    ...(order.shipment
      ? { trackingNumber, shipment: { ...order.shipment, trackingNumber } }
      : { trackingNumber: undefined }),
  };
};

/** Stores the order under fresh ids (and tracking number) and returns it as stored. */
export const storeFresh = async (db: Db, order: OrderRecord): Promise<OrderRecord> => {
  const fresh = withFreshIds(order);
  if (!(await createOrder(db, fresh))) throw new Error(`order ${fresh.orderId} already existed`);
  return fresh;
};
