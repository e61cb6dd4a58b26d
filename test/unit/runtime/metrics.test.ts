// The business metrics of one stored change of an order, as CloudWatch receives them (embedded metric format): each
// KPI event once, where it happens, with its reason or its hours, and nothing for a change that adds no event.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderRecord } from '../../../functions/domain/order';
import { recordOrderChange } from '../../../functions/runtime/metrics';
import {
  aCancellation,
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShipment,
  aShippedOrder,
  daysAfter,
  PROMISED,
  T0,
  withReturns,
} from '../helpers/orders';

interface Emitted {
  name: string;
  value: number;
  reason?: string;
}

let lines: string[] = [];

beforeEach(() => {
  // Metrics are off in tests; in dev mode Powertools writes its EMF lines to the global console.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The metrics the change emitted, in order. */
const emittedBy = (before: OrderRecord, after: OrderRecord): Emitted[] => {
  recordOrderChange(before, after);
  return lines.flatMap((line) => {
    const emf = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    };
    return emf._aws.CloudWatchMetrics[0]!.Metrics.map(({ Name }) => ({
      name: Name,
      value: emf[Name] as number,
      ...(typeof emf.reason === 'string' ? { reason: emf.reason } : {}),
    }));
  });
};

const names = (emitted: Emitted[]) => emitted.map((metric) => metric.name);

describe('recordOrderChange', () => {
  it('counts an approved and a declined authorization', () => {
    // Prepare
    const pending = anOrder();
    const approved = { ...pending, payment: { ...pending.payment, status: 'AUTHORIZED' as const } };
    const declined = { ...pending, payment: { ...pending.payment, status: 'DECLINED' as const } };

    // Act
    const onApproval = names(emittedBy(pending, approved));
    lines = [];
    const onDecline = names(emittedBy(pending, declined));

    // Assess
    expect([onApproval, onDecline]).toEqual([['PaymentAuthorized'], ['PaymentDeclined']]);
  });

  it('gives the hours from the order to the handover to the carrier, once', () => {
    // Prepare
    const labelled = aShippedOrder({
      status: 'LABEL_CREATED',
      shipment: aShipment({ shippedAt: undefined }),
    });
    const shipped = aShippedOrder();

    // Act
    const emitted = emittedBy(labelled, shipped);

    // Assess: shipped one business day (24 h) after the order.
    expect(emitted).toEqual([{ name: 'FulfillmentHours', value: 24 }]);
  });

  it('counts a delivery by the promised date as delivered and on time, with the hours to the door', () => {
    // Act
    const emitted = emittedBy(aShippedOrder({ status: 'IN_TRANSIT' }), aDeliveredOrder());

    // Assess: delivered on the promised day, five business days after the order.
    expect(emitted).toEqual([
      { name: 'OrderDelivered', value: 1 },
      { name: 'OrderDeliveredOnTime', value: 1 },
      { name: 'DeliveryHours', value: 120 },
    ]);
  });

  it('counts a late delivery as delivered only', () => {
    // Prepare
    const late = daysAfter(PROMISED, 1);
    const delivered = aDeliveredOrder({ shipment: aShipment({ status: 'delivered', deliveredAt: late }) });

    // Act
    const emitted = names(emittedBy(aShippedOrder({ status: 'IN_TRANSIT' }), delivered));

    // Assess
    expect(emitted).toEqual(['OrderDelivered', 'DeliveryHours']);
  });

  it('counts a shipment delayed once, and every delay notice', () => {
    // Prepare
    const inTransit = aShippedOrder({ status: 'IN_TRANSIT' });
    const firstNotice = aShippedOrder({
      status: 'IN_TRANSIT',
      shipment: aShipment({ delayed: true, delayNotifiedFor: daysAfter(PROMISED, 1) }),
    });
    const secondNotice = aShippedOrder({
      status: 'IN_TRANSIT',
      shipment: aShipment({ delayed: true, delayNotifiedFor: daysAfter(PROMISED, 2) }),
    });

    // Act
    const first = names(emittedBy(inTransit, firstNotice));
    lines = [];
    const second = names(emittedBy(firstNotice, secondNotice));

    // Assess
    expect([first, second]).toEqual([['ShipmentDelayed', 'DeliveryDelayed'], ['DeliveryDelayed']]);
  });

  it('counts a cancellation and a rejection by their reason', () => {
    // Prepare
    const cancelled = aShippedOrder({
      status: 'CANCELLED',
      cancellation: aCancellation({ reason: 'long_shipping_time', stage: 'completed' }),
    });
    const rejected = anOrder({
      status: 'REJECTED',
      rejection: { code: 'OUT_OF_STOCK', message: 'not enough stock' },
    });

    // Act
    const onCancel = emittedBy(aShippedOrder(), cancelled);
    lines = [];
    const onReject = emittedBy(anOrder(), rejected);

    // Assess
    expect([onCancel, onReject]).toEqual([
      [{ name: 'OrderCancelled', value: 1, reason: 'long_shipping_time' }],
      [{ name: 'OrderRejected', value: 1, reason: 'OUT_OF_STOCK' }],
    ]);
  });

  it('writes the dimensions the dashboard searches by: the service, and the reason where there is one', () => {
    // Prepare
    const cancelled = aShippedOrder({
      status: 'CANCELLED',
      cancellation: aCancellation({ stage: 'completed' }),
    });

    // Act
    recordOrderChange(aShippedOrder(), cancelled);
    recordOrderChange(anOrder(), { ...anOrder(), payment: { ...anOrder().payment, status: 'AUTHORIZED' } });

    // Assess
    const dimensions = lines.map(
      (line) =>
        (JSON.parse(line) as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } })._aws
          .CloudWatchMetrics[0]!.Dimensions,
    );
    expect(dimensions.map((sets) => sets.map((set) => [...set].sort()))).toEqual([
      [['reason', 'service']],
      [['service']],
    ]);
  });

  it('counts a return opened', () => {
    // Act
    const emitted = emittedBy(aDeliveredOrder(), withReturns(aDeliveredOrder(), aReturn()));

    // Assess
    expect(emitted).toEqual([{ name: 'ReturnOpened', value: 1 }]);
  });

  it('emits nothing for a change that adds no event', () => {
    // Prepare
    const before = aShippedOrder({ status: 'IN_TRANSIT' });
    const after = { ...before, updatedAt: daysAfter(T0, 2), version: before.version + 1 };

    // Act
    const emitted = emittedBy(before, after);

    // Assess
    expect(emitted).toEqual([]);
  });
});
