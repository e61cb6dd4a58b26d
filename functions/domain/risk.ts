// Explainable risk rules. Each rule that fires adds points and names itself; the sum falls into one of three bands
// (approve / review / reject) whose lower bounds come from the stage config. The rules and their figures are
// documented in docs/risk.md, so an operator can tell a customer why an order was stopped.
import type { OrderRecord, RiskAssessment } from './order';

/** The score at which an order goes to manual review, and the score at which it is rejected outright. */
export interface RiskThresholds {
  reviewScore: number;
  rejectScore: number;
}

/** The defaults of every stage: everything below 70 is approved, as before the review band existed. */
export const defaultRiskThresholds: RiskThresholds = { reviewScore: 70, rejectScore: 85 };

/**
 * What the store knows about the order's neighbours in the last business day (and the customer's history). Counts
 * are of *other* orders or *other* customers; the order being assessed is never counted.
 */
export interface RiskSignals {
  /** Other orders of this customer (same storefront, same email) in the last business day. */
  recentOrders: number;
  /** Other orders of this customer before that. */
  earlierOrders: number;
  /** Other customers who paid with the same payment method (its fingerprint) in the last business day. */
  paymentMethodCustomers?: number;
  /** Other customers whose orders came from the same source IP in the last business day. */
  sourceIpCustomers?: number;
}

/** Velocity limits: how many others in one business day make a rule fire. */
export const velocityLimits = {
  /** Orders of the same customer. */
  customerOrders: 3,
  /** Other customers with the same card: a card shared by a household stays below it, card testing does not. */
  paymentMethodCustomers: 3,
  /** Other customers behind one IP: offices and mobile carriers share addresses, so this is set high. */
  sourceIpCustomers: 5,
} as const;

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

/** The band of a score. */
export const riskBand = (score: number, thresholds: RiskThresholds): RiskAssessment['decision'] => {
  if (score >= thresholds.rejectScore) return 'reject';
  return score >= thresholds.reviewScore ? 'review' : 'approve';
};

/** The rules, pure: the order and what the store knows about its neighbours in, a scored decision out. */
export const scoreOrder = (
  order: OrderRecord,
  signals: RiskSignals,
  thresholds: RiskThresholds = defaultRiskThresholds,
): RiskAssessment => {
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
  if (signals.recentOrders >= velocityLimits.customerOrders) add(30, 'velocity');
  if ((signals.paymentMethodCustomers ?? 0) >= velocityLimits.paymentMethodCustomers)
    add(25, 'shared_payment_method');
  if ((signals.sourceIpCustomers ?? 0) >= velocityLimits.sourceIpCustomers) add(10, 'shared_source_ip');
  if (order.shippingService !== 'standard' && order.total >= 50_000) add(10, 'expedited_high_value');
  if (order.items.some((item) => item.quantity >= 20)) add(10, 'bulk_quantity');
  const capped = Math.min(score, 100);
  return { score: capped, decision: riskBand(capped, thresholds), reasons };
};
