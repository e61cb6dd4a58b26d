// Cost per order: runs each journey for a number of orders on the local engine (carrier simulation off, so nothing
// runs that the journey did not cause), takes the delta of what the engine counted per order and prices it at AWS
// list prices; then weights the journeys into a realistic mix of orders.
import { ApiClient } from '../local/api-client';
import type { CounterSnapshot } from '../local/counters';
import type { Figure, Json } from './figures';
import { figure } from './figures';
import { journeys, realisticMix, type Journey } from './journeys';
import {
  BenchApi,
  OrderEvents,
  SideDoor,
  benchStock,
  inBatches,
  opsKey,
  startBenchSystem,
  storefrontKey,
  webhookSecret,
} from './local';
import {
  costByService,
  loadPriceBook,
  mixUsage,
  priceBookName,
  priceUsage,
  scaleCost,
  type Cost,
  type Mix,
  type PriceBook,
  type Usage,
} from './pricing';
import { SecretReads, type SecretReadsSummary } from './secret-reads';
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
  secrets: SecretReadsSummary;
}

/**
 * Half a real day: no business deadline passes during the bench, so no timer wakes a workflow. Not a whole day: the
 * local engine arms a task's timeout as one Node timer, which fires at once beyond 2^31 − 1 ms (24.8 days), and the
 * return window's wait (30 business days) would then time out as soon as it starts.
 */
export const costDaySeconds = 43_200;

const perOrder = (value: number, orders: number): number => value / orders;

const roundedRecord = (record: Record<string, number>): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(record)
      .sort(([, a], [, b]) => b - a)
      .map(([key, value]) => [key, round(value, 3)]),
  );

/** What one order of the journey used, as AWS bills it. */
export const usageOf = (
  { counters, ledger, secrets, orders }: JourneyUsage,
  book: PriceBook,
  { withSandbox = true, coldStartShare = book.coldStartShare } = {},
): Usage => {
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
    // Each container reads a secret once: only the invocations that start a fresh container call Secrets Manager.
    secretsManagerCalls: perOrder(secrets.readsIfEveryInvocationCold, orders) * coldStartShare,
  };
};

const costDetails = (cost: Cost): Record<string, Json> => roundedRecord({ ...cost });

/** USD per 1,000 orders by service, rounded, in the services' order. */
const byServiceDetails = (costPer1000: Cost): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(costByService(costPer1000)).map(([service, usd]) => [service, round(usd, 4)]),
  );

const pricesLabel = (book: PriceBook) =>
  `bench/${priceBookName} (${book.region}, list prices as of ${book.asOf})`;

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

  const full = usageOf(usage, book);
  const real = usageOf(usage, book, { withSandbox: false });
  const everyInvocationCold = usageOf(usage, book, { coldStartShare: 1 });
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
        prices: pricesLabel(book),
        breakdown: costDetails(costPer1000),
        withoutSandboxProviderRecords: round(realCostPer1000.totalExcludingSms),
        withLambdaAt512Mb: round(stackMemoryCostPer1000.totalExcludingSms),
        withTenfoldLambdaDuration: round(tenfoldLambdaPer1000.totalExcludingSms),
        secretsManager: {
          coldStartShare: book.coldStartShare,
          readsPerOrderIfEveryInvocationCold: per(usage.secrets.readsIfEveryInvocationCold),
          byFunction: roundedRecord(
            Object.fromEntries(Object.entries(usage.secrets.byFunction).map(([fn, n]) => [fn, per(n)])),
          ),
          usdPer1000IfEveryInvocationCold: round(
            scaleCost(priceUsage(everyInvocationCold, book), 1000).secretsManager,
          ),
        },
      },
    }),
    figure({
      name: name('usd_per_1000_orders_including_sms'),
      value: costPer1000.total,
      unit: 'USD/1000 orders',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue (SMS is excluded from the target)',
      details: {
        ...common,
        prices: pricesLabel(book),
        smsPerOrder: per(counters.sms),
        smsUsdPer1000: round(costPer1000.sms),
        byService: byServiceDetails(costPer1000),
      },
    }),
  ];
};

/** The figures of a mix of orders (`cost.mix.*`), from the measured journeys' usage weighted by their shares. */
export const mixFigures = (mix: Mix, measured: readonly JourneyUsage[], book: PriceBook): Figure[] => {
  const usages = (options?: Parameters<typeof usageOf>[2]) =>
    Object.fromEntries(measured.map((usage) => [usage.journey, usageOf(usage, book, options)]));
  const perJourney = usages();
  const usage = mixUsage(mix, perJourney);
  const costPer1000 = scaleCost(priceUsage(usage, book), 1000);
  const realPer1000 = scaleCost(priceUsage(mixUsage(mix, usages({ withSandbox: false })), book), 1000);
  const coldPer1000 = scaleCost(priceUsage(mixUsage(mix, usages({ coldStartShare: 1 })), book), 1000);
  const shares = Object.fromEntries(Object.entries(mix).map(([journey, share]) => [journey, share]));
  const contribution = (total: (cost: Cost) => number) =>
    roundedRecord(
      Object.fromEntries(
        Object.entries(mix).map(([journey, share]) => [
          journey,
          share * total(scaleCost(priceUsage(perJourney[journey]!, book), 1000)),
        ]),
      ),
    );
  const orders = Object.fromEntries(measured.map((item) => [item.journey, item.orders]));
  const common = { mix: shares, ordersPerJourney: orders };
  const counted = (
    key:
      | 'state_transitions'
      | 'store_writes'
      | 'store_writes_without_sandbox'
      | 'write_request_units'
      | 'read_request_units'
      | 'lambda_invocations',
    value: number,
    unit: string,
  ) =>
    figure({
      name: `cost.mix.${key}`,
      value,
      unit,
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: { ...common },
    });
  // Store calls are no billed unit of their own (request units are), so they are weighted here from the counters.
  const weighted = (of: (item: JourneyUsage) => number) =>
    measured.reduce((sum, item) => sum + (mix[item.journey] ?? 0) * (of(item) / item.orders), 0);
  const storeWrites = weighted((item) => item.counters.dynamoWrites);
  const storeWritesWithoutSandbox = weighted(
    (item) => item.counters.dynamoWrites - item.ledger.sandboxWrites,
  );
  return [
    counted('state_transitions', usage.stateTransitions, 'transitions/order'),
    counted('store_writes', storeWrites, 'writes/order'),
    counted('store_writes_without_sandbox', storeWritesWithoutSandbox, 'writes/order'),
    counted('write_request_units', usage.writeUnits, 'WRU/order'),
    counted('read_request_units', usage.readUnits, 'RRU/order'),
    counted('lambda_invocations', usage.lambdaInvocations, 'invocations/order'),
    figure({
      name: 'cost.mix.messages',
      value: usage.emails + usage.sms,
      unit: 'messages/order',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue',
      details: {
        ...common,
        emails: round(usage.emails),
        sms: round(usage.sms),
        topicPublishes: round(usage.snsPublishes),
        apiCalls: round(usage.apiCalls),
      },
    }),
    figure({
      name: 'cost.mix.usd_per_1000_orders_excluding_sms',
      value: costPer1000.totalExcludingSms,
      unit: 'USD/1000 orders',
      better: 'lower',
      baseline: 1,
      target: true,
      baselineIs: 'issue target ≤ $1.00 per 1,000 orders excluding SMS and provider fees, applied to the mix',
      details: {
        ...common,
        prices: pricesLabel(book),
        byService: byServiceDetails(costPer1000),
        byJourney: contribution((cost) => cost.totalExcludingSms),
        withoutSandboxProviderRecords: round(realPer1000.totalExcludingSms),
        withSecretsManagerIfEveryInvocationCold: round(coldPer1000.totalExcludingSms),
      },
    }),
    figure({
      name: 'cost.mix.usd_per_1000_orders_including_sms',
      value: costPer1000.total,
      unit: 'USD/1000 orders',
      better: 'lower',
      baseline: null,
      baselineIs: 'no target in the issue (SMS is excluded from the target)',
      details: {
        ...common,
        prices: pricesLabel(book),
        smsPerOrder: round(usage.sms),
        byService: byServiceDetails(costPer1000),
        byJourney: contribution((cost) => cost.total),
      },
    }),
  ];
};

/** Runs every journey and returns its figures. */
export const measureCost = async (
  options: CostOptions,
): Promise<{ figures: Figure[]; usage: JourneyUsage[] }> => {
  const system = await startBenchSystem({ simulation: 'off', daySeconds: costDaySeconds });
  const events = new OrderEvents(system.topicMessages);
  const figures: Figure[] = [];
  const usage: JourneyUsage[] = [];
  try {
    const api = new BenchApi(system.url);
    const client = new ApiClient(system, { storefront: storefrontKey, ops: opsKey, webhookSecret });
    await api.setStock('SKU-TSHIRT', benchStock);
    const side = await SideDoor.open(system);
    const ledger = StoreLedger.attach(system);
    const secrets = SecretReads.attach(system);
    const timeoutMs = 20_000;
    const context = (id: string) => ({ system, api, client, events, side, id, timeoutMs });
    for (const journey of journeys) {
      // One order first, uncounted: the first call of each code path pays for loading and compiling it.
      await journey.run(context(`cost-${journey.name}-warmup`));
      await system.lambdas.drain();
      system.counters.reset();
      ledger.reset();
      secrets.reset();

      const ids = Array.from({ length: options.ordersPerJourney }, (_, i) => `cost-${journey.name}-${i}`);
      const runs = await inBatches(ids, options.concurrency, (id) => journey.run(context(id)));
      await system.lambdas.drain();
      const measured: JourneyUsage = {
        journey: journey.name,
        orders: runs.length,
        counters: system.counters.snapshot(),
        ledger: ledger.summary(),
        secrets: secrets.summary(),
      };
      usage.push(measured);
      figures.push(...journeyFigures(journey, measured));
    }
    figures.push(...mixFigures(realisticMix, usage, loadPriceBook()));
  } finally {
    events.stop();
    await system.stop();
  }
  return { figures, usage };
};
