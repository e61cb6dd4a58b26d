// Business metrics for the operators' dashboard (Powertools, CloudWatch embedded metric format): orders received,
// cancelled and rejected (by reason), delivered with their fulfillment time, and delays. Each is published when the
// order's stored status changes, so a retried step cannot count twice. The names are the dashboard's
// (lib/constructs/observability.ts BUSINESS_METRICS). Locally they are disabled (POWERTOOLS_METRICS_DISABLED).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrderRecord } from '../domain/order';

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Orderflow',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orderflow',
});

const count = (name: string, dimension?: { name: string; value: string }): void => {
  const single = metrics.singleMetric();
  if (dimension) single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, 1);
};

export const recordOrderReceived = (): void => count('OrderReceived');

/** Metrics for the change from `before` to `after` (one stored write of the order). */
export const recordOrderChange = (before: OrderRecord, after: OrderRecord): void => {
  if (after.status !== before.status) {
    if (after.status === 'CANCELLED') {
      count('OrderCancelled', { name: 'reason', value: after.cancellation?.reason ?? 'unknown' });
    } else if (after.status === 'REJECTED') {
      count('OrderRejected', { name: 'reason', value: after.rejection?.code ?? 'unknown' });
    } else if (after.status === 'DELIVERED') {
      count('OrderDelivered');
      const deliveredAt = after.shipment?.deliveredAt ?? after.updatedAt;
      const seconds = Math.max(0, (Date.parse(deliveredAt) - Date.parse(after.createdAt)) / 1000);
      metrics.singleMetric().addMetric('FulfillmentTime', MetricUnit.Seconds, seconds);
    }
  }
  const told = after.shipment?.delayNotifiedFor;
  if (told && told !== before.shipment?.delayNotifiedFor) count('DeliveryDelayed');
};
