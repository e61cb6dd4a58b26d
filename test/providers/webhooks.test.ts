// Carrier webhook parsers: signature verification over the raw body (valid, wrong, missing, any header case) and
// parsing (the contract's events, and 400 VALIDATION_FAILED with details for a body of the wrong shape).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asHttpError, type HttpError } from '../../functions/runtime/http';
import {
  easypostWebhooks,
  sandboxWebhooks,
  signSandboxWebhook,
  webhookParsers,
} from '../../functions/adapters/carrier/webhooks';
import { loadFixture } from './fixtures';

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
