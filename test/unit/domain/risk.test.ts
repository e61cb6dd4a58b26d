// scoreOrder, the explainable risk rules: every rule that fires names itself among the reasons, and the sum falls
// into a band of the stage config (by default: approve below 70, review from 70, reject from 85).
import { describe, expect, it } from 'vitest';
import {
  defaultRiskThresholds,
  riskBand,
  scoreOrder,
  velocityLimits,
  type RiskSignals,
} from '../../../functions/domain/risk';
import type { OrderRecord } from '../../../functions/domain/order';
import { anOrder, withCustomer } from '../helpers/orders';

/** A customer who has ordered before, but not lately. */
const returningCustomer: RiskSignals = { recentOrders: 0, earlierOrders: 2 };

/** The example order with its total (and one line's price) set to `total` minor units. */
const withTotal = (order: OrderRecord, total: number): OrderRecord => ({
  ...order,
  items: [{ sku: 'SKU-WATCH', name: 'Watch', quantity: 1, unitPrice: total - order.shippingAmount }],
  total,
});

describe('scoreOrder', () => {
  it('approves a plain order of a returning customer with no reasons', () => {
    // Act
    const risk = scoreOrder(anOrder(), returningCustomer);

    // Assess
    expect(risk).toEqual({ score: 0, decision: 'approve', reasons: [] });
  });

  it.each<[string, OrderRecord, RiskSignals]>([
    ['high_value', withTotal(anOrder(), 50_000), returningCustomer],
    ['very_high_value', withTotal(anOrder(), 100_000), returningCustomer],
    ['new_customer', anOrder(), { recentOrders: 0, earlierOrders: 0 }],
    [
      'billing_shipping_country_mismatch',
      anOrder({
        billingAddress: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      }),
      returningCustomer,
    ],
    [
      'billing_shipping_mismatch',
      anOrder({
        billingAddress: {
          line1: '1 Market St',
          city: 'San Francisco',
          region: 'CA',
          postalCode: '94111',
          country: 'US',
        },
      }),
      returningCustomer,
    ],
    ['disposable_email', withCustomer(anOrder(), { email: 'ada@Mailinator.com' }), returningCustomer],
    ['velocity', anOrder(), { recentOrders: 3, earlierOrders: 0 }],
    [
      'expedited_high_value',
      { ...withTotal(anOrder(), 50_000), shippingService: 'express' },
      returningCustomer,
    ],
    [
      'bulk_quantity',
      {
        ...anOrder(),
        items: [{ sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 20, unitPrice: 1999 }],
        total: 40_480,
      },
      returningCustomer,
    ],
  ])('names %s among the reasons when that rule fires', (rule, order, signals) => {
    // Act
    const risk = scoreOrder(order, signals);

    // Assess
    expect(risk.reasons).toContain(rule);
  });

  it('counts a billing address in the same country and postcode as no mismatch', () => {
    // Prepare
    const order = anOrder();
    const sameAddress = { ...order, billingAddress: { ...order.shippingAddress } };

    // Act
    const risk = scoreOrder(sameAddress, returningCustomer);

    // Assess
    expect(risk.reasons).toEqual([]);
  });

  it(`holds an order that scores ${defaultRiskThresholds.reviewScore} for review`, () => {
    // Prepare: very high value (35) + new customer (10) + billing in another country (25)
    const order = withTotal(
      anOrder({
        billingAddress: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      }),
      100_000,
    );

    // Act
    const risk = scoreOrder(order, { recentOrders: 0, earlierOrders: 0 });

    // Assess
    expect([risk.score, risk.decision]).toEqual([70, 'review']);
  });

  it(`rejects an order that scores ${defaultRiskThresholds.rejectScore}`, () => {
    // Prepare: very high value (35) + disposable email (30) + new customer (10) + bulk quantity (10)
    const order = withCustomer(
      {
        ...anOrder(),
        items: [{ sku: 'SKU-HOODIE', name: 'Hoodie', quantity: 20, unitPrice: 4999 }],
        total: 100_480,
      },
      { email: 'mallory@mailinator.com' },
    );

    // Act
    const risk = scoreOrder(order, { recentOrders: 0, earlierOrders: 0 });

    // Assess
    expect([risk.score, risk.decision]).toEqual([85, 'reject']);
  });

  it(`approves an order that scores just below ${defaultRiskThresholds.reviewScore}`, () => {
    // Prepare: very high value (35) + disposable email (30)
    const order = withCustomer(withTotal(anOrder(), 100_000), { email: 'ada@yopmail.com' });

    // Act
    const risk = scoreOrder(order, returningCustomer);

    // Assess
    expect([risk.score, risk.decision]).toEqual([65, 'approve']);
  });

  it('caps the score at 100', () => {
    // Prepare: every rule at once
    const order = withCustomer(
      {
        ...withTotal(
          anOrder({
            billingAddress: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
          }),
          100_000,
        ),
        shippingService: 'overnight',
      },
      { email: 'ada@mailinator.com' },
    );

    // Act
    const risk = scoreOrder(order, { recentOrders: 5, earlierOrders: 0 });

    // Assess
    expect([risk.score, risk.decision]).toEqual([100, 'reject']);
  });

  it('bands by the thresholds it is given (a stage may tighten them)', () => {
    // Prepare: very high value (35) + disposable email (30) = 65
    const order = withCustomer(withTotal(anOrder(), 100_000), { email: 'ada@yopmail.com' });

    // Act
    const strict = scoreOrder(order, returningCustomer, { reviewScore: 50, rejectScore: 60 });
    const lenient = scoreOrder(order, returningCustomer, { reviewScore: 80, rejectScore: 90 });

    // Assess
    expect([strict.decision, lenient.decision]).toEqual(['reject', 'approve']);
  });
});

describe('riskBand', () => {
  it.each<[number, string]>([
    [0, 'approve'],
    [69, 'approve'],
    [70, 'review'],
    [84, 'review'],
    [85, 'reject'],
    [100, 'reject'],
  ])('puts a score of %i in the %s band by default', (score, band) => {
    expect(riskBand(score, defaultRiskThresholds)).toBe(band);
  });
});

describe('the velocity rules', () => {
  const quiet: RiskSignals = { ...returningCustomer, paymentMethodCustomers: 0, sourceIpCustomers: 0 };

  it.each<[string, RiskSignals, string]>([
    ['the customer placed 3 other orders today', { ...quiet, recentOrders: 3 }, 'velocity'],
    [
      `${velocityLimits.paymentMethodCustomers} other customers paid with the same card today`,
      { ...quiet, paymentMethodCustomers: velocityLimits.paymentMethodCustomers },
      'shared_payment_method',
    ],
    [
      `${velocityLimits.sourceIpCustomers} other customers ordered from the same IP today`,
      { ...quiet, sourceIpCustomers: velocityLimits.sourceIpCustomers },
      'shared_source_ip',
    ],
  ])('fire when %s', (_case, signals, rule) => {
    // Act
    const risk = scoreOrder(anOrder(), signals);

    // Assess
    expect(risk.reasons).toEqual([rule]);
  });

  it('stay quiet one below each limit: a household sharing a card, a few colleagues behind one office IP', () => {
    // Prepare
    const signals: RiskSignals = {
      recentOrders: velocityLimits.customerOrders - 1,
      earlierOrders: 0,
      paymentMethodCustomers: velocityLimits.paymentMethodCustomers - 1,
      sourceIpCustomers: velocityLimits.sourceIpCustomers - 1,
    };

    // Act
    const risk = scoreOrder(anOrder(), signals);

    // Assess
    expect(risk).toEqual({ score: 0, decision: 'approve', reasons: [] });
  });

  it('approve a new customer on a widely shared card and IP (a sandbox test token, a bench run) on their own', () => {
    // Prepare: thousands of distinct customers, one card, one IP
    const signals: RiskSignals = {
      recentOrders: 0,
      earlierOrders: 0,
      paymentMethodCustomers: 5_000,
      sourceIpCustomers: 5_000,
    };

    // Act
    const risk = scoreOrder(anOrder(), signals);

    // Assess
    expect([risk.score, risk.decision]).toEqual([45, 'approve']);
  });

  it('send a high-value order on a card shared by 4 other customers to review', () => {
    // Prepare: very high value (35) + new customer (10) + shared card (25) = 70
    const order = withTotal(anOrder(), 100_000);

    // Act
    const risk = scoreOrder(order, { recentOrders: 0, earlierOrders: 0, paymentMethodCustomers: 4 });

    // Assess
    expect(risk).toEqual({
      score: 70,
      decision: 'review',
      reasons: ['very_high_value', 'new_customer', 'shared_payment_method'],
    });
  });
});
