// Explainable risk rules. Each rule that fires adds points and names itself; the sum decides. Thresholds are
// deliberately simple and documented (docs/risk.md) so an operator can tell a customer why an order was stopped.
import { assertNotCancelled } from '../domain/cancellation';
import type { Deps } from '../runtime/deps';
import { FraudSuspectedError } from '../domain/errors';
import type { OrderRecord, RiskAssessment } from '../domain/order';
import { customerHistory, requireOrder } from '../adapters/order-store';
import { commitStep } from '../runtime/step';
import { addDays } from '../domain/time';

export const rejectThreshold = 70;

const disposableDomains = new Set([
  'mailinator.com',
  'guerrillamail.com',
  '10minutemail.com',
  'tempmail.com',
  'temp-mail.org',
  'trashmail.com',
  'yopmail.com',
  'sharklasers.com',
  'getnada.com',
  'dispostable.com',
]);

export interface RiskSignals {
  /** Other orders of this customer (same storefront, same email) in the last business day. */
  recentOrders: number;
  /** Other orders of this customer before that. */
  earlierOrders: number;
}

/** The rules, pure: the order and what the store knows about the customer in, a scored decision out. */
export const scoreOrder = (order: OrderRecord, signals: RiskSignals): RiskAssessment => {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };
  if (order.total >= 100_000) add(35, 'very_high_value');
  else if (order.total >= 50_000) add(20, 'high_value');
  if (signals.recentOrders + signals.earlierOrders === 0) add(10, 'new_customer');
  const billing = order.billingAddress;
  if (billing && billing.country !== order.shippingAddress.country)
    add(25, 'billing_shipping_country_mismatch');
  else if (billing && billing.postalCode !== order.shippingAddress.postalCode)
    add(10, 'billing_shipping_mismatch');
  const domain = order.customer.email.split('@')[1]?.toLowerCase() ?? '';
  if (disposableDomains.has(domain)) add(30, 'disposable_email');
  if (signals.recentOrders >= 3) add(30, 'velocity');
  if (order.shippingService !== 'standard' && order.total >= 50_000) add(10, 'expedited_high_value');
  if (order.items.some((item) => item.quantity >= 20)) add(10, 'bulk_quantity');
  return { score: Math.min(score, 100), decision: score >= rejectThreshold ? 'reject' : 'approve', reasons };
};

export const assessRisk = async (deps: Deps, input: { orderId: string }): Promise<RiskAssessment> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  const since = addDays(deps.now(), -1, deps.config.daySeconds);
  const history = await customerHistory(deps.db, order.customerKey, since, order.orderId);
  const risk = scoreOrder(order, { recentOrders: history.recent, earlierOrders: history.earlier });
  if (risk.decision === 'reject') {
    // Keep the reasons with the order before the workflow turns to the rejection.
    await commitStep(deps, order.orderId, (current) => ({ next: { ...current, risk }, result: undefined }));
    throw new FraudSuspectedError(`risk score ${risk.score}: ${risk.reasons.join(', ')}`);
  }
  return risk;
};
