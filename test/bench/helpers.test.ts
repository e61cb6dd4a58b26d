// The bench's pure helpers: percentiles, figure arithmetic, pricing, how store calls are classified and how bundle
// bytes are attributed. No timings: benchmarks are not tests.
import { describe, expect, it } from 'vitest';
import { bytesByPackage } from '../../bench/cold-start';
import { figure, FigureLog } from '../../bench/figures';
import { loadPriceBook, noUsage, priceUsage, scaleCost, type Usage } from '../../bench/pricing';
import { mean, median, percentile, round } from '../../bench/stats';
import { indexWriteUnits, itemBytes, itemKind } from '../../bench/store-ledger';

const tables = { orders: 'Orders', inventory: 'Inventory' };

describe('stats', () => {
  it('takes percentiles by nearest rank', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act / Assess
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the median of odd and even counts, and the mean', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it('rounds to significant digits', () => {
    expect(round(0.000123456)).toBe(0.0001235);
    expect(round(123456.7)).toBe(123457);
    expect(round(12.3456, 3)).toBe(12.3);
  });
});

describe('figure', () => {
  it('computes the ratio to the baseline and whether a target is met', () => {
    // Act
    const small = figure({
      name: 'x',
      value: 200,
      unit: 'KB',
      baseline: 250,
      better: 'lower',
      target: true,
      baselineIs: 't',
    });
    const fast = figure({
      name: 'y',
      value: 50,
      unit: 'req/s',
      baseline: 100,
      better: 'higher',
      target: true,
      baselineIs: 't',
    });

    // Assess
    expect(small).toMatchObject({ ratio: 0.8, met: true });
    expect(fast).toMatchObject({ ratio: 0.5, met: false });
  });

  it('has no ratio and no verdict without a baseline, and keeps its details', () => {
    // Act
    const item = figure({
      name: 'z',
      value: 3,
      unit: 'ms',
      baseline: null,
      better: 'lower',
      baselineIs: 'none',
      details: { runs: [1, 2] },
    });

    // Assess
    expect(item).toEqual({
      name: 'z',
      value: 3,
      unit: 'ms',
      baseline: null,
      ratio: null,
      better: 'lower',
      baselineIs: 'none',
      runs: [1, 2],
    });
  });

  it('refuses a detail that would overwrite a core field', () => {
    expect(() =>
      figure({
        name: 'z',
        value: 1,
        unit: 'ms',
        baseline: null,
        better: 'lower',
        baselineIs: '',
        details: { ratio: 2 },
      }),
    ).toThrow(/ratio/);
  });

  it('prints one JSON line per figure', () => {
    // Prepare
    const lines: string[] = [];
    const log = new FigureLog((line) => lines.push(line));

    // Act
    log.add(figure({ name: 'a', value: 1, unit: 'ms', baseline: 2, better: 'lower', baselineIs: 'floor' }));

    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ name: 'a', value: 1, unit: 'ms', baseline: 2, ratio: 0.5 });
  });
});

describe('pricing', () => {
  const book = loadPriceBook();

  it('reads a dated price book with a source and a region for every price', () => {
    expect(book.region).toBe('us-east-1');
    expect(book.asOf).toBe('2026-11');
    for (const price of Object.values(book.prices)) {
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(price.region).toBe('us-east-1');
    }
  });

  it('prices each counted unit at its list price', () => {
    // Prepare
    const usage: Usage = { ...noUsage(), stateTransitions: 1000, emails: 1000, apiCalls: 1_000_000 };

    // Act
    const cost = priceUsage(usage, book);

    // Assess
    expect(cost.stepFunctions).toBeCloseTo(0.025, 10);
    expect(cost.email).toBeCloseTo(0.1, 10);
    expect(cost.apiGateway).toBeCloseTo(3.5, 10);
    expect(cost.totalExcludingSms).toBeCloseTo(3.625, 10);
  });

  it('prices Lambda duration by GB-second at the given memory', () => {
    // Prepare
    const usage: Usage = { ...noUsage(), lambdaMilliseconds: 1000 };

    // Act
    const at256 = priceUsage(usage, book);
    const at512 = priceUsage(usage, book, 0.5);

    // Assess
    expect(at256.lambdaDuration).toBeCloseTo(0.25 * book.prices.lambdaArmGbSecond.usd, 15);
    expect(at512.lambdaDuration).toBeCloseTo(2 * at256.lambdaDuration, 15);
  });

  it('keeps SMS out of the total the target is about', () => {
    // Act
    const cost = priceUsage({ ...noUsage(), sms: 2 }, book);

    // Assess
    expect(cost.totalExcludingSms).toBe(0);
    expect(cost.total).toBeCloseTo(2 * book.prices.smsUs.usd, 12);
  });

  it('scales every line to a number of orders', () => {
    // Act
    const cost = scaleCost(priceUsage({ ...noUsage(), stateTransitions: 20 }, book), 1000);

    // Assess
    expect(cost.stepFunctions).toBeCloseTo(0.5, 10);
    expect(cost.total).toBeCloseTo(0.5, 10);
  });
});

describe('store ledger classification', () => {
  it('names the kind of item a call touches', () => {
    expect(itemKind({ TableName: 'Orders', Key: { pk: 'ORDER#ord_1', sk: 'ORDER' } }, tables)).toBe('ORDER');
    expect(
      itemKind({ TableName: 'Orders', Item: { pk: 'SANDBOX#PAYMENT#pi_1', sk: 'SANDBOX' } }, tables),
    ).toBe('SANDBOX#PAYMENT');
    expect(itemKind({ TableName: 'Orders', Key: { pk: { S: 'UNMATCHED#SBX1' } } }, tables)).toBe('UNMATCHED');
    expect(itemKind({ TableName: 'Orders', IndexName: 'byCustomer' }, tables)).toBe('query byCustomer');
    expect(itemKind({ TableName: 'Inventory', Key: { sku: 'SKU-TSHIRT' } }, tables)).toBe('inventory');
  });

  describe('the index write units of an order put', () => {
    // An order as intake stores it: in byStorefront and byCustomer (whole items), byCreation (its KPI facts),
    // receivedOrders and the two velocity indexes (keys and the customer key).
    const received = {
      pk: 'ORDER#ord_1',
      sk: 'ORDER',
      orderId: 'ord_1',
      storefrontId: 's',
      createdKey: '2031-01-01T00:00:00.000Z#ord_1',
      createdAt: '2031-01-01T00:00:00.000Z',
      customerKey: 'c',
      creationBucket: '3',
      receivedBucket: '3',
      paymentFingerprint: 'p',
      sourceIpHash: 'i',
      status: 'RECEIVED',
      version: 1,
      notes: 'x'.repeat(2500),
    };

    it('writes a new item into every index holding it, the whole-item ones at its size', () => {
      // Act / Assess: byStorefront and byCustomer 3 units each (2 to 3 KB); four narrow entries of 1
      expect(Math.ceil(itemBytes(received) / 1024)).toBe(3);
      expect(indexWriteUnits(undefined, received)).toBe(3 + 3 + 1 + 1 + 1 + 1);
    });

    it('writes a narrow index only when what it holds changes', () => {
      // Prepare: the order leaves RECEIVED (its receivedOrders key is removed)
      const { receivedBucket: _left, ...rest } = received;
      const confirmed = { ...rest, status: 'CONFIRMED', version: 2 };

      // Act / Assess: both whole-item indexes again, the receivedOrders entry deleted, byCreation's status
      expect(indexWriteUnits(received, confirmed)).toBe(3 + 3 + 1 + 1);
      // A write that changes only what no narrow index holds: the whole-item indexes only
      expect(indexWriteUnits(confirmed, { ...confirmed, notes: 'y'.repeat(2500), version: 3 })).toBe(3 + 3);
    });

    it('writes two entries when an index key changes', () => {
      // Prepare: a parcel in flight, then a later carrier event
      const inFlight = { ...received, parcelBucket: '3', lastCarrierEventAt: '2031-01-02T00:00:00.000Z' };
      const scanned = { ...inFlight, lastCarrierEventAt: '2031-01-03T00:00:00.000Z' };

      // Act / Assess: the old parcelsInFlight entry deleted and the new one put, beside the whole-item indexes
      expect(indexWriteUnits(inFlight, scanned)).toBe(3 + 3 + 2);
    });

    it('writes nothing for an item no index holds', () => {
      expect(indexWriteUnits(undefined, { pk: 'SANDBOX#PAYMENT#1', sk: 'SANDBOX' })).toBe(0);
    });
  });
});

describe('cold start helpers', () => {
  it('attributes bundle bytes to packages, scoped ones whole', () => {
    // Act
    const totals = bytesByPackage({
      'node_modules/zod/v4/core/schemas.js': { bytesInOutput: 10 },
      'node_modules/zod/v4/locales/he.js': { bytesInOutput: 5 },
      'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 7 },
      'functions/adapters/order-store.ts': { bytesInOutput: 3 },
    });

    // Assess
    expect(totals).toEqual({ zod: 15, '@smithy/core': 7, '(project)': 3 });
  });
});
