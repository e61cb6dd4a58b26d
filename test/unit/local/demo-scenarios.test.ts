// The demo's scenarios as data: each one reaches its outcome for its own reason (the risk rules let the ordinary
// ones through whatever the shared sandbox card and loopback IP add), touches only SKUs of its own run, and a
// scenario ending anywhere but its expected status and cause fails the run.
import { describe, expect, it } from 'vitest';
import { scoreOrder } from '../../../functions/domain/risk';
import { createOrderRequestSchema, type CreateOrderRequest } from '../../../functions/domain/order-request';
import { toOrderView, type OrderRecord } from '../../../functions/domain/order';
import {
  demoExitCodes,
  demoScenarios,
  demoStock,
  exitCodeOf,
  formatReport,
  isOk,
  judge,
  outcomeOf,
  type DemoScenario,
} from '../../../local/demo-scenarios';
import { demoCatalog } from '../../../local/seed';
import { aCancellation, aDeliveredOrder, anOrder, aReturn, aShipment } from '../helpers/orders';

const RUN = 'run1';
const scenarios = demoScenarios(RUN);
const scenario = (name: string): DemoScenario => {
  const found = scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`no demo scenario ${name}`);
  return found;
};

/** The order as intake would store it, for the risk rules. */
const recordOf = (request: CreateOrderRequest): OrderRecord =>
  anOrder({
    customer: request.customer,
    shippingAddress: request.shippingAddress,
    billingAddress: request.billingAddress,
    items: request.items,
    shippingService: request.shipping.service,
    shippingAmount: request.shipping.amount,
    tax: request.tax,
    total: request.total,
  });

describe('the demo scenarios', () => {
  it('covers the contract list and a fraud rejection, each with an expected status and cause', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'happy path',
      'declined card',
      'out of stock',
      'suspected fraud',
      'delayed parcel',
      'cancel before shipment',
      'cancel after shipment',
      'return',
    ]);
    for (const s of scenarios) expect(s.expected.cause).not.toBe('');
  });

  it('posts orders the API accepts, totals included', () => {
    for (const s of scenarios) {
      const parsed = createOrderRequestSchema.safeParse(s.request);
      expect(parsed.error?.issues ?? [], s.name).toEqual([]);
    }
  });

  it('keeps every scenario but the fraud one under the review band, even with every other customer on the card and IP', () => {
    const worstVelocity = {
      recentOrders: 0,
      earlierOrders: 0,
      paymentMethodCustomers: 1000,
      sourceIpCustomers: 1000,
    };
    for (const s of scenarios.filter((s) => s.name !== 'suspected fraud')) {
      expect(scoreOrder(recordOf(s.request), worstVelocity).decision, s.name).toBe('approve');
    }
  });

  it('rejects the fraud scenario on its own order, with no velocity at all', () => {
    const noNeighbours = {
      recentOrders: 0,
      earlierOrders: 0,
      paymentMethodCustomers: 0,
      sourceIpCustomers: 0,
    };

    expect(scoreOrder(recordOf(scenario('suspected fraud').request), noNeighbours).decision).toBe('reject');
  });

  it('runs out of stock on a SKU the demo stocks with nothing', () => {
    const { soldOut } = demoStock(RUN);

    expect(soldOut.available).toBe(0);
    expect(scenario('out of stock').request.items.map((item) => item.sku)).toEqual([soldOut.sku]);
  });

  it('orders only SKUs of its own run, never the seeded catalog', () => {
    const own = new Set(Object.values(demoStock(RUN)).map((sku) => sku.sku));
    const seeded = new Set(demoCatalog.map((item) => item.sku));
    for (const item of scenarios.flatMap((s) => s.request.items)) {
      expect(own.has(item.sku), item.sku).toBe(true);
      expect(seeded.has(item.sku), item.sku).toBe(false);
    }
  });

  it('gives each scenario its own customer email and external id, other ones in another run', () => {
    const emails = scenarios.map((s) => s.request.customer.email);
    const ids = scenarios.map((s) => s.request.externalId);
    const nextRun = demoScenarios('run2');

    expect(new Set(emails).size).toBe(scenarios.length);
    expect(new Set(ids).size).toBe(scenarios.length);
    for (const s of nextRun) {
      expect(emails).not.toContain(s.request.customer.email);
      expect(ids).not.toContain(s.request.externalId);
    }
  });

  it('bills where it ships, except in the fraud scenario', () => {
    for (const s of scenarios.filter((s) => s.name !== 'suspected fraud')) {
      expect(s.request.billingAddress, s.name).toBeUndefined();
    }
  });
});

describe('judging a scenario by its order', () => {
  const outOfStock = scenario('out of stock');
  const rejectedAs = (code: string) =>
    toOrderView(anOrder({ status: 'REJECTED', rejection: { code, message: 'rejected' } }));

  it('fails a rejection for another cause than expected, naming what differs', () => {
    const result = judge(outOfStock, 'ord_1', rejectedAs('FRAUD_SUSPECTED'));

    expect(isOk(result)).toBe(false);
    expect(result.problems).toEqual(['cause is FRAUD_SUSPECTED, expected OUT_OF_STOCK']);
    expect(exitCodeOf([result])).toBe(demoExitCodes.scenarioFailed);
  });

  it('passes the expected status and cause, and a run of passing scenarios exits 0', () => {
    const result = judge(outOfStock, 'ord_1', rejectedAs('OUT_OF_STOCK'));

    expect(result.problems).toEqual([]);
    expect(exitCodeOf([result, result])).toBe(demoExitCodes.ok);
  });

  it('fails one failed scenario among passing ones', () => {
    const passed = judge(outOfStock, 'ord_1', rejectedAs('OUT_OF_STOCK'));
    const failed = judge(scenario('happy path'), 'ord_2', toOrderView(anOrder({ status: 'CANCELLED' })));

    expect(exitCodeOf([passed, failed])).toBe(demoExitCodes.scenarioFailed);
  });

  it('fails a scenario stopped by an error even when its order looks right', () => {
    const result = judge(outOfStock, 'ord_1', rejectedAs('OUT_OF_STOCK'), 'the cancel call answered 409');

    expect(result.problems).toEqual(['the cancel call answered 409']);
  });

  it('fails a scenario whose order was never placed', () => {
    expect(judge(outOfStock, undefined, undefined).problems).toEqual(['no order to judge']);
  });

  it('tells an intercepted cancellation from one before shipment', () => {
    const intercepted = aDeliveredOrder({
      status: 'CANCELLED',
      payment: { ...aDeliveredOrder().payment, status: 'REFUNDED' },
      cancellation: aCancellation({ reason: 'long_shipping_time', stage: 'completed' }),
      timeline: [{ at: '2030-03-05T10:00:00.000Z', type: 'INTERCEPT_REQUESTED', detail: {} }],
    });

    expect(outcomeOf(toOrderView(intercepted))).toEqual(scenario('cancel after shipment').expected);
    expect(
      outcomeOf(
        toOrderView(
          anOrder({
            status: 'CANCELLED',
            payment: { ...anOrder().payment, status: 'VOIDED' },
            cancellation: aCancellation({ reason: 'long_shipping_time', stage: 'completed' }),
          }),
        ),
      ).cause,
    ).toBe('long_shipping_time');
  });

  it('tells a late delivery with its notice from one on time', () => {
    const late = aDeliveredOrder({
      shipment: aShipment({ status: 'delivered', delayed: true }),
      notices: {
        'delay_notice:x:email': {
          at: '2030-03-08T10:00:00.000Z',
          channel: 'email',
          template: 'delay_notice',
          to: 'ada@example.com',
        },
      },
    });

    expect(outcomeOf(toOrderView(late))).toEqual(scenario('delayed parcel').expected);
    expect(outcomeOf(toOrderView(aDeliveredOrder())).cause).toBe('on time');
  });

  it('says a returned order had its return refunded', () => {
    const returned = aDeliveredOrder({
      status: 'RETURNED',
      payment: { ...aDeliveredOrder().payment, status: 'PARTIALLY_REFUNDED' },
      returns: [aReturn({ status: 'refunded' })],
    });

    expect(outcomeOf(toOrderView(returned))).toEqual(scenario('return').expected);
  });
});

describe('the report', () => {
  it('shows each scenario with its order, expected and actual outcome, and lists what failed', () => {
    const passed = judge(
      scenario('out of stock'),
      'ord_ok',
      toOrderView(anOrder({ status: 'REJECTED', rejection: { code: 'OUT_OF_STOCK', message: '' } })),
    );
    const failed = judge(
      scenario('declined card'),
      'ord_bad',
      toOrderView(anOrder({ status: 'REJECTED', rejection: { code: 'FRAUD_SUSPECTED', message: '' } })),
    );

    const lines = formatReport([passed, failed]).split('\n');

    expect(lines[0]).toMatch(/^scenario\s+order\s+expected\s+actual\s+result$/);
    expect(lines.find((l) => l.startsWith('out of stock'))).toMatch(
      /ord_ok\s+REJECTED \(OUT_OF_STOCK; payment PENDING\)\s+REJECTED \(OUT_OF_STOCK; payment PENDING\)\s+OK$/,
    );
    expect(lines.find((l) => l.startsWith('declined card'))).toMatch(
      /ord_bad\s+REJECTED \(PAYMENT_DECLINED; payment DECLINED\)\s+REJECTED \(FRAUD_SUSPECTED; payment PENDING\)\s+FAIL$/,
    );
    expect(lines.slice(-3)).toEqual([
      '',
      '1 of 2 scenarios did not end as expected:',
      '  declined card: cause is FRAUD_SUSPECTED, expected PAYMENT_DECLINED; payment is PENDING, expected DECLINED',
    ]);
  });
});
