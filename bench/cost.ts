// Cost per order: runs each journey for a number of orders on the local engine (carrier simulation off, so nothing
// runs that the journey did not cause), takes the delta of what the engine counted per order and prices it at AWS
// list prices.
import type { CounterSnapshot } from '../local/counters';
import type { Figure, Json } from './figures';
import { figure } from './figures';
import { journeys, type Journey } from './journeys';
import {
  BenchApi,
  OrderEvents,
  SideDoor,
  benchStock,
  executionEnded,
  inBatches,
  startBenchSystem,
} from './local';
import { loadPriceBook, priceUsage, scaleCost, type Cost, type Usage } from './pricing';
import { round } from './stats';
import { StoreLedger, type LedgerSummary } from './store-ledger';

export interface CostOptions {
  ordersPerJourney: number;
  /** Orders in flight at once; 1 keeps Lambda durations free of interleaving with other orders. */
  concurrency: number;
}

export interface JourneyUsage {
  journey: string;
  orders: number;
  counters: CounterSnapshot;
  ledger: LedgerSummary;
}

const perOrder = (value: number, orders: number): number => value / orders;

const roundedRecord = (record: Record<string, number>): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(record)
      .sort(([, a], [, b]) => b - a)
      .map(([key, value]) => [key, round(value, 3)]),
  );

/** What one order of the journey used, as AWS bills it. */
export const usageOf = ({ counters, ledger, orders }: JourneyUsage, withSandbox = true): Usage => {
  const sandbox = Object.entries(ledger.byKind).filter(([kind]) => kind.startsWith('SANDBOX#'));
  const sandboxWriteUnits = withSandbox ? 0 : sandbox.reduce((sum, [, tally]) => sum + tally.writeUnits, 0);
  const sandboxReadUnits = withSandbox ? 0 : sandbox.reduce((sum, [, tally]) => sum + tally.readUnits, 0);
  return {
    stateTransitions: perOrder(counters.stateTransitions, orders),
    lambdaInvocations: perOrder(counters.lambdaInvocations, orders),
    lambdaMilliseconds: perOrder(counters.lambdaMilliseconds, orders),
    // A write whose condition failed still consumes (at least) one write unit in DynamoDB.
    writeUnits: perOrder(
      counters.dynamoWriteUnits +
        ledger.total.indexWriteUnits +
        ledger.total.failedWrites -
        sandboxWriteUnits,
      orders,
    ),
    readUnits: perOrder(counters.dynamoReadUnits - sandboxReadUnits, orders),
    emails: perOrder(counters.emails, orders),
    sms: perOrder(counters.sms, orders),
    snsPublishes: perOrder(counters.snsPublishes, orders),
    apiCalls: perOrder(counters.apiCalls, orders),
  };
};

const costDetails = (cost: Cost): Record<string, Json> => roundedRecord({ ...cost });

/** The figures of one journey from what it used. */
export const journeyFigures = (journey: Journey, usage: JourneyUsage): Figure[] => {
  const { counters, ledger, orders } = usage;
  const book = loadPriceBook();
  const name = (figureName: string) => `cost.${journey.name}.${figureName}`;
  const per = (value: number) => perOrder(value, orders);
  const common = { orders };
  const writesByFunction = roundedRecord(
    Object.fromEntries(Object.entries(ledger.byFunction).map(([fn, tally]) => [fn, per(tally.writes)])),
  );
  const writesByKind = roundedRecord(
    Object.fromEntries(Object.entries(ledger.byKind).map(([kind, tally]) => [kind, per(tally.writes)])),
  );
  const failedByFunction = roundedRecord(
    Object.fromEntries(
      Object.entries(ledger.byFunction)
        .filter(([, tally]) => tally.failedWrites > 0)
        .map(([fn, tally]) => [fn, per(tally.failedWrites)]),
    ),
  );
  const readsByFunction = roundedRecord(
    Object.fromEntries(Object.entries(ledger.byFunction).map(([fn, tally]) => [fn, per(tally.reads)])),
  );
  const lambdaByFunction = roundedRecord(
    Object.fromEntries(
      Object.entries(counters.lambdaByFunction).map(([fn, entry]) => [fn, per(entry.invocations)]),
    ),
  );
  const msByFunction = roundedRecord(
    Object.fromEntries(
      Object.entries(counters.lambdaByFunction).map(([fn, entry]) => [fn, per(entry.milliseconds)]),
    ),
  );
  const targetOrNull = (target: number | undefined) => ({
    baseline: target ?? null,
    target: target !== undefined,
    baselineIs:
      target !== undefined ? `issue target ≤ ${target} on the happy path` : 'no target for this journey',
  });

  const full = usageOf(usage);
  const real = usageOf(usage, false);
  const costPer1000 = scaleCost(priceUsage(full, book), 1000);
  const realCostPer1000 = scaleCost(priceUsage(real, book), 1000);
  const stackMemoryCostPer1000 = scaleCost(priceUsage(full, book, 0.5), 1000);
  const tenfoldLambdaPer1000 = scaleCost(
    priceUsage({ ...full, lambdaMilliseconds: full.lambdaMilliseconds * 10 }, book),
    1000,
  );

  return [
    figure({
      name: name('state_transitions'),
      value: per(counters.stateTransitions),
      unit: 'transitions/order',
      better: 'lower',
      ...targetOrNull(journey.targets.stateTransitions),
      details: {
        ...common,
        journey: journey.description,
        executionsStarted: per(counters.executionsStarted),
      },
    }),
    figure({
      name: name('store_writes'),
      value: per(counters.dynamoWrites),
      unit: 'writes/order',
      better: 'lower',
      ...targetOrNull(journey.targets.storeWrites),
      details: {
        ...common,
        counted: 'successful PutItem/UpdateItem/DeleteItem/BatchWriteItem on the application tables',
        sandboxProviderWrites: per(ledger.sandboxWrites),
        writesWithoutSandboxProviders: per(counters.dynamoWrites - ledger.sandboxWrites),
        failedConditionalWrites: per(ledger.total.failedWrites),
        failedConditionalWritesByFunction: failedByFunction,
        byFunction: writesByFunction,
        byItemKind: writesByKind,
      },
    }),
    figure({
      name: name('store_writes_without_sandbox'),
      value: per(counters.dynamoWrites - ledger.sandboxWrites),
      unit: 'writes/order',
      better: 'lower',
      ...targetOrNull(journey.targets.storeWrites),
      details: {
        ...common,
        why: 'a deployment with Stripe and EasyPost makes no SANDBOX# writes (the sandbox providers keep state in the Orders table)',
      },
    }),
    figure({
      name: name('store_reads'),
      value: per(counters.dynamoReads),
      unit: 'reads/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: { ...common, sandboxProviderReads: per(ledger.sandboxReads), byFunction: readsByFunction },
    }),
    figure({
      name: name('write_request_units'),
      value: full.writeUnits,
      unit: 'WRU/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: {
        ...common,
        table: per(counters.dynamoWriteUnits),
        estimatedIndexes: per(ledger.total.indexWriteUnits),
        failedConditions: per(ledger.total.failedWrites),
        withoutSandboxProviders: real.writeUnits,
      },
    }),
    figure({
      name: name('read_request_units'),
      value: full.readUnits,
      unit: 'RRU/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: { ...common },
    }),
    figure({
      name: name('lambda_invocations'),
      value: per(counters.lambdaInvocations),
      unit: 'invocations/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: { ...common, byFunction: lambdaByFunction },
    }),
    figure({
      name: name('lambda_duration'),
      value: per(counters.lambdaMilliseconds),
      unit: 'ms/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: {
        ...common,
        gbSecondsAt256Mb: (per(counters.lambdaMilliseconds) / 1000) * book.lambdaMemoryGb,
        measured: 'in-process on this machine, local store; not a Lambda duration (see bench/README.md)',
        byFunction: msByFunction,
      },
    }),
    figure({
      name: name('messages'),
      value: per(counters.emails + counters.sms),
      unit: 'messages/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: {
        ...common,
        emails: per(counters.emails),
        sms: per(counters.sms),
        topicPublishes: per(counters.snsPublishes),
        apiCalls: per(counters.apiCalls),
      },
    }),
    figure({
      name: name('usd_per_1000_orders_excluding_sms'),
      value: costPer1000.totalExcludingSms,
      unit: 'USD/1000 orders',
      better: 'lower',
      baseline: 1,
      target: true,
      baselineIs: 'issue target ≤ $1.00 per 1,000 orders excluding SMS and provider fees',
      details: {
        ...common,
        prices: `bench/prices-2026-11.json (${book.region}, list prices as of ${book.asOf})`,
        breakdown: costDetails(costPer1000),
        withoutSandboxProviderRecords: round(realCostPer1000.totalExcludingSms),
        withLambdaAt512Mb: round(stackMemoryCostPer1000.totalExcludingSms),
        withTenfoldLambdaDuration: round(tenfoldLambdaPer1000.totalExcludingSms),
      },
    }),
    figure({
      name: name('usd_per_1000_orders_including_sms'),
      value: costPer1000.total,
      unit: 'USD/1000 orders',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue (SMS is excluded from the target)',
      details: { ...common, smsPerOrder: per(counters.sms), smsUsdPer1000: round(costPer1000.sms) },
    }),
  ];
};

/** Runs every journey and returns its figures. */
export const measureCost = async (
  options: CostOptions,
): Promise<{ figures: Figure[]; usage: JourneyUsage[] }> => {
  // A day of real length: no business deadline passes during the bench, so no timer wakes the workflow.
  const system = await startBenchSystem({ simulation: 'off', daySeconds: 86_400 });
  const events = new OrderEvents(system.topicMessages);
  const figures: Figure[] = [];
  const usage: JourneyUsage[] = [];
  try {
    const api = new BenchApi(system.url);
    await api.setStock('SKU-TSHIRT', benchStock);
    const side = await SideDoor.open(system);
    const ledger = StoreLedger.attach(system);
    const timeoutMs = 20_000;
    const context = (id: string) => ({ system, api, events, side, id, timeoutMs });
    for (const journey of journeys) {
      // One order first, uncounted: the first call of each code path pays for loading and compiling it.
      const warm = await journey.run(context(`cost-${journey.name}-warmup`));
      await executionEnded(system, warm, timeoutMs);
      await system.lambdas.drain();
      system.counters.reset();
      ledger.reset();

      const ids = Array.from({ length: options.ordersPerJourney }, (_, i) => `cost-${journey.name}-${i}`);
      const orderIds = await inBatches(ids, options.concurrency, async (id) => {
        const orderId = await journey.run(context(id));
        await executionEnded(system, orderId, timeoutMs);
        return orderId;
      });
      await system.lambdas.drain();
      const measured: JourneyUsage = {
        journey: journey.name,
        orders: orderIds.length,
        counters: system.counters.snapshot(),
        ledger: ledger.summary(),
      };
      usage.push(measured);
      figures.push(...journeyFigures(journey, measured));
    }
  } finally {
    events.stop();
    await system.stop();
  }
  return { figures, usage };
};
