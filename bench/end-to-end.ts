// End to end: a batch of orders through the whole journey on the local engine, carrier simulation on, from
// POST /orders to DELIVERED, beside what the store alone would allow (its measured write ceiling divided by the
// store operations one order needs).
//
// It is a closed loop: a fixed number of orders is in the journey at any time, the next one posted when one ends.
// Posting the whole batch at once would measure the same capacity, but the queue it builds delays every step by
// tens of seconds, and in scaled business time that is days: authorizations (valid 7 days) expire before the
// capture and the orders end REJECTED. Overnight service keeps the simulated delivery (1 day) short beside the
// authorization's validity.
import { figure, type Figure } from './figures';
import {
  BenchApi,
  OrderEvents,
  SideDoor,
  benchStock,
  inBatches,
  orderRequest,
  startBenchSystem,
  type Reached,
} from './local';
import { percentile, round } from './stats';
import { measureStoreCeiling, type Ceiling } from './store-ceiling';

export interface EndToEndOptions {
  orders: number;
  daySeconds: number;
  /** Orders in the journey at once. */
  inFlight: number;
  /** No new order is posted after this long; the ones in flight still finish. */
  budgetMs: number;
  /** Bound on one order's journey. */
  orderTimeoutMs: number;
  ceiling: { seconds: number; inFlight: number };
}

/** Sandbox carrier, overnight service: delivered 1 business day after the label (docs/sandbox.md). */
const serviceDays = 1;
const finalStatuses = [
  'DELIVERED',
  'DELIVERY_FAILED',
  'REJECTED',
  'CANCELLED',
  'FAILED',
  'RETURNED',
] as const;

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

interface Outcome {
  status: string;
  /** POST sent to final status stored. */
  ms: number;
  at: number;
}

export const measureEndToEnd = async (
  options: EndToEndOptions,
): Promise<{ figures: Figure[]; ceiling: Ceiling }> => {
  // CPU time beside wall-clock time: on a machine shared with other work the wall clock moves with their load, while
  // CPU milliseconds per write and per order compare the two phases of this run whatever else runs.
  const ceilingCpu = process.cpuUsage();
  const ceiling = await measureStoreCeiling(options.ceiling);
  const ceilingCpuMs = cpuMsSince(ceilingCpu);
  const system = await startBenchSystem({ simulation: 'auto', daySeconds: options.daySeconds });
  const events = new OrderEvents(system.topicMessages);
  try {
    const api = new BenchApi(system.url);
    await api.setStock('SKU-TSHIRT', benchStock);
    const side = await SideDoor.open(system);
    system.counters.reset();

    const run = Date.now().toString(36);
    const ids = Array.from({ length: options.orders }, (_, i) => `e2e-${run}-${i.toString(36)}`);
    const runCpu = process.cpuUsage();
    const firstPost = Date.now();
    const stopPosting = firstPost + options.budgetMs;
    const results = await inBatches(ids, options.inFlight, async (id): Promise<Outcome | undefined> => {
      if (Date.now() > stopPosting) return undefined;
      const posted = Date.now();
      const orderId = await api.postOrder(orderRequest(id, 'overnight'));
      try {
        const reached: Reached = await events.reachedAny(orderId, finalStatuses, options.orderTimeoutMs, () =>
          side.explain(system, orderId),
        );
        return { status: reached.status, ms: reached.at - posted, at: reached.at };
      } catch {
        return { status: 'NOT_FINISHED', ms: Number.NaN, at: Number.NaN };
      }
    });
    await system.lambdas.drain();
    const runCpuMs = cpuMsSince(runCpu);
    const counters = system.counters.snapshot();

    const outcomes = results.filter((outcome): outcome is Outcome => outcome !== undefined);
    const delivered = outcomes.filter((outcome) => outcome.status === 'DELIVERED');
    const lastDelivered = Math.max(...delivered.map((outcome) => outcome.at));
    const seconds = (lastDelivered - firstPost) / 1000;
    const deliveredPerSecond = delivered.length > 0 ? delivered.length / seconds : 0;
    const journeys = delivered.map((outcome) => outcome.ms);
    const byStatus: Record<string, number> = {};
    for (const outcome of outcomes) byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
    const finished = Math.max(1, outcomes.length);
    const storeOpsPerOrder = (counters.dynamoReads + counters.dynamoWrites) / finished;
    const storeBound = ceiling.writesPerSecond / storeOpsPerOrder;
    const cpuMsPerWrite = ceilingCpuMs / ceiling.writes;
    const cpuMsPerOrder = runCpuMs / finished;
    const floorMs = serviceDays * options.daySeconds * 1000;
    const floorIs = `the simulated carrier's own delivery time: ${serviceDays} business day (overnight) × ORDERFLOW_DAY_SECONDS`;
    const common = {
      orders: outcomes.length,
      delivered: delivered.length,
      inFlight: options.inFlight,
      daySeconds: options.daySeconds,
    };

    const figures = [
      figure({
        name: 'end_to_end.delivered_orders_per_s',
        value: deliveredPerSecond,
        unit: 'orders/s',
        better: 'higher',
        baseline: storeBound,
        baselineIs:
          "the store's measured write ceiling divided by the store operations (reads + writes) one order needs",
        details: {
          ...common,
          outcomes: byStatus,
          notPostedWithinBudget: ids.length - outcomes.length,
          secondsFirstPostToLastDelivery: round(seconds),
          storeCeilingWritesPerS: round(ceiling.writesPerSecond),
          storeOpsPerOrder: round(storeOpsPerOrder),
          storeReadsPerOrder: round(counters.dynamoReads / finished),
          storeWritesPerOrder: round(counters.dynamoWrites / finished),
          stateTransitionsPerOrder: round(counters.stateTransitions / finished),
          lambdaInvocationsPerOrder: round(counters.lambdaInvocations / finished),
          /** What the in-flight limit alone allows if every journey took only the simulated delivery time. */
          inFlightBoundOrdersPerS: round(options.inFlight / (floorMs / 1000)),
          /**
           * The same comparison in CPU time, which other load on the machine hardly moves: the CPU one order took
           * (this process: system, carrier simulation and the bench's client) against the CPU the ceiling's writes
           * took times the store operations per order.
           */
          cpuMsPerOrder: round(cpuMsPerOrder),
          storeCeilingCpuMsPerWrite: round(cpuMsPerWrite),
          cpuRatio: round((cpuMsPerWrite * storeOpsPerOrder) / cpuMsPerOrder),
        },
      }),
      figure({
        name: 'end_to_end.journey_p50_ms',
        value: percentile(journeys, 50),
        unit: 'ms',
        better: 'lower',
        baseline: floorMs,
        baselineIs: floorIs,
        details: { ...common, from: 'POST /orders sent', to: 'DELIVERED stored' },
      }),
      figure({
        name: 'end_to_end.journey_p99_ms',
        value: percentile(journeys, 99),
        unit: 'ms',
        better: 'lower',
        baseline: floorMs,
        baselineIs: floorIs,
        details: { ...common, maxMs: round(Math.max(...journeys)) },
      }),
      figure({
        name: 'end_to_end.store_write_ceiling',
        value: ceiling.writesPerSecond,
        unit: 'writes/s',
        better: 'higher',
        baseline: null,
        baselineIs: 'none: this is the ceiling the throughput figure is judged against',
        details: {
          seconds: options.ceiling.seconds,
          inFlight: options.ceiling.inFlight,
          writes: ceiling.writes,
          itemBytes: ceiling.itemBytes,
        },
      }),
    ];
    return { figures, ceiling };
  } finally {
    events.stop();
    await system.stop();
  }
};
