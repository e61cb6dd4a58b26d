// scoreOrder, the explainable risk rules: every rule that fires names itself among the reasons, and the sum
// decides (reject at 70 or more, approve below).
import { describe, expect, it } from 'vitest';
import { rejectThreshold, scoreOrder, type RiskSignals } from '../../../functions/assess-risk/assess-risk';
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

  it(`rejects an order that scores ${rejectThreshold}`, () => {
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
    expect([risk.score, risk.decision]).toEqual([70, 'reject']);
  });

  it(`approves an order that scores just below ${rejectThreshold}`, () => {
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
});
