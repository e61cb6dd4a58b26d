// The workflow's deep validation of a received order: an address complete for its country (region, postal
// code), a phone that can receive SMS when the customer opted in, and totals that add up.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../functions/domain/requests';
import { addressProblems, orderProblems } from '../../../functions/validate-order/validate-order';
import { anOrder, withCustomer } from '../helpers/orders';

const usAddress = (overrides: Partial<Address> = {}): Address => ({
  line1: '1 Main St',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
  ...overrides,
});

describe('addressProblems', () => {
  it('finds nothing wrong with a complete US address', () => {
    // Act
    const problems = addressProblems(usAddress(), 'shippingAddress');

    // Assess
    expect(problems).toEqual([]);
  });

  it('requires a region for a US address', () => {
    // Act
    const problems = addressProblems(usAddress({ region: undefined }), 'shippingAddress');

    // Assess
    expect(problems).toEqual(['shippingAddress.region is required for US']);
  });

  it('rejects a US postal code that is not a ZIP code', () => {
    // Act
    const problems = addressProblems(usAddress({ postalCode: 'SF-941' }), 'shippingAddress');

    // Assess
    expect(problems).toEqual(['shippingAddress.postalCode is not a valid postal code for US']);
  });

  it('accepts a ZIP+4 code', () => {
    // Act
    const problems = addressProblems(usAddress({ postalCode: '94105-1804' }), 'shippingAddress');

    // Assess
    expect(problems).toEqual([]);
  });

  it('accepts a valid GB postcode without a region', () => {
    // Prepare
    const address: Address = {
      line1: '10 Downing St',
      city: 'London',
      postalCode: 'SW1A 2AA',
      country: 'GB',
    };

    // Act
    const problems = addressProblems(address, 'shippingAddress');

    // Assess
    expect(problems).toEqual([]);
  });

  it('names the field it was given', () => {
    // Act
    const problems = addressProblems(usAddress({ region: undefined }), 'billingAddress');

    // Assess
    expect(problems).toEqual(['billingAddress.region is required for US']);
  });
});

describe('orderProblems', () => {
  it('finds nothing wrong with the example order of the contract', () => {
    // Act
    const problems = orderProblems(anOrder());

    // Assess
    expect(problems).toEqual([]);
  });

  it('checks the billing address too', () => {
    // Prepare
    const order = anOrder({ billingAddress: usAddress({ postalCode: '1234' }) });

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
