// Carrier webhook parsers: signature verification over the raw body (valid, wrong, missing, any header case; for
// EasyPost a table of fixed vectors computed with openssl, and the constant-time comparison) and parsing (the
// contract's events from every tracker status, and 400 VALIDATION_FAILED with details for a body of the wrong shape).
import type * as crypto from 'node:crypto';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { asHttpError, type HttpError } from '../../functions/runtime/http';
import {
  easypostWebhooks,
  sandboxWebhooks,
  signSandboxWebhook,
  webhookParsers,
} from '../../functions/adapters/carrier/webhooks';
import { loadFixture } from './fixtures';

// The real comparison, watched: the verifier must hand it the whole digest, in equal-length buffers.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SECRET = 'local-webhook-secret';

const sandboxBody = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    eventId: 'shp_sbx_abc-2',
    trackingNumber: 'SBX123456789012',
    status: 'in_transit',
    occurredAt: '2030-01-01T00:00:05.000Z',
    estimatedDelivery: '2030-01-06T00:00:00.000Z',
    location: 'Sandbox Hub',
    message: 'Departed sandbox hub',
    ...overrides,
  });

/** What `openssl dgst -sha256 -hmac <secret>` prints for the body, independent of the code under test. */
const hmacHex = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('hex');

/**
 * A tracker.updated Event as EasyPost sends it, byte for byte: compact JSON, and `"weight":14.0`, which a parse and
 * re-serialization would turn into `14` (so only the raw body verifies). Its signatures below were computed with
 * openssl, independently of the code under test:
 *
 *   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
 */
const EVENT_BODY = [
  '{"id":"evt_4b1d0e8c5e0a11ef9a3b0f4c2d8e7a61","object":"Event","mode":"test",',
  '"description":"tracker.updated","created_at":"2030-01-03T09:15:22Z",',
  '"updated_at":"2030-01-03T09:15:22Z","previous_attributes":{"status":"pre_transit"},',
  '"pending_urls":[],"completed_urls":[],"user_id":"user_1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",',
  '"result":{"id":"trk_0c3f1a9e2b7d4e6f8a1b2c3d4e5f6a7b","object":"Tracker","mode":"test",',
  '"tracking_code":"9400100109361129278357","status":"in_transit",',
  '"status_detail":"arrived_at_facility","created_at":"2030-01-01T10:00:00Z",',
  '"updated_at":"2030-01-03T09:15:20Z","signed_by":null,"weight":14.0,',
  '"est_delivery_date":"2030-01-06T00:00:00Z","shipment_id":"shp_6a1f2e3d4c5b4a69887766554433221a",',
  '"carrier":"USPS","tracking_details":[{"object":"TrackingDetail",',
  '"message":"Arrived at USPS Regional Facility","description":"","status":"in_transit",',
  '"status_detail":"arrived_at_facility","datetime":"2030-01-03T09:10:00Z","source":"USPS",',
  '"carrier_code":"","tracking_location":{"object":"TrackingLocation","city":"OAKLAND","state":"CA",',
  '"country":"US","zip":"94621"}}],"carrier_detail":null,',
  '"public_url":"https://track.easypost.com/djE6dHJrXzBjM2YxYTllMmI3ZDRlNmY4YTFiMmMzZDRlNWY2YTdi"}}',
].join('');

const VECTOR_SECRET = 'orderflow-webhook-secret';
/** openssl dgst -sha256 -hmac 'orderflow-webhook-secret' */
const VECTOR_DIGEST = 'ea7e03e9bc8871e2437ee6579d19b9abfcf9172c0b92f54eda3d6c2da9aa1b9f';
/** openssl dgst -sha256 -hmac 'another-webhook-secret' */
const OTHER_SECRET_DIGEST = '72f18d40dc94748f412b8ef17630bed93a0b23c348a5cf6daf879084bcd42399';
/** openssl dgst -sha256 -hmac '' */
const EMPTY_SECRET_DIGEST = '03e347d52f5583dd549f1d85fdc0b7cd6145b553b24021bc573b801f25fae6ca';
/** A secret with a precomposed é and the ligature ﬁ; its NFKD form is "se\u0301cret-file". */
const NON_ASCII_SECRET = 's\u00e9cret-\ufb01le';
/** openssl dgst -sha256 -hmac "$(printf 'se\xcc\x81cret-file')": the NFKD form's UTF-8 bytes, as EasyPost signs. */
const NFKD_DIGEST = 'dc25d8cf54297c69c79d1212530bd68e3ea11bcc8dc698a23786f89b93668379';
/** openssl dgst -sha256 -hmac "$(printf 's\xc3\xa9cret-\xef\xac\x81le')": the secret's bytes as typed, not normalized. */
const UNNORMALIZED_DIGEST = 'c77e3a6bb286e76bc4b5abfcd65d701744407359b33567bbf140d89ac51121f0';
/** The body with one byte changed ("in_transit" → "in_transiT" in the tracker's status). */
const ALTERED_BODY = EVENT_BODY.replace('"status":"in_transit"', '"status":"in_transiT"');
const signed = (digest: string) => ({ 'X-Hmac-Signature': `hmac-sha256-hex=${digest}` });

/** The API's answer to what a parse throws (a 400), for asserting its code and details. */
const parseFailure = (parse: () => unknown): HttpError => {
  try {
    parse();
  } catch (error) {
    const answer = asHttpError(error);
    if (answer) return answer;
    throw error;
  }
  throw new Error('expected the body to be rejected');
};

interface EasyPostEventFixture {
  id: string;
  description: string;
  result: Record<string, unknown> & { tracking_details: unknown[] };
}

describe('sandboxWebhooks', () => {
  describe('verify', () => {
    it('accepts the HMAC-SHA256 of the raw body in x-orderflow-signature', () => {
      // Prepare
      const body = sandboxBody();

      // Act
      const verified = sandboxWebhooks.verify(
        body,
        { 'x-orderflow-signature': `sha256=${hmacHex(body, SECRET)}` },
        SECRET,
      );

      // Assess
      expect(verified).toBe(true);
    });

    it('finds the header whatever the case of its name', () => {
      // Prepare
      const body = sandboxBody();

      // Act
      const verified = sandboxWebhooks.verify(
        body,
        { 'X-Orderflow-Signature': signSandboxWebhook(body, SECRET) },
        SECRET,
      );

      // Assess
      expect(verified).toBe(true);
    });

    it('signs exactly as openssl does (sha256=<hex>)', () => {
      // Act
      const header = signSandboxWebhook('{"a":1}', SECRET);

      // Assess
      expect(header).toBe(`sha256=${hmacHex('{"a":1}', SECRET)}`);
    });

    it.each([
      [
        'signed with another secret',
        (body: string) => ({ 'x-orderflow-signature': signSandboxWebhook(body, 'other') }),
      ],
      [
        'signed over another body',
        () => ({ 'x-orderflow-signature': signSandboxWebhook(sandboxBody({ status: 'delivered' }), SECRET) }),
      ],
      ['without the sha256= prefix', (body: string) => ({ 'x-orderflow-signature': hmacHex(body, SECRET) })],
      [
        'with a truncated digest',
        (body: string) => ({ 'x-orderflow-signature': signSandboxWebhook(body, SECRET).slice(0, -2) }),
      ],
      ['with a non-hex digest', () => ({ 'x-orderflow-signature': `sha256=${'z'.repeat(64)}` })],
      ['without the header', () => ({})],
    ])('rejects a body %s', (_case, headersFor) => {
      // Prepare
      const body = sandboxBody();

      // Act
      const verified = sandboxWebhooks.verify(body, headersFor(body), SECRET);

      // Assess
      expect(verified).toBe(false);
    });

    it('rejects everything when no secret is configured', () => {
      // Prepare
      const body = sandboxBody();

      // Act
      const verified = sandboxWebhooks.verify(
        body,
        { 'x-orderflow-signature': signSandboxWebhook(body, '') },
        '',
      );

      // Assess
      expect(verified).toBe(false);
    });
  });

  describe('parse', () => {
    it('turns the body into one carrier event', () => {
      // Act
      const events = sandboxWebhooks.parse(sandboxBody());

      // Assess
      expect(events).toEqual([
        {
          eventId: 'shp_sbx_abc-2',
          trackingNumber: 'SBX123456789012',
          status: 'in_transit',
          occurredAt: '2030-01-01T00:00:05.000Z',
          estimatedDelivery: '2030-01-06T00:00:00.000Z',
          location: 'Sandbox Hub',
          message: 'Departed sandbox hub',
        },
      ]);
    });

    it('leaves the optional fields out when the body has none', () => {
      // Prepare
      const body = JSON.stringify({
        eventId: 'e-1',
        trackingNumber: 'SBX1',
        status: 'delivered',
        occurredAt: '2030-01-01T01:00:00+01:00',
      });

      // Act
      const [event] = sandboxWebhooks.parse(body);

      // Assess
      expect(event).toEqual({
        eventId: 'e-1',
        trackingNumber: 'SBX1',
        status: 'delivered',
        occurredAt: '2030-01-01T00:00:00.000Z',
      });
    });

    it('rejects a body of the wrong shape with 400 VALIDATION_FAILED and a detail per problem', () => {
      // Prepare
      const body = sandboxBody({ trackingNumber: undefined, status: 'teleported', occurredAt: 'yesterday' });

      // Act
      const error = parseFailure(() => sandboxWebhooks.parse(body));

      // Assess
      expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(error.details.map((detail) => detail.path).sort()).toEqual([
        'occurredAt',
        'status',
        'trackingNumber',
      ]);
      expect(error.details.every((detail) => detail.message.length > 0)).toBe(true);
    });

    it('rejects a body that is not JSON with 400 VALIDATION_FAILED', () => {
      // Act
      const error = parseFailure(() => sandboxWebhooks.parse('{"eventId": '));

      // Assess
      expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(error.details).toEqual([{ path: '(root)', message: 'the body is not valid JSON' }]);
    });
  });
});

describe('easypostWebhooks', () => {
  const rawEvent = (): string =>
    JSON.stringify(loadFixture<EasyPostEventFixture>('easypost/webhook-tracker-updated.json'));

  describe('verify', () => {
    it.each(['X-Hmac-Signature', 'x-hmac-signature'])('accepts hmac-sha256-hex=<hex> in %s', (name) => {
      // Prepare
      const body = rawEvent();

      // Act
      const verified = easypostWebhooks.verify(
        body,
        { [name]: `hmac-sha256-hex=${hmacHex(body, SECRET)}` },
        SECRET,
      );

      // Assess
      expect(verified).toBe(true);
    });

    it('rejects a wrong signature', () => {
      // Prepare
      const body = rawEvent();

      // Act
      const verified = easypostWebhooks.verify(
        body,
        { 'X-Hmac-Signature': `hmac-sha256-hex=${hmacHex(body, 'another-secret')}` },
        SECRET,
      );

      // Assess
      expect(verified).toBe(false);
    });

    it('rejects a body without the signature header', () => {
      // Act
      const verified = easypostWebhooks.verify(rawEvent(), { 'content-type': 'application/json' }, SECRET);

      // Assess
      expect(verified).toBe(false);
    });
  });

  describe('verify, against fixed vectors', () => {
    it.each([
      ['accepts a valid signature', EVENT_BODY, signed(VECTOR_DIGEST), VECTOR_SECRET, true],
      [
        'accepts the header name in lower case',
        EVENT_BODY,
        { 'x-hmac-signature': `hmac-sha256-hex=${VECTOR_DIGEST}` },
        VECTOR_SECRET,
        true,
      ],
      [
        'accepts the header name in upper case',
        EVENT_BODY,
        { 'X-HMAC-SIGNATURE': `hmac-sha256-hex=${VECTOR_DIGEST}` },
        VECTOR_SECRET,
        true,
      ],
      [
        'accepts a non-ASCII secret, normalized to NFKD',
        EVENT_BODY,
        signed(NFKD_DIGEST),
        NON_ASCII_SECRET,
        true,
      ],
      [
        'accepts a non-ASCII secret configured in its NFKD form',
        EVENT_BODY,
        signed(NFKD_DIGEST),
        NON_ASCII_SECRET.normalize('NFKD'),
        true,
      ],
      [
        'rejects a signature over the non-ASCII secret not normalized',
        EVENT_BODY,
        signed(UNNORMALIZED_DIGEST),
        NON_ASCII_SECRET,
        false,
      ],
      [
        'rejects a signature under another secret',
        EVENT_BODY,
        signed(OTHER_SECRET_DIGEST),
        VECTOR_SECRET,
        false,
      ],
      ['rejects a body altered by one byte', ALTERED_BODY, signed(VECTOR_DIGEST), VECTOR_SECRET, false],
      [
        'rejects a body re-serialized after parsing',
        JSON.stringify(JSON.parse(EVENT_BODY)),
        signed(VECTOR_DIGEST),
        VECTOR_SECRET,
        false,
      ],
      ['rejects a request without the header', EVENT_BODY, {}, VECTOR_SECRET, false],
      [
        'rejects the signature in another header',
        EVENT_BODY,
        { 'x-orderflow-signature': `hmac-sha256-hex=${VECTOR_DIGEST}` },
        VECTOR_SECRET,
        false,
      ],
      [
        "rejects the sandbox's prefix",
        EVENT_BODY,
        { 'X-Hmac-Signature': `sha256=${VECTOR_DIGEST}` },
        VECTOR_SECRET,
        false,
      ],
      [
        'rejects a digest without its prefix',
        EVENT_BODY,
        { 'X-Hmac-Signature': VECTOR_DIGEST },
        VECTOR_SECRET,
        false,
      ],
      [
        'rejects the prefix in another case',
        EVENT_BODY,
        { 'X-Hmac-Signature': `HMAC-SHA256-HEX=${VECTOR_DIGEST}` },
        VECTOR_SECRET,
        false,
      ],
      [
        'rejects an odd number of hex digits',
        EVENT_BODY,
        signed(VECTOR_DIGEST.slice(0, -1)),
        VECTOR_SECRET,
        false,
      ],
      ['rejects a truncated digest', EVENT_BODY, signed(VECTOR_DIGEST.slice(0, -2)), VECTOR_SECRET, false],
      ['rejects a digest with a byte more', EVENT_BODY, signed(`${VECTOR_DIGEST}00`), VECTOR_SECRET, false],
      [
        'rejects a digest that is not hex',
        EVENT_BODY,
        signed(`${VECTOR_DIGEST.slice(0, -1)}g`),
        VECTOR_SECRET,
        false,
      ],
      ['rejects an empty header', EVENT_BODY, { 'X-Hmac-Signature': '' }, VECTOR_SECRET, false],
      ['rejects everything when no secret is configured', EVENT_BODY, signed(EMPTY_SECRET_DIGEST), '', false],
    ])('%s', (_case, body, headers, secret, expected) => {
      // Act
      const verified = easypostWebhooks.verify(body, headers, secret);

      // Assess
      expect(verified).toBe(expected);
    });

    it('is a body EasyPost could send: it parses to its tracking event', () => {
      // Act
      const [event] = easypostWebhooks.parse(EVENT_BODY);

      // Assess
      expect(event).toMatchObject({ eventId: 'evt_4b1d0e8c5e0a11ef9a3b0f4c2d8e7a61', status: 'in_transit' });
    });

    it.each([
      ['in its first byte', `${VECTOR_DIGEST[0] === '0' ? '1' : '0'}${VECTOR_DIGEST.slice(1)}`],
      ['in its last byte', `${VECTOR_DIGEST.slice(0, -1)}${VECTOR_DIGEST.endsWith('0') ? '1' : '0'}`],
    ])('compares a digest wrong %s whole, in constant time', (_case, digest) => {
      // Prepare
      const compare = vi.mocked(timingSafeEqual);
      compare.mockClear();

      // Act
      const verified = easypostWebhooks.verify(EVENT_BODY, signed(digest), VECTOR_SECRET);

      // Assess
      expect(verified).toBe(false);
      expect(compare).toHaveBeenCalledTimes(1);
      const [given, expected] = compare.mock.calls[0] as [Buffer, Buffer];
      expect([given.length, expected.length]).toEqual([32, 32]);
    });

    it('refuses a malformed header by its form alone, before any comparison with the secret', () => {
      // Prepare
      const compare = vi.mocked(timingSafeEqual);
      compare.mockClear();

      // Act
      const verified = easypostWebhooks.verify(EVENT_BODY, signed(VECTOR_DIGEST.slice(0, -1)), VECTOR_SECRET);

      // Assess
      expect(verified).toBe(false);
      expect(compare).not.toHaveBeenCalled();
    });
  });

  describe('parse', () => {
    it('turns a tracker.updated event into one carrier event from its newest scan', () => {
      // Act
      const events = easypostWebhooks.parse(rawEvent());

      // Assess
      expect(events).toEqual([
        {
          eventId: 'evt_4b1d0e8c5e0a11ef9a3b0f4c2d8e7a61',
          trackingNumber: '9400100109361129278357',
          status: 'in_transit',
          occurredAt: '2030-01-03T09:10:00.000Z',
          estimatedDelivery: '2030-01-06T00:00:00.000Z',
          location: 'OAKLAND, CA, US',
          message: 'Arrived at USPS Regional Facility',
        },
      ]);
    });

    it.each([
      [
        'webhook-tracker-out-for-delivery.json',
        {
          eventId: 'evt_5c2e1f9d6f1b11ef8b4c1a5d3e9f8b72',
          status: 'out_for_delivery',
          occurredAt: '2030-01-04T07:05:00.000Z',
          estimatedDelivery: '2030-01-06T00:00:00.000Z',
          location: 'SAN FRANCISCO, CA, US',
          message: 'Out for Delivery',
        },
      ],
      [
        'webhook-tracker-delivered.json',
        {
          eventId: 'evt_6d3f2a0e702c11ef9c5d2b6e4fa09c83',
          status: 'delivered',
          occurredAt: '2030-01-04T15:40:00.000Z',
          estimatedDelivery: '2030-01-04T15:40:00.000Z',
          location: 'SAN FRANCISCO, CA, US',
          message: 'Delivered, In/At Mailbox',
        },
      ],
      [
        'webhook-tracker-failure.json',
        {
          eventId: 'evt_7e4a3b1f813d11efad6e3c7f5ab1ad94',
          status: 'failure',
          occurredAt: '2030-01-04T16:20:00.000Z',
          estimatedDelivery: '2030-01-06T00:00:00.000Z',
          location: 'SAN FRANCISCO, CA, US',
          message: 'Undeliverable as Addressed',
        },
      ],
      [
        'webhook-tracker-return-to-sender.json',
        {
          eventId: 'evt_8f5b4c20924e11efbe7f4d806bc2bea5',
          status: 'return_to_sender',
          occurredAt: '2030-01-05T08:30:00.000Z',
          estimatedDelivery: '2030-01-06T00:00:00.000Z',
          location: 'SAN FRANCISCO, CA, US',
          message: 'Return to Sender Processed',
        },
      ],
      [
        // No scan yet: the time is the tracker's last update, and there is no place, message or estimate.
        'webhook-tracker-unknown.json',
        {
          eventId: 'evt_90c6d531a35f11efcf805e917cd3cfb6',
          status: 'unknown',
          occurredAt: '2030-01-01T10:05:00.000Z',
        },
      ],
    ])('turns %s into the carrier event of its status', (fixture, expected) => {
      // Prepare
      const body = JSON.stringify(loadFixture(`easypost/${fixture}`));

      // Act
      const events = easypostWebhooks.parse(body);

      // Assess
      expect(events).toEqual([{ trackingNumber: '9400100109361129278357', ...expected }]);
    });

    it('reads a status word it does not know as unknown', () => {
      // Prepare
      const event = loadFixture<EasyPostEventFixture>('easypost/webhook-tracker-updated.json');
      event.result.status = 'teleported';

      // Act
      const [parsed] = easypostWebhooks.parse(JSON.stringify(event));

      // Assess
      expect(parsed?.status).toBe('unknown');
    });

    it('acknowledges an event that is not about a tracker with no events', () => {
      // Prepare
      const event = loadFixture<EasyPostEventFixture>('easypost/webhook-tracker-updated.json');
      event.description = 'batch.updated';

      // Act
      const events = easypostWebhooks.parse(JSON.stringify(event));

      // Assess
      expect(events).toEqual([]);
    });

    it('rejects a tracker event without a tracking code with 400 VALIDATION_FAILED', () => {
      // Prepare
      const event = loadFixture<EasyPostEventFixture>('easypost/webhook-tracker-updated.json');
      delete event.result.tracking_code;

      // Act
      const error = parseFailure(() => easypostWebhooks.parse(JSON.stringify(event)));

      // Assess
      expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(error.details.map((detail) => detail.path)).toEqual(['result.tracking_code']);
    });

    it('rejects a body that is not an EasyPost event with 400 VALIDATION_FAILED', () => {
      // Act
      const error = parseFailure(() => easypostWebhooks.parse(sandboxBody()));

      // Assess
      expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(error.details.map((detail) => detail.path)).toEqual(expect.arrayContaining(['id', 'object']));
    });
  });
});

describe('webhookParsers', () => {
  it('offers one parser per carrier, by the provider name of the webhook URL', () => {
    // Assess
    expect(Object.keys(webhookParsers).sort()).toEqual(['easypost', 'sandbox']);
    expect(webhookParsers.sandbox).toBe(sandboxWebhooks);
    expect(webhookParsers.easypost).toBe(easypostWebhooks);
  });
});
