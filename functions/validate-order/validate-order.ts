// Deep validation of a received order: the checks of functions/domain/order-checks.ts again (the API already
// refused new orders that fail them), the phone can receive SMS, the totals add up, and every SKU is one we stock.
// Messages name fields and SKUs, never customer data.
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps } from '../runtime/deps';
import { OrderInvalidError } from '../domain/errors';
import { isKnownSku } from '../adapters/inventory-store';
import type { OrderRecord } from '../domain/order';
import { addressProblems, isValidPhone } from '../domain/order-checks';
import { itemsTotal } from '../domain/requests';
import { requireOrder } from '../adapters/order-store';

/** The parts this step uses. */
type StepDeps = CoreDeps;

/** Everything wrong with the order that does not need the inventory. */
export const orderProblems = (order: OrderRecord): string[] => {
  const problems = [
    ...addressProblems(order.shippingAddress, 'shippingAddress'),
    ...(order.billingAddress ? addressProblems(order.billingAddress, 'billingAddress') : []),
  ].map((problem) => `${problem.path} ${problem.message}`);
  const { phone, smsOptIn } = order.customer;
  if (smsOptIn && (!phone || !isValidPhone(phone))) {
    problems.push('customer.phone is not a valid mobile number for SMS');
  }
  if (itemsTotal(order.items) + order.shippingAmount + order.tax !== order.total) {
    problems.push('total does not equal items + shipping + tax');
  }
  return problems;
};

export const validateOrder = async (deps: StepDeps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  const problems = orderProblems(order);
  const known = await Promise.all(order.items.map((item) => isKnownSku(deps.db, item.sku)));
  order.items.forEach((item, i) => {
    if (!known[i]) problems.push(`items.${i}.sku ${item.sku} is not a known SKU`);
  });
  if (problems.length > 0) throw new OrderInvalidError(problems.join('; '));
};
