// What an order's own fields tell at once, without the inventory or the carrier: an address complete for its
// country (a region where one is needed, a postal code of the country's format) and a phone number that exists.
// POST /orders refuses an order that fails them (400 VALIDATION_FAILED, one detail each); ValidateOrder checks the
// stored order again, so an order stored before a check existed still cannot slip through.
import { isSupportedCountry, isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import type { ErrorDetail } from './errors';

/** Countries whose addresses need a region (state, province, territory) to be deliverable. */
const regionRequired = new Set(['US', 'CA', 'AU', 'BR', 'MX', 'IN', 'CN', 'JP']);

interface CheckedAddress {
  region?: string | undefined;
  postalCode: string;
  country: string;
}

/** An ISO 3166-1 alpha-2 code of a country (or territory) that has addresses and phone numbers. */
export const isKnownCountry = (code: string): boolean => isSupportedCountry(code);

/** What is wrong with an address, each problem under `field` (e.g. `shippingAddress`). */
export const addressProblems = (address: CheckedAddress, field: string): ErrorDetail[] => {
  if (!isKnownCountry(address.country)) {
    return [{ path: `${field}.country`, message: `${address.country} is not an ISO 3166-1 country code` }];
  }
  const problems: ErrorDetail[] = [];
  if (regionRequired.has(address.country) && !address.region) {
    problems.push({ path: `${field}.region`, message: `is required for ${address.country}` });
  }
  if (
    postcodeValidatorExistsForCountry(address.country) &&
    !postcodeValidator(address.postalCode, address.country)
  ) {
    problems.push({
      path: `${field}.postalCode`,
      message: `is not a valid postal code for ${address.country}`,
    });
  }
  return problems;
};

/** The number in E.164 (`+14155550100`), or undefined when it is not a number that exists. */
export const toE164 = (phone: string): string | undefined => {
  const parsed = parsePhoneNumberFromString(phone);
  return parsed?.isValid() ? parsed.number : undefined;
};

export const isValidPhone = (phone: string): boolean => isValidPhoneNumber(phone);
