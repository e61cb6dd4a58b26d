// Secrets are compared in constant time: API keys (local mode) and tracking-link tokens go through `sameSecret`,
// which hashes both sides to 32 bytes and compares them with crypto.timingSafeEqual, and a key is compared with
// every known key, also after it matched one (no early exit telling which key, or how much of one, was guessed).
import * as crypto from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sameSecret } from '../../../functions/domain/hash';
import { identify, type PrincipalDirectory } from '../../../functions/runtime/http';
import { validTrackingToken } from '../../../functions/tracking-page/tracking-page';
import { trackingToken } from '../../../functions/domain/notices';
import { aPostOrdersEvent } from '../helpers/orders';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

const directory: PrincipalDirectory = {
  principalsByKeyId: new Map(),
  principalsByKey: new Map([
    ['local-dev-key', 'demo-store'],
    ['other-store-key', 'other-store'],
    ['local-ops-key', 'ops'],
  ]),
};

const withKey = (key: string): APIGatewayProxyEvent => ({
  ...aPostOrdersEvent(),
  headers: { 'x-api-key': key },
  multiValueHeaders: { 'x-api-key': [key] },
});

/** The status identify answers with for the key, or the principal it found. */
const principalOf = (key: string): string => {
  try {
    return identify(withKey(key), directory).id;
  } catch (error) {
    return String((error as { statusCode?: number }).statusCode);
  }
};

beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe('sameSecret', () => {
  it('is true for the same text only', () => {
    // Act
    const answers = [
      sameSecret('local-dev-key', 'local-dev-key'),
      sameSecret('local-dev-kez', 'local-dev-key'),
      sameSecret('local-dev-ke', 'local-dev-key'),
      sameSecret('local-dev-key ', 'local-dev-key'),
      sameSecret('LOCAL-DEV-KEY', 'local-dev-key'),
      sameSecret('', 'local-dev-key'),
    ];

    // Assess
    expect(answers).toEqual([true, false, false, false, false, false]);
  });

  it('compares 32-byte digests with timingSafeEqual, whatever the lengths given', () => {
    // Act
    sameSecret('short', 'a much longer secret than the one given');

    // Assess
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = timingSafeEqual.mock.calls[0]!;
    expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });
});

describe('the API key of a local call', () => {
  it('finds each known key, and refuses a prefix, an extension, one changed character or another case', () => {
    // Act
    const found = ['local-dev-key', 'other-store-key', 'local-ops-key'].map(principalOf);
    const refused = ['local-dev-ke', 'local-dev-key2', 'local-dev-kez', 'Local-dev-key', ''].map(principalOf);

    // Assess
    expect(found).toEqual(['demo-store', 'other-store', 'ops']);
    expect(refused).toEqual(['401', '401', '401', '401', '401']);
  });

  it('is compared with every known key in constant time, also when the first one matches', () => {
    // Act
    principalOf('local-dev-key');
    const afterMatch = timingSafeEqual.mock.calls.length;
    timingSafeEqual.mockClear();
    principalOf('guessed-key');
    const afterMiss = timingSafeEqual.mock.calls.length;

    // Assess
    expect([afterMatch, afterMiss]).toEqual([3, 3]);
  });
});

describe('the tracking-link token', () => {
  it('is accepted for its order only, compared in constant time', () => {
    // Prepare
    const token = trackingToken('ord_1', 'link-secret');

    // Act
    const answers = [
      validTrackingToken('ord_1', token, 'link-secret'),
      validTrackingToken('ord_2', token, 'link-secret'),
      validTrackingToken('ord_1', token.slice(0, -1), 'link-secret'),
      validTrackingToken('ord_1', `${token}0`, 'link-secret'),
    ];

    // Assess
    expect(answers).toEqual([true, false, false, false]);
    expect(timingSafeEqual).toHaveBeenCalledTimes(4);
  });
});
