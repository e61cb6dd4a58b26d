// Business metrics for the operators' dashboard (Powertools, CloudWatch embedded metric format): the events behind
// the KPIs of docs/kpis.md, each published where it happens: orders received, cancelled and rejected (by reason),
// payments authorized and declined, parcels handed to the carrier (with the hours it took), delivered (on time or
// not, with the hours), delayed, and returns opened. Each is derived from one stored change of the order (the KPI
// facts before and after it), so a retried step cannot count twice and no write is added. The names are the
// dashboard's (lib/constructs/observability.ts BUSINESS_METRICS). Locally they are disabled
// (POWERTOOLS_METRICS_DISABLED).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { deliveredOnTime, hoursBetween, kpiFacts } from '../domain/kpis';
import type { OrderRecord } from '../domain/order';

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Orderflow',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orderflow',
});

const count = (name: string, dimension?: { name: string; value: string }, value = 1): void => {
  const single = metrics.singleMetric();
  if (dimension) single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, value);
};

/** Hours from the order's creation to `at`, as the KPIs give them (CloudWatch has no hour unit: `None`). */
const hoursSinceCreation = (name: string, order: OrderRecord, at: string): void => {
  metrics.singleMetric().addMetric(name, MetricUnit.NoUnit, hoursBetween(order.createdAt, at));
};

export const recordOrderReceived = (): void => count('OrderReceived');

/** Metrics for the change from `before` to `after` (one stored write of the order). */
export const recordOrderChange = (before: OrderRecord, after: OrderRecord): void => {
  if (after.status !== before.status) {
    if (after.status === 'CANCELLED') {
      count('OrderCancelled', { name: 'reason', value: after.cancellation?.reason ?? 'unknown' });
    } else if (after.status === 'REJECTED') {
      count('OrderRejected', { name: 'reason', value: after.rejection?.code ?? 'unknown' });
    }
  }
  const was = kpiFacts(before);
  const now = kpiFacts(after);
  if (now.authorization && !was.authorization) {
    count(now.authorization === 'declined' ? 'PaymentDeclined' : 'PaymentAuthorized');
  }
  if (now.shippedAt && !was.shippedAt) hoursSinceCreation('FulfillmentHours', after, now.shippedAt);
  if (now.deliveredAt && !was.deliveredAt) {
    count('OrderDelivered');
    if (deliveredOnTime(now)) count('OrderDeliveredOnTime');
    hoursSinceCreation('DeliveryHours', after, now.deliveredAt);
  }
  if (now.delayed && !was.delayed) count('ShipmentDelayed');
  const told = after.shipment?.delayNotifiedFor;
  if (told && told !== before.shipment?.delayNotifiedFor) count('DeliveryDelayed');
  const opened = (now.returns ?? 0) - (was.returns ?? 0);
  if (opened > 0) count('ReturnOpened', undefined, opened);
};
