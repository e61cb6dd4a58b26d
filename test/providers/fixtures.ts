// Test helper: loads a JSON fixture from test/fixtures. Each call parses the file again, so every test gets its own
// copy to change without touching another test's.
import { readFileSync } from 'node:fs';

export const loadFixture = <T>(relativePath: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;

/** The warehouse the recorded EasyPost shipments leave from (test/fixtures/easypost). */
export const recordedWarehouse = {
  name: 'Orderflow Warehouse',
  line1: '417 Montgomery St',
  line2: 'Floor 5',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94104',
  country: 'US',
};
