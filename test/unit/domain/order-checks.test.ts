// The checks POST /orders and ValidateOrder share: an address complete for its country (a known country, a region
// where one is needed, a postal code of the country's format) and phone numbers in E.164.
import { describe, expect, it } from 'vitest';
import { addressProblems, toE164 } from '../../../functions/domain/order-checks';
import type { Address } from '../../../functions/domain/requests';
import { aUsAddress } from '../helpers/orders';

describe('addressProblems', () => {
  it('finds nothing wrong with a complete US address', () => {
    // Act
    const problems = addressProblems(aUsAddress(), 'shippingAddress');

    // Assess
    expect(problems).toEqual([]);
  });

  it('requires a region for a US address', () => {
    // Act
    const problems = addressProblems(aUsAddress({ region: undefined }), 'shippingAddress');

    // Assess
    expect(problems).toEqual([{ path: 'shippingAddress.region', message: 'is required for US' }]);
  });

  it('rejects a US postal code that is not a ZIP code', () => {
    // Act
    const problems = addressProblems(aUsAddress({ postalCode: 'SF-941' }), 'shippingAddress');

    // Assess
    expect(problems).toEqual([
      { path: 'shippingAddress.postalCode', message: 'is not a valid postal code for US' },
    ]);
  });

  it('accepts a ZIP+4 code', () => {
    // Act
    const problems = addressProblems(aUsAddress({ postalCode: '94105-1804' }), 'shippingAddress');

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
    const problems = addressProblems(aUsAddress({ region: undefined }), 'billingAddress');

    // Assess
    expect(problems).toEqual([{ path: 'billingAddress.region', message: 'is required for US' }]);
  });

  it('refuses a country code that is not an ISO 3166-1 country, and checks nothing else of it', () => {
    // Act
    const problems = addressProblems(aUsAddress({ country: 'ZZ', postalCode: 'ABCDE' }), 'shippingAddress');

    // Assess
    expect(problems).toEqual([
      { path: 'shippingAddress.country', message: 'ZZ is not an ISO 3166-1 country code' },
    ]);
  });
});

describe('toE164', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['+44 7911 123456', '+447911123456'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ])('writes %s as %s', (written, e164) => {
    // Act
    const normalized = toE164(written);

    // Assess
    expect(normalized).toBe(e164);
  });

  it.each(['+1415555', '+1 000 000 0000', '+999 1234567'])('finds no number in %s', (written) => {
    // Act
    const normalized = toE164(written);

    // Assess
    expect(normalized).toBeUndefined();
  });
});
