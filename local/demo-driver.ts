// Plays the demo's scenarios (demo-scenarios.ts) against a running local system over its HTTP API, as a storefront,
// a warehouse, an operator and, when the server's carrier simulation is off, the carrier would. It waits for the
// server to be ready, asks it how it runs (GET /_local/settings), stocks the run's own SKUs and nothing else, plays
// every scenario at once and judges each by the order it left behind.
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { SANDBOX_DELAY_DAYS } from '../functions/adapters/carrier/sandbox-carrier';
import {
  finalStatuses,
  isForward,
  trackingRank,
  type OrderView,
  type ShipmentState,
} from '../functions/domain/order';
import type { TrackingStatus } from '../functions/domain/providers';
import type { OrderStatus } from '../functions/domain/requests';
import { ApiClient, scan, type ApiKeys, type ApiResponse } from './api-client';
import {
  demoScenarios,
  demoStock,
  exitCodeOf,
  isOk,
  judge,
  slowestScenarioDays,
  type DemoScenario,
  type DemoSku,
  type DemoStep,
  type ScenarioResult,
} from './demo-scenarios';

/** The demo cannot run against this server at all (not reachable, not ready, keys refused): nothing was judged. */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

/** A scenario could not go on: a call was refused or a wait ran out. The scenario fails with this message. */
class StepError extends Error {
  override name = 'StepError';
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const serverSettingsSchema = z.object({
  carrierSimulation: z.enum(['auto', 'off']),
  daySeconds: z.number().positive(),
});
/** How the server runs, as far as the demo needs to know. */
export type ServerSettings = z.infer<typeof serverSettingsSchema>;

export interface DemoOptions {
  /** Makes the run's SKUs, external ids and emails unique; a fresh one by default. */
  runId?: string;
  /** How long to wait for `/health` to answer 200 (default 30 s). */
  readyTimeoutMs?: number;
  /** Extra seconds every bounded wait allows on top of its business days, for a busy machine (default 20). */
  slackSeconds?: number;
  pollMs?: number;
  /** Progress lines (what the demo creates, each scenario as it ends); silent by default. */
  log?: (line: string) => void;
}

export interface DemoReport {
  runId: string;
  settings: ServerSettings;
  stock: DemoSku[];
  results: ScenarioResult[];
  exitCode: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run id: base-36 time and randomness, lower case (it goes into emails and SKUs). */
export const newRunId = (): string => `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** An error answer's code, or the bare status. */
const describeAnswer = (response: ApiResponse): string => {
  const code = (response.body as { error?: { code?: string } } | null)?.error?.code;
  return code ? `${response.status} ${code}` : String(response.status);
};

/**
 * Waits until `GET /health` answers 200 `{"status":"ok"}`, within the bound. A server still starting (503) or not
 * listening yet is waited for; one that answers anything else is not Orderflow.
 */
export const waitUntilReady = async (
  url: string,
  timeoutMs: number,
  pollMs = 250,
  log: (line: string) => void = () => undefined,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
      if (response.ok && body?.status === 'ok') return;
      if (response.status !== 503) {
        throw new DemoSetupError(
          `${url} is not an Orderflow server: GET /health answered ${response.status}`,
        );
      }
      last = 'it answers 503 (still starting)';
    } catch (error) {
      if (error instanceof DemoSetupError) throw error;
      last = 'nothing answers there';
    }
    if (Date.now() >= deadline) {
      throw new DemoSetupError(
        `${url} is not ready after ${Math.round(timeoutMs / 1000)} s: ${last}. Start it with \`npm start\`, or ` +
          'point ORDERFLOW_URL (or PORT) at a running Orderflow.',
      );
    }
    if (attempt === 0) log(`Waiting for ${url} to be ready (${last})...`);
    await sleep(pollMs);
  }
};

/** Asks the server whether its carrier simulation is on and how long its business day is. */
export const readServerSettings = async (api: ApiClient): Promise<ServerSettings> => {
  const response = await api
    .request('GET', '/_local/settings', { key: null })
    .catch((error: unknown): ApiResponse => ({ status: 0, body: String(error) }));
  const parsed = serverSettingsSchema.safeParse(response.body);
  if (response.status !== 200 || !parsed.success) {
    throw new DemoSetupError(
      `the server does not say whether its carrier simulation is on (GET /_local/settings answered ` +
        `${response.status === 0 ? 'nothing readable' : describeAnswer(response)}); the demo needs an ` +
        'Orderflow local server (npm start)',
    );
  }
  return parsed.data;
};

/** Checks both keys before anything is created, so a wrong key stops the demo with one clear message. */
const checkKeys = async (api: ApiClient, probeSku: string): Promise<void> => {
  const storefront = await api.request('GET', '/orders?limit=1');
  if (storefront.status !== 200) {
    throw new DemoSetupError(
      `the storefront key was refused (GET /orders answered ${describeAnswer(storefront)}); ` +
        'set ORDERFLOW_API_KEYS as the server has it',
    );
  }
  const ops = await api.request('GET', `/inventory/${probeSku}`, { key: api.keys.ops });
  if (ops.status !== 200) {
    throw new DemoSetupError(
      `the ops key was refused (GET /inventory answered ${describeAnswer(ops)}); ` +
        'set ORDERFLOW_API_KEYS as the server has it',
    );
  }
};

/** What one scenario knows while it plays: the server, its order, and the return parcel once there is one. */
interface Play {
  api: ApiClient;
  settings: ServerSettings;
  pollMs: number;
  slackSeconds: number;
  orderId: string;
  returnTracking?: string;
}

const boundMs = (play: Play, days: number): number =>
  (days * play.settings.daySeconds + play.slackSeconds) * 1000;

/** True once the order is at `status`, past it on the way to delivery, or ended. */
const reached = (status: OrderStatus) => (order: OrderView) =>
  order.status === status || isForward(status, order.status) || finalStatuses.has(order.status);

const waitFor = async (
  play: Play,
  done: (order: OrderView) => boolean,
  timeoutMs: number,
  what: string,
): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await play.api.order(play.orderId);
    if (done(order)) return order;
    if (Date.now() >= deadline) {
      throw new StepError(
        `still ${order.status} after ${Math.round(timeoutMs / 1000)} s, waiting for ${what}`,
      );
    }
    await sleep(play.pollMs);
  }
};

const expectAccepted = (response: ApiResponse, call: string): void => {
  if (response.status !== 200 && response.status !== 202) {
    throw new StepError(`${call} answered ${describeAnswer(response)}`);
  }
};

/** True once the order has taken in this scan of the parcel (its tracking status is there or further). */
const tookIn = (order: OrderView, tracking: string, status: TrackingStatus): boolean => {
  if (status === 'pre_transit') return true; // changes nothing the order shows
  const parcel =
    order.shipment?.trackingNumber === tracking
      ? order.shipment.status
      : order.returns.find((ret) => ret.trackingNumber === tracking)?.trackingStatus;
  if (!parcel) return false;
  return trackingRank[parcel as ShipmentState['status']] >= trackingRank[status];
};

/**
 * Posts the carrier's scans of a parcel, as the simulator would have sent them: in order, each with a stable event
 * id (a repeated post is ignored by the webhook) and, while the parcel travels, the estimate the sandbox gives.
 * Each scan waits until the order took in the one before, as a real carrier's scans come days apart: a late
 * estimate that arrived together with the delivery would be news nobody needs, and no delay notice goes out.
 */
const postScans = async (play: Play, step: Extract<DemoStep, { kind: 'carrier' }>, index: number) => {
  const order = await play.api.order(play.orderId);
  const tracking = step.parcel === 'return' ? play.returnTracking : order.shipment?.trackingNumber;
  if (!tracking) throw new StepError(`no ${step.parcel} parcel to scan`);
  const promised = order.shipment ? Date.parse(order.shipment.promisedDelivery) : Date.now();
  const lateMs = step.late ? SANDBOX_DELAY_DAYS * play.settings.daySeconds * 1000 : 0;
  const estimate = new Date(promised + lateMs).toISOString();
  for (const status of step.scans) {
    const travelling =
      step.parcel === 'outbound' && (status === 'in_transit' || status === 'out_for_delivery');
    const response = await play.api.carrierEvent(
      scan(tracking, status, {
        eventId: `${tracking}-demo-${index}-${status}`,
        ...(travelling ? { estimatedDelivery: estimate } : {}),
      }),
    );
    if (response.status === 401) {
      throw new StepError(
        'the carrier webhook was refused (401): set ORDERFLOW_WEBHOOK_SECRET to the webhook secret of the server',
      );
    }
    expectAccepted(response, `the ${status} webhook`);
    await waitFor(play, (now) => tookIn(now, tracking, status), boundMs(play, 1), `the ${status} scan`);
  }
};

/** Plays one step; answers false when the order has ended and the remaining steps make no sense. */
const playStep = async (play: Play, step: DemoStep, index: number): Promise<boolean> => {
  switch (step.kind) {
    case 'await': {
      const order = await waitFor(play, reached(step.status), boundMs(play, step.withinDays), step.status);
      return order.status === step.status || !finalStatuses.has(order.status);
    }
    case 'ship':
      expectAccepted(await play.api.ship(play.orderId), 'POST /orders/{id}/ship');
      return true;
    case 'cancel':
      expectAccepted(
        await play.api.cancel(play.orderId, { reason: step.reason, comment: 'npm run demo' }),
        'POST /orders/{id}/cancel',
      );
      return true;
    case 'return': {
      const response = await play.api.request<{ trackingNumber?: string }>(
        'POST',
        `/orders/${play.orderId}/returns`,
        { body: { reason: step.reason } },
      );
      expectAccepted(response, 'POST /orders/{id}/returns');
      play.returnTracking = response.body.trackingNumber;
      return true;
    }
    case 'carrier':
      // With the simulation on the sandbox carrier sends these scans itself, at their times.
      if (play.settings.carrierSimulation === 'off') await postScans(play, step, index);
      return true;
  }
};

/** Posts the scenario's order, plays its steps and judges where the order ended. */
export const playScenario = async (
  api: ApiClient,
  settings: ServerSettings,
  scenario: DemoScenario,
  timing: { pollMs: number; slackSeconds: number },
): Promise<ScenarioResult> => {
  const posted = await api.postOrder(scenario.request).catch((error: unknown) => messageOf(error));
  if (typeof posted === 'string') return judge(scenario, undefined, undefined, `POST /orders: ${posted}`);
  if (posted.status !== 202 && posted.status !== 200) {
    return judge(scenario, undefined, undefined, `POST /orders answered ${describeAnswer(posted)}`);
  }
  const play: Play = { api, settings, ...timing, orderId: posted.body.orderId };
  try {
    let going = true;
    for (const [index, step] of scenario.steps.entries()) {
      going = await playStep(play, step, index);
      if (!going) break;
    }
    const settled = await waitFor(
      play,
      (order) => finalStatuses.has(order.status),
      boundMs(play, scenario.settleWithinDays),
      'a final status',
    );
    return judge(scenario, play.orderId, settled);
  } catch (error) {
    // One scenario's trouble (a refused call, a wait run out, a lost connection) fails that scenario only.
    const order = await api.order(play.orderId).catch(() => undefined);
    return judge(scenario, play.orderId, order, messageOf(error));
  }
};

/** Everything the run creates, in words, printed before it starts. */
const describeCreations = (runId: string, stock: DemoSku[], scenarios: DemoScenario[]): string[] => {
  const returns = scenarios.filter((scenario) => scenario.steps.some((step) => step.kind === 'return'));
  return [
    `Run ${runId} creates these, and changes nothing else:`,
    ...stock.map((sku) => `  SKU ${sku.sku} (${sku.name}), stocked with ${sku.available}`),
    `  ${scenarios.length} orders, external ids demo-${runId}-<scenario>, each with a customer email of its own ` +
      `(demo-${runId}-<scenario>@...)`,
    `  ${returns.length} return(s), and the carrier scans of its own parcels`,
  ];
};

/** Runs the whole demo against the server at `url`. Throws DemoSetupError when it cannot run at all. */
export const runDemo = async (
  target: { url: string; keys: ApiKeys },
  options: DemoOptions = {},
): Promise<DemoReport> => {
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? 100;
  const api = new ApiClient({ url: target.url }, target.keys);
  await waitUntilReady(target.url, options.readyTimeoutMs ?? 30_000, pollMs, log);
  const settings = await readServerSettings(api);
  const runId = options.runId ?? newRunId();
  const stock = Object.values(demoStock(runId));
  const scenarios = demoScenarios(runId);
  await checkKeys(api, stock[0]!.sku);

  log(
    `Orderflow at ${target.url}: carrier simulation ${settings.carrierSimulation}, one business day = ` +
      `${settings.daySeconds} s` +
      (settings.carrierSimulation === 'off' ? ' (the demo plays the carrier itself).' : '.'),
  );
  if (settings.carrierSimulation === 'auto') {
    log(
      `Parcels move on the sandbox carrier's schedule: the slowest scenario takes about ` +
        `${Math.ceil(slowestScenarioDays * settings.daySeconds)} s.`,
    );
  }
  for (const line of describeCreations(runId, stock, scenarios)) log(line);
  for (const sku of stock) await api.setStock(sku.sku, sku.available);

  const timing = { pollMs, slackSeconds: options.slackSeconds ?? 20 };
  const results = await Promise.all(
    scenarios.map(async (scenario) => {
      const result = await playScenario(api, settings, scenario, timing);
      log(`  ${isOk(result) ? 'OK  ' : 'FAIL'} ${scenario.name}`);
      return result;
    }),
  );
  return { runId, settings, stock, results, exitCode: exitCodeOf(results) };
};
