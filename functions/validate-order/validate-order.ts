// Deep validation of a received order, beyond the request schema the API already enforced: the address is
// complete for its country, the phone can receive SMS, the totals add up, and every SKU is one we stock.
// Messages name fields and SKUs, never customer data.
import { isValidPhoneNumber } from 'libphonenumber-js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { assertNotCancelled } from '../domain/inbox';
import type { Deps } from '../runtime/deps';
import { OrderInvalidError } from '../domain/errors';
import { isKnownSku } from '../adapters/inventory-store';
import type { OrderRecord } from '../domain/order';
import { itemsTotal, type Address } from '../domain/requests';
import { requireOrder } from '../adapters/order-store';

/** Countries whose addresses need a region (state, province, territory) to be deliverable. */
const regionRequired = new Set(['US', 'CA', 'AU', 'BR', 'MX', 'IN', 'CN', 'JP']);

export const addressProblems = (address: Address, field: string): string[] => {
  const problems: string[] = [];
  if (regionRequired.has(address.country) && !address.region) {
    problems.push(`${field}.region is required for ${address.country}`);
  }
  if (
    postcodeValidatorExistsForCountry(address.country) &&
    !postcodeValidator(address.postalCode, address.country)
  ) {
    problems.push(`${field}.postalCode is not a valid postal code for ${address.country}`);
  }
  return problems;
};

/** Everything wrong with the order that does not need the inventory. */
export const orderProblems = (order: OrderRecord): string[] => {
  const problems = addressProblems(order.shippingAddress, 'shippingAddress');
  if (order.billingAddress) problems.push(...addressProblems(order.billingAddress, 'billingAddress'));
  const { phone, smsOptIn } = order.customer;
  if (smsOptIn && (!phone || !isValidPhoneNumber(phone))) {
    problems.push('customer.phone is not a valid mobile number for SMS');
  }
  if (itemsTotal(order.items) + order.shippingAmount + order.tax !== order.total) {
    problems.push('total does not equal items + shipping + tax');
  }
  return problems;
};

export const validateOrder = async (deps: Deps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  const problems = orderProblems(order);
  const known = await Promise.all(order.items.map((item) => isKnownSku(deps.db, item.sku)));
  order.items.forEach((item, i) => {
    if (!known[i]) problems.push(`items.${i}.sku ${item.sku} is not a known SKU`);
  });
  if (problems.length > 0) throw new OrderInvalidError(problems.join('; '));
};
