// The KPIs of a window of orders, on a hand-computed fixture: what each figure counts, how rates and hours come out
// (shares 0..1, null without a denominator), the daily series, the window's defaults and limits, and the facts an
// order contributes (no PII among them).
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../functions/domain/errors';
import {
  computeKpis,
  daysOf,
  kpiFacts,
  kpiWindow,
  type KpiFacts,
  type KpiRecord,
} from '../../../functions/domain/kpis';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  aCancellation,
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShipment,
  aShippedOrder,
  DELIVERED_AT,
  PROMISED,
  SHIPPED_AT,
  T0,
  withReturns,
} from '../helpers/orders';

const record = (createdAt: string, status: OrderStatus, kpi: KpiFacts = {}): KpiRecord => ({
  createdAt,
  status,
  kpi,
});

/** Two days of orders, every figure worked out by hand in the tests below. */
const window = { from: '2030-03-04T00:00:00.000Z', to: '2030-03-06T00:00:00.000Z' };
const fixture: KpiRecord[] = [
  // 4 March: delivered on time (6 h to the carrier, 48 h to the door).
  record('2030-03-04T10:00:00.000Z', 'DELIVERED', {
    authorization: 'approved',
    shippedAt: '2030-03-04T16:00:00.000Z',
    deliveredAt: '2030-03-06T10:00:00.000Z',
    promisedDelivery: '2030-03-07T00:00:00.000Z',
  }),
  // Delivered late after a delay (12 h to the carrier, 96 h to the door), then returned.
  record('2030-03-04T12:00:00.000Z', 'RETURN_REQUESTED', {
    authorization: 'approved',
    shippedAt: '2030-03-05T00:00:00.000Z',
    deliveredAt: '2030-03-08T12:00:00.000Z',
    promisedDelivery: '2030-03-08T00:00:00.000Z',
    delayed: true,
    returns: 1,
  }),
  record('2030-03-04T20:00:00.000Z', 'CANCELLED', {
    authorization: 'approved',
    cancellationReason: 'changed_mind',
  }),
  // 5 March.
  record('2030-03-05T08:00:00.000Z', 'REJECTED', {
    authorization: 'declined',
    rejectionCode: 'PAYMENT_DECLINED',
  }),
  record('2030-03-05T09:00:00.000Z', 'REJECTED', { rejectionCode: 'OUT_OF_STOCK' }),
  // On its way, late (3 h to the carrier).
  record('2030-03-05T10:00:00.000Z', 'IN_TRANSIT', {
    authorization: 'approved',
    shippedAt: '2030-03-05T13:00:00.000Z',
    promisedDelivery: '2030-03-07T00:00:00.000Z',
    delayed: true,
  }),
  record('2030-03-05T11:00:00.000Z', 'CANCELLED', {
    authorization: 'approved',
    cancellationReason: 'long_shipping_time',
  }),
  record('2030-03-05T12:00:00.000Z', 'RECEIVED'),
];

describe('computeKpis', () => {
  it('counts the orders, cancellations by reason and rejections by code of the window', () => {
    // Act
    const report = computeKpis(fixture, window);

    // Assess
    expect(report).toMatchObject({
      from: window.from,
      to: window.to,
      orders: 8,
      cancelled: 2,
      cancellationRate: 0.25,
      cancellationReasons: { changed_mind: 1, long_shipping_time: 1 },
      rejected: 2,
      rejectionReasons: { PAYMENT_DECLINED: 1, OUT_OF_STOCK: 1 },
    });
  });

  it('counts delivered parcels, the share delivered by the promised date, delays and returns', () => {
    // Act
    const report = computeKpis(fixture, window);

    // Assess
    expect([report.delivered, report.onTimeDeliveryRate, report.delayedShipments, report.returns]).toEqual([
      2, 0.5, 2, 1,
    ]);
  });

  it('averages the hours to the carrier and to the door, with the 90th percentile to the carrier', () => {
    // Act
    const report = computeKpis(fixture, window);

    // Assess
    expect([report.avgFulfillmentHours, report.p90FulfillmentHours, report.avgDeliveryHours]).toEqual([
      7, 12, 72,
    ]);
  });

  it('takes the payment failure rate of the orders whose authorization was answered', () => {
    // Act
    const report = computeKpis(fixture, window);

    // Assess
    expect(report.paymentFailureRate).toBe(0.1667);
  });

  it('gives the figures of each day of the window', () => {
    // Act
    const report = computeKpis(fixture, window);

    // Assess
    expect(report.daily).toEqual([
      {
        day: '2030-03-04',
        orders: 3,
        cancelled: 1,
        delivered: 2,
        onTimeDeliveryRate: 0.5,
        delayedShipments: 1,
        avgFulfillmentHours: 9,
      },
      {
        day: '2030-03-05',
        orders: 5,
        cancelled: 1,
        delivered: 0,
        onTimeDeliveryRate: null,
        delayedShipments: 1,
        avgFulfillmentHours: 3,
      },
    ]);
  });

  it('gives null rates and hours, zero counts and empty days when no order was created', () => {
    // Act
    const report = computeKpis([], window);

    // Assess
    expect(report).toEqual({
      from: window.from,
      to: window.to,
      orders: 0,
      cancelled: 0,
      cancellationRate: null,
      cancellationReasons: {},
      rejected: 0,
      rejectionReasons: {},
      delivered: 0,
      onTimeDeliveryRate: null,
      delayedShipments: 0,
      avgFulfillmentHours: null,
      p90FulfillmentHours: null,
      avgDeliveryHours: null,
      paymentFailureRate: null,
      returns: 0,
      daily: ['2030-03-04', '2030-03-05'].map((day) => ({
        day,
        orders: 0,
        cancelled: 0,
        delivered: 0,
        onTimeDeliveryRate: null,
        delayedShipments: 0,
        avgFulfillmentHours: null,
      })),
    });
  });

  it('takes the 90th percentile by nearest rank', () => {
    // Prepare: ten orders handed over after 1, 2, ..., 10 hours.
    const records = Array.from({ length: 10 }, (_, i) =>
      record('2030-03-04T00:00:00.000Z', 'SHIPPED', {
        shippedAt: new Date(Date.parse('2030-03-04T00:00:00.000Z') + (i + 1) * 3_600_000).toISOString(),
      }),
    );

    // Act
    const report = computeKpis(records, window);

    // Assess
    expect([report.avgFulfillmentHours, report.p90FulfillmentHours]).toEqual([5.5, 9]);
  });

  it('counts a parcel delivered at the promised instant as on time, however the carrier wrote the time', () => {
    // Prepare
    const records = [
      record('2030-03-04T00:00:00.000Z', 'DELIVERED', {
        deliveredAt: '2030-03-07T00:00:00Z',
        promisedDelivery: '2030-03-07T00:00:00.000Z',
      }),
    ];

    // Act
    const report = computeKpis(records, window);

    // Assess
    expect(report.onTimeDeliveryRate).toBe(1);
  });
});

describe('daysOf', () => {
  it('lists every UTC day the window touches', () => {
    // Act
    const days = daysOf({ from: '2030-03-04T18:00:00.000Z', to: '2030-03-06T06:00:00.000Z' });

    // Assess
    expect(days).toEqual(['2030-03-04', '2030-03-05', '2030-03-06']);
  });

  it('leaves out the day the window ends at midnight of', () => {
    // Act
    const days = daysOf({ from: '2030-03-04T00:00:00.000Z', to: '2030-03-05T00:00:00.000Z' });

    // Assess
    expect(days).toEqual(['2030-03-04']);
  });
});

describe('kpiWindow', () => {
  const now = new Date('2030-03-11T09:30:00.000Z');

  it('defaults to the seven days up to now', () => {
    // Act
    const defaults = kpiWindow({}, now);

    // Assess
    expect(defaults).toEqual({ from: '2030-03-04T09:30:00.000Z', to: '2030-03-11T09:30:00.000Z' });
  });

  it('takes seven days before the given end when only the end is given', () => {
    // Act
    const defaults = kpiWindow({ to: '2030-02-01T00:00:00.000Z' }, now);

    // Assess
    expect(defaults.from).toBe('2030-01-25T00:00:00.000Z');
  });

  it('refuses a window that does not end after it starts, naming `to`', () => {
    // Act
    let refusal: unknown;
    try {
      kpiWindow({ from: '2030-03-04T00:00:00.000Z', to: '2030-03-04T00:00:00.000Z' }, now);
    } catch (error) {
      refusal = error;
    }

    // Assess
    expect(refusal).toBeInstanceOf(InvalidRequestError);
    expect((refusal as InvalidRequestError).details).toEqual([{ path: 'to', message: 'must be after from' }]);
  });

  it('accepts 92 days and refuses more', () => {
    // Act
    const quarter = () =>
      kpiWindow({ from: '2030-01-01T00:00:00.000Z', to: '2030-04-03T00:00:00.000Z' }, now);
    const longer = () => kpiWindow({ from: '2030-01-01T00:00:00.000Z', to: '2030-04-03T00:00:00.001Z' }, now);

    // Assess
    expect(quarter).not.toThrow();
    expect(longer).toThrow(InvalidRequestError);
  });
});

describe('kpiFacts', () => {
  it('keeps the handover, delivery, promise, delay and returns of a delivered order that was returned', () => {
    // Prepare
    const order = withReturns(
      aDeliveredOrder({
        shipment: aShipment({ status: 'delivered', deliveredAt: DELIVERED_AT, delayed: true }),
      }),
      aReturn(),
    );

    // Act
    const facts = kpiFacts(order);

    // Assess
    expect(facts).toEqual({
      authorization: 'approved',
      shippedAt: SHIPPED_AT,
      deliveredAt: DELIVERED_AT,
      promisedDelivery: PROMISED,
      delayed: true,
      returns: 1,
    });
  });

  it('keeps the reason of a cancellation but not its comment', () => {
    // Prepare
    const order = aShippedOrder({ cancellation: aCancellation({ comment: 'Ada changed her mind' }) });

    // Act
    const facts = kpiFacts(order);

    // Assess
    expect(facts.cancellationReason).toBe('changed_mind');
    expect(JSON.stringify(facts)).not.toContain('Ada');
  });

  it('records a declined authorization and the rejection code', () => {
    // Prepare
    const order = anOrder({
      status: 'REJECTED',
      payment: { ...anOrder().payment, status: 'DECLINED' },
      rejection: { code: 'PAYMENT_DECLINED', message: 'the payment was declined' },
    });

    // Act
    const facts = kpiFacts(order);

    // Assess
    expect(facts).toEqual({ authorization: 'declined', rejectionCode: 'PAYMENT_DECLINED' });
  });

  it('records nothing for an order just received, and never its customer', () => {
    // Prepare
    const order = anOrder({ createdAt: T0 });

    // Act
    const facts = kpiFacts(order);

    // Assess
    expect(facts).toEqual({});
    expect(JSON.stringify(kpiFacts(aDeliveredOrder()))).not.toMatch(
      new RegExp(`${order.customer.email}|${order.customer.name}|${order.shippingAddress.line1}`),
    );
  });
});
