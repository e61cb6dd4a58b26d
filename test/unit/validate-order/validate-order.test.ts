// The workflow's deep validation of a received order: an address complete for its country (region, postal
// code), a phone that can receive SMS when the customer opted in, and totals that add up. (The address checks
// themselves: test/unit/domain/order-checks.test.ts.)
import { describe, expect, it } from 'vitest';
import { orderProblems } from '../../../functions/validate-order/validate-order';
import { anOrder, aUsAddress, withCustomer } from '../helpers/orders';

describe('orderProblems', () => {
  it('finds nothing wrong with the example order of the contract', () => {
    // Act
    const problems = orderProblems(anOrder());

    // Assess
    expect(problems).toEqual([]);
  });

  it('checks the billing address too', () => {
    // Prepare
    const order = anOrder({ billingAddress: aUsAddress({ postalCode: '1234' }) });

    // Act
    const problems = orderProblems(order);

    // Assess
    expect(problems).toEqual(['billingAddress.postalCode is not a valid postal code for US']);
  });

  it('rejects a phone number that cannot receive SMS when the customer opted in', () => {
    // Prepare
    const order = withCustomer(anOrder(), { phone: '+1415555', smsOptIn: true });

    // Act
    const problems = orderProblems(order);

    // Assess
    expect(problems).toEqual(['customer.phone is not a valid mobile number for SMS']);
  });

  it('does not check the phone of a customer who did not opt in to SMS', () => {
    // Prepare
    const order = withCustomer(anOrder(), { phone: '+1415555', smsOptIn: false });

    // Act
    const problems = orderProblems(order);

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects a total that is not items + shipping + tax', () => {
    // Prepare
    const order = anOrder({ total: 4000 });

    // Act
    const problems = orderProblems(order);

    // Assess
    expect(problems).toEqual(['total does not equal items + shipping + tax']);
  });
});
