// Test helper: loads a JSON fixture from test/fixtures. Each call parses the file again, so every test gets its own
// copy to change without touching another test's.
import { readFileSync } from 'node:fs';

export const loadFixture = <T>(relativePath: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;
