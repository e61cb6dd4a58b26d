// The cost bench's arithmetic: what one order of a journey used, the per-service bill against the dated price book,
// and the weighting of the journeys into a mix of orders. No timings: benchmarks are not tests.
import { describe, expect, it } from 'vitest';
import { journeyFigures, mixFigures, usageOf, type JourneyUsage } from '../../bench/cost';
import { journeys, realisticMix } from '../../bench/journeys';
import {
  costByService,
  loadPriceBook,
  mixUsage,
  noUsage,
  priceUsage,
  scaleCost,
  services,
  type Usage,
} from '../../bench/pricing';
import { emptyTally } from '../../bench/store-ledger';
import { Counters } from '../../local/counters';

const book = loadPriceBook();

const usage = (patch: Partial<Usage> = {}): Usage => ({
  ...noUsage(),
  ...patch,
});

const tally = (patch: Partial<JourneyUsage['ledger']['total']> = {}) => ({ ...emptyTally(), ...patch });

/** What the engine counted for `orders` orders of a journey, as measureCost records it. */
const measured = (
  journey: string,
  orders: number,
  counters: Partial<ReturnType<Counters['snapshot']>>,
  secretReads = 0,
): JourneyUsage => ({
  journey,
  orders,
  counters: { ...Counters.empty(), ...counters },
  ledger: { byFunction: {}, byKind: {}, total: tally(), sandboxWrites: 0, sandboxReads: 0 },
  secrets: { readsIfEveryInvocationCold: secretReads, byFunction: {}, bySecret: {} },
});

describe('usage of a journey', () => {
  it('divides the counters by the orders and adds the writes DynamoDB bills that the engine does not count', () => {
    // Prepare
    const journey: JourneyUsage = {
      ...measured('happy_path', 4, { stateTransitions: 72, dynamoWriteUnits: 40, emails: 16, apiCalls: 20 }),
      ledger: {
        byFunction: {},
        byKind: { 'SANDBOX#PAYMENT': tally({ writes: 4, writeUnits: 8 }) },
        total: tally({ indexWriteUnits: 100, failedWrites: 4 }),
        sandboxWrites: 4,
        sandboxReads: 0,
      },
    };

    // Act
    const withSandbox = usageOf(journey, book);
    const withoutSandbox = usageOf(journey, book, { withSandbox: false });

    // Assess
    expect(withSandbox).toMatchObject({ stateTransitions: 18, emails: 4, apiCalls: 5 });
    expect(withSandbox.writeUnits).toBe((40 + 100 + 4) / 4);
    expect(withoutSandbox.writeUnits).toBe((40 + 100 + 4 - 8) / 4);
  });

  it('expects Secrets Manager calls only from the share of invocations that start a fresh container', () => {
    // Prepare
    const journey = measured('happy_path', 10, {}, 130);

    // Act
    const expected = usageOf(journey, book);
    const everyInvocationCold = usageOf(journey, book, { coldStartShare: 1 });

    // Assess
    expect(everyInvocationCold.secretsManagerCalls).toBe(13);
    expect(expected.secretsManagerCalls).toBeCloseTo(13 * book.coldStartShare, 12);
  });
});

describe('bill by service', () => {
  it('prices one unit of everything at the price book, Lambda and DynamoDB each as one service', () => {
    // Prepare
    const p = book.prices;
    const one = usage({
      stateTransitions: 1,
      lambdaInvocations: 1,
      lambdaMilliseconds: 1000,
      writeUnits: 1,
      readUnits: 1,
      emails: 1,
      sms: 1,
      snsPublishes: 1,
      apiCalls: 1,
      secretsManagerCalls: 1,
    });

    // Act
    const cost = priceUsage(one, book);
    const byService = costByService(cost);

    // Assess
    expect(byService.stepFunctions).toBe(p.stepFunctionsStandardTransition.usd);
    expect(byService.lambda).toBeCloseTo(
      p.lambdaRequest.usd + book.lambdaMemoryGb * p.lambdaArmGbSecond.usd,
      15,
    );
    expect(byService.dynamoDb).toBeCloseTo(
      p.dynamoDbWriteRequestUnit.usd + p.dynamoDbReadRequestUnit.usd,
      15,
    );
    expect(byService.ses).toBe(p.sesEmail.usd);
    expect(byService.snsSms).toBe(p.smsUs.usd);
    expect(byService.snsPublish).toBe(p.snsPublish.usd);
    expect(byService.apiGateway).toBe(p.apiGatewayRestRequest.usd);
    expect(byService.secretsManager).toBe(p.secretsManagerApiCall.usd);
    expect(Object.keys(byService)).toEqual([...services]);
    const sum = Object.values(byService).reduce((total, value) => total + value, 0);
    expect(sum).toBeCloseTo(cost.total, 15);
    expect(sum - byService.snsSms).toBeCloseTo(cost.totalExcludingSms, 15);
  });

  it('prices Secrets Manager at $0.05 per 10,000 calls', () => {
    expect(scaleCost(priceUsage(usage({ secretsManagerCalls: 1 }), book), 10_000).secretsManager).toBeCloseTo(
      0.05,
      12,
    );
  });
});

describe('mix of orders', () => {
  it('weights each journey per order by its share', () => {
    // Prepare
    const perJourney = {
      delivered: usage({ stateTransitions: 20, emails: 4, sms: 4 }),
      rejected: usage({ stateTransitions: 4, emails: 1 }),
    };

    // Act
    const mixed = mixUsage({ delivered: 0.75, rejected: 0.25 }, perJourney);

    // Assess
    expect(mixed.stateTransitions).toBe(16);
    expect(mixed.emails).toBe(3.25);
    expect(mixed.sms).toBe(3);
  });

  it('refuses shares that do not add up to 1, and journeys that were not measured', () => {
    const perJourney = { delivered: usage(), rejected: usage() };
    expect(() => mixUsage({ delivered: 0.8, rejected: 0.1 }, perJourney)).toThrow(/0\.9/);
    expect(() => mixUsage({ delivered: 0.9, returned: 0.1 }, perJourney)).toThrow(/returned/);
    expect(() => mixUsage({ delivered: 1.1, rejected: -0.1 }, perJourney)).toThrow(/negative/);
  });

  it('is the realistic mix of the issue, over the journeys the bench runs', () => {
    // Assess: 85 % delivered, 5 % cancelled before and 2 % after shipment, 5 % returned, 3 % rejected.
    expect(Object.keys(realisticMix).sort()).toEqual(journeys.map((journey) => journey.name).sort());
    expect(realisticMix.happy_path).toBe(0.85);
    expect(realisticMix.cancel_before_ship).toBe(0.05);
    expect(realisticMix.cancel_after_ship).toBe(0.02);
    expect(realisticMix.returned).toBe(0.05);
    const rejected = Object.entries(realisticMix).filter(([name]) => name.startsWith('rejected_'));
    expect(rejected.map(([name]) => name).sort()).toEqual([
      'rejected_declined',
      'rejected_invalid',
      'rejected_risk',
    ]);
    expect(rejected.reduce((sum, [, share]) => sum + share, 0)).toBeCloseTo(0.03, 12);
  });

  it('reports the mix cost as the weighted journey costs, with and without SMS, by service', () => {
    // Prepare
    const measuredJourneys = [
      measured('delivered', 2, { stateTransitions: 40, emails: 8, sms: 8, apiCalls: 10, dynamoWrites: 38 }),
      measured('rejected', 1, { stateTransitions: 5, emails: 1, apiCalls: 1, dynamoWrites: 3 }),
    ];
    const mix = { delivered: 0.9, rejected: 0.1 };

    // Act
    const figures = mixFigures(mix, measuredJourneys, book);
    const byName = new Map(figures.map((item) => [item.name, item]));

    // Assess
    const p = book.prices;
    const excludingSms =
      1000 *
      (0.9 *
        (20 * p.stepFunctionsStandardTransition.usd + 4 * p.sesEmail.usd + 5 * p.apiGatewayRestRequest.usd) +
        0.1 * (5 * p.stepFunctionsStandardTransition.usd + p.sesEmail.usd + p.apiGatewayRestRequest.usd));
    const excluding = byName.get('cost.mix.usd_per_1000_orders_excluding_sms')!;
    const including = byName.get('cost.mix.usd_per_1000_orders_including_sms')!;
    expect(excluding.value).toBeCloseTo(excludingSms, 3);
    expect(excluding).toMatchObject({ baseline: 1, met: excludingSms <= 1, mix });
    expect(including.value).toBeCloseTo(excludingSms + 1000 * 0.9 * 4 * p.smsUs.usd, 2);
    expect((including.byService as Record<string, number>).snsSms).toBeCloseTo(1000 * 3.6 * p.smsUs.usd, 1);
    expect(byName.get('cost.mix.state_transitions')?.value).toBeCloseTo(18.5, 10);
    expect(byName.get('cost.mix.store_writes')?.value).toBeCloseTo(0.9 * 19 + 0.1 * 3, 10);
  });
});

describe('journey figures', () => {
  it('keeps the names the earlier runs used, and prices the journey by service', () => {
    // Prepare
    const happy = journeys.find((journey) => journey.name === 'happy_path')!;

    // Act
    const figures = journeyFigures(happy, measured('happy_path', 1, { stateTransitions: 18, sms: 4 }));

    // Assess
    expect(figures.map((item) => item.name)).toEqual(
      [
        'state_transitions',
        'store_writes',
        'store_writes_without_sandbox',
        'store_reads',
        'write_request_units',
        'read_request_units',
        'lambda_invocations',
        'lambda_duration',
        'messages',
        'usd_per_1000_orders_excluding_sms',
        'usd_per_1000_orders_including_sms',
      ].map((name) => `cost.happy_path.${name}`),
    );
    const including = figures.at(-1)!;
    const byService = including.byService as Record<string, number>;
    expect(byService.stepFunctions).toBeCloseTo(
      18 * 1000 * book.prices.stepFunctionsStandardTransition.usd,
      4,
    );
    expect(byService.snsSms).toBeCloseTo(4 * 1000 * book.prices.smsUs.usd, 1);
    expect(including.prices).toContain('prices-2026-11.json');
  });
});
