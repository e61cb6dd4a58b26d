// Hostile input at every webhook, over real HTTP against one local system: the sandbox carrier's and EasyPost's
// (HMAC over the raw body) and Stripe's (`Stripe-Signature`). A body signed with the right secret but not of the
// sender's shape is a 4xx in the contract's error shape, or the documented acknowledgement of an event Orderflow
// does not act on; a missing, malformed or wrong signature is a 401 whatever the body. Either way nothing is
// written. Each webhook logs one figures line.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easypostWebhooks, sandboxWebhooks } from '../../functions/adapters/carrier/webhooks';
import { signStripeWebhook } from '../../functions/adapters/payment/stripe-webhooks';
import { stripeEvent } from '../../local/api-client';
import type { LocalSystem } from '../../local/system';
import {
  closeFuzzClient,
  EntryPointFigures,
  everyRawNumber,
  fuzzString,
  hostileBody,
  percentEncoded,
  quickTally,
  refusalProblem,
  send,
  utf8,
  writesBetween,
  writeTally,
  type BodyInput,
  type RawAnswer,
  type RawRequest,
} from '../helpers/fuzz';
import { scan, startTestSystem, stripeWebhookSecret, webhookSecret } from '../helpers/local-system';

/** Runs per webhook and kind of input: enough to meet every kind of hostile body, bounded for CI. */
const numRuns = 150;

const hmacHex = (body: Uint8Array, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('hex');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const textOf = (body: Uint8Array): string | undefined => {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
};

/** The events a carrier parser reads from a signed body: undefined when it refuses the body. */
const parsedEvents = (parser: typeof sandboxWebhooks, body: Uint8Array): unknown[] | undefined => {
  const text = textOf(body);
  if (text === undefined || body.byteLength > 64 * 1024) return undefined;
  try {
    return parser.parse(text);
  } catch {
    return undefined;
  }
};

interface Webhook {
  entryPoint: string;
  path: string;
  valid: Record<string, unknown>;
  /** The signature headers of a body, signed as the sender signs it. */
  sign: (body: Uint8Array) => Record<string, string>;
  /** The name of the signature header, for the unsigned and badly signed cases. */
  signatureHeader: string;
  /** Bad values of the signature header: malformed, of another secret, stale. */
  badSignatures: (body: Uint8Array) => fc.Arbitrary<string>;
  /** True when the signed body is an event Orderflow records (not a refusal: those are left out). */
  recorded: (body: Uint8Array) => boolean;
  /** The acknowledgement of a signed event Orderflow does not act on. */
  ignored: unknown;
}

const anEasyPostEvent = (trackingCode: string) => ({
  id: 'evt_fuzz',
  object: 'Event',
  description: 'tracker.updated',
  created_at: '2030-01-01T10:00:00Z',
  result: {
    id: 'trk_fuzz',
    object: 'Tracker',
    tracking_code: trackingCode,
    status: 'in_transit',
    est_delivery_date: '2030-01-03T10:00:00Z',
    updated_at: '2030-01-01T10:00:00Z',
    tracking_details: [
      {
        message: 'Arrived',
        status: 'in_transit',
        datetime: '2030-01-01T10:00:00Z',
        tracking_location: { city: 'Oakland', state: 'CA', country: 'US', zip: '94607' },
      },
    ],
  },
});

const hexSignature = (prefix: string, secret: string) => (body: Uint8Array) =>
  fc.oneof(
    fc.constantFrom(
      '',
      prefix,
      `${prefix}zz`,
      `${prefix}${'0'.repeat(64)}`,
      'sha1=abc',
      `${prefix}${'a'.repeat(63)}`,
    ),
    fc.string({ maxLength: 80 }).filter((value) => value.trim() === value),
    fc.constant(`${prefix}${hmacHex(body, `${secret}-other`)}`),
    fc.constant(`${prefix}${hmacHex(body, secret).toUpperCase().slice(0, 63)}g`),
  );

const webhooks: Webhook[] = [
  {
    entryPoint: 'POST /webhooks/carrier/sandbox',
    path: '/webhooks/carrier/sandbox',
    valid: scan('SBX-FUZZ-UNKNOWN', 'in_transit', {
      eventId: 'evt-fuzz',
      occurredAt: '2030-01-01T10:00:00Z',
      estimatedDelivery: '2030-01-03T10:00:00Z',
    }),
    sign: (body) => ({ 'x-orderflow-signature': `sha256=${hmacHex(body, webhookSecret)}` }),
    signatureHeader: 'x-orderflow-signature',
    badSignatures: hexSignature('sha256=', webhookSecret),
    // A well-formed scan of an unknown tracking number is kept for operators (the contract's "recorded").
    recorded: (body) => (parsedEvents(sandboxWebhooks, body)?.length ?? 0) > 0,
    ignored: undefined,
  },
  {
    entryPoint: 'POST /webhooks/carrier/easypost',
    path: '/webhooks/carrier/easypost',
    valid: anEasyPostEvent('EZ-FUZZ-UNKNOWN'),
    sign: (body) => ({ 'x-hmac-signature': `hmac-sha256-hex=${hmacHex(body, webhookSecret)}` }),
    signatureHeader: 'x-hmac-signature',
    badSignatures: hexSignature('hmac-sha256-hex=', webhookSecret),
    recorded: (body) => (parsedEvents(easypostWebhooks, body)?.length ?? 0) > 0,
    // Event kinds other than tracker.* carry no tracking news.
    ignored: { received: 0, outcomes: [] },
  },
  {
    entryPoint: 'POST /webhooks/payment/stripe',
    path: '/webhooks/payment/stripe',
    valid: stripeEvent(
      'charge.dispute.created',
      {
        id: 'dp_fuzz',
        object: 'dispute',
        amount: 4498,
        reason: 'fraudulent',
        payment_intent: 'pi_sbx_fuzz_unknown',
      },
      { id: 'evt_fuzz' },
    ),
    sign: (body) => ({
      'stripe-signature': signStripeWebhook(Buffer.from(body).toString('utf8'), stripeWebhookSecret),
    }),
    signatureHeader: 'stripe-signature',
    badSignatures: (body) => {
      const text = Buffer.from(body).toString('utf8');
      const now = Math.floor(Date.now() / 1000);
      return fc.oneof(
        fc.constantFrom(
          '',
          't=',
          'v1=',
          't=abc,v1=def',
          `t=${now}`,
          `t=${now},v1=${'0'.repeat(64)}`,
          `t=${now},v0=x`,
        ),
        fc.string({ maxLength: 80 }).filter((value) => value.trim() === value),
        // Of another secret, or older than the five minutes Stripe allows.
        fc.constant(signStripeWebhook(text, `${stripeWebhookSecret}_other`)),
        fc
          .integer({ min: 301, max: 10 ** 9 })
          .map((age) => signStripeWebhook(text, stripeWebhookSecret, now - age)),
      );
    },
    // Its payment belongs to no order: whatever its shape, a signed event is acknowledged and ignored.
    recorded: () => false,
    ignored: { received: 1, outcome: 'ignored' },
  },
];

describe('fuzzing the webhooks', () => {
  let system: LocalSystem;
  const figures: EntryPointFigures[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 3600 });
  });
  afterAll(async () => {
    for (const entry of figures) entry.report();
    closeFuzzClient();
    await system.stop();
  });

  const fuzz = async (
    entryPoint: string,
    requests: fc.Arbitrary<RawRequest>,
    accepts: (answer: RawAnswer) => boolean,
    /** Requests sent each, before the random ones: the boundaries. */
    cases: RawRequest[] = [],
  ): Promise<EntryPointFigures> => {
    const entry = new EntryPointFigures(entryPoint);
    figures.push(entry);
    // Prepare
    const before = await writeTally(system);

    const check = async (request: RawRequest) => {
      const writesBefore = quickTally(system);
      const answer = await send(system.url, request);
      const writes = quickTally(system) - writesBefore;
      entry.record(answer, writes);
      if (!accepts(answer)) expect(refusalProblem(answer)).toBeUndefined();
      expect(writes).toBe(0);
    };

    // Act
    for (const request of cases) await check(request);
    await fc.assert(fc.asyncProperty(requests, check), { numRuns });

    // Assess
    const after = await writeTally(system);
    expect(writesBetween(before, after)).toBe(0);
    expect(entry.serverErrors).toBe(0);
    return entry;
  };

  const request = (webhook: Webhook, input: BodyInput, signature: Record<string, string>): RawRequest => ({
    method: 'POST',
    path: webhook.path,
    headers: {
      ...(input.contentType === undefined ? {} : { 'content-type': input.contentType }),
      ...signature,
    },
    body: input.body,
  });

  for (const webhook of webhooks) {
    it(`${webhook.entryPoint}: refuses a signed hostile body, or acknowledges it as ignored, and writes nothing`, async () => {
      const requests = hostileBody(webhook.valid)
        .filter((input) => !webhook.recorded(input.body))
        .map((input) => request(webhook, input, webhook.sign(input.body)));
      const isIgnored = (answer: RawAnswer) =>
        answer.status === 200 &&
        webhook.ignored !== undefined &&
        JSON.stringify(JSON.parse(answer.text)) === JSON.stringify(webhook.ignored);

      const boundaries = everyRawNumber(webhook.valid)
        .filter((input) => !webhook.recorded(input.body))
        .map((input) => request(webhook, input, webhook.sign(input.body)));

      const entry = await fuzz(`${webhook.entryPoint} signed`, requests, isIgnored, boundaries);

      expect(entry.accepted).toBe(entry.statuses['200'] ?? 0);
    });

    it(`${webhook.entryPoint}: refuses every body without a valid signature with a 401`, async () => {
      const bodies = fc.oneof(
        hostileBody(webhook.valid),
        fc.constant<BodyInput>({
          body: utf8(JSON.stringify(webhook.valid)),
          contentType: 'application/json',
        }),
      );
      const requests = bodies.chain((input) =>
        fc
          .option(webhook.badSignatures(input.body), { freq: 4 })
          .map((signature) =>
            request(webhook, input, signature === null ? {} : { [webhook.signatureHeader]: signature }),
          ),
      );

      const entry = await fuzz(`${webhook.entryPoint} unsigned`, requests, () => false);

      // Bodies over the limits are refused as such before their signature is read.
      expect(Object.keys(entry.statuses).filter((status) => status !== '401' && status !== '413')).toEqual(
        [],
      );
    });
  }

  it('answers an unknown carrier 404 whatever it posts', async () => {
    const requests = fc.tuple(fuzzString, fc.jsonValue()).map(([provider, value]): RawRequest => ({
      method: 'POST',
      path: `/webhooks/carrier/${percentEncoded(provider) || 'x'}`,
      headers: { 'content-type': 'application/json' },
      body: utf8(JSON.stringify(value)),
    }));

    const entry = await fuzz(
      'POST /webhooks/carrier/{provider}',
      requests.filter((r) => !/\/(sandbox|easypost)$/.test(r.path)),
      () => false,
    );

    expect(entry.accepted).toBe(0);
  });
});
