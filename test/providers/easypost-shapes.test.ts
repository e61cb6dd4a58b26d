// Every recorded EasyPost exchange (test/fixtures/easypost) held to EasyPost's documented objects, so the adapter's
// tests run against what EasyPost really sends: Shipment (rates, selected_rate, postage_label, tracker, is_return,
// refund_status), Rate, Tracker with its tracking details, Address, Event, and the error body of every 4xx/5xx. Ids
// carry EasyPost's prefixes (`shp_`, `rate_`, `trk_`, `evt_`, ...), timestamps are ISO 8601, every object is of
// `mode: "test"`. The requests are held to the documented calls too, and each answer to the request it answers: the
// rate bought is one the shipment offered, a tracker answers for the code it was asked for.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { trackingStatuses } from '../../functions/domain/providers';
import { loadFixture } from './fixtures';
import type { Recording } from './recorded-fetch';

/** An EasyPost id: its object's prefix and 32 hex digits. */
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-f]{32}$`), `a ${prefix}_ id`);
const timestamp = z.iso.datetime({ offset: true });
const decimal = z.string().regex(/^\d+\.\d+$/, 'a decimal amount');
const mode = z.literal('test');
const refundStatuses = ['submitted', 'refunded', 'rejected', 'not_applicable'] as const;

const address = z.object({
  id: id('adr'),
  object: z.literal('Address'),
  mode,
  created_at: timestamp,
  updated_at: timestamp,
  name: z.string().nullable(),
  street1: z.string(),
  street2: z.string().nullable(),
  city: z.string(),
  state: z.string().nullable(),
  zip: z.string(),
  country: z.string().regex(/^[A-Z]{2}$/),
  residential: z.boolean().nullable(),
  verifications: z.record(z.string(), z.unknown()),
});

const rate = z.object({
  id: id('rate'),
  object: z.literal('Rate'),
  mode,
  created_at: timestamp,
  updated_at: timestamp,
  service: z.string().min(1),
  carrier: z.string().min(1),
  rate: decimal,
  currency: z.string().regex(/^[A-Z]{3}$/),
  retail_rate: decimal.nullable(),
  list_rate: decimal.nullable(),
  delivery_days: z.int().nonnegative().nullable(),
  delivery_date: timestamp.nullable(),
  delivery_date_guaranteed: z.boolean(),
  est_delivery_days: z.int().nonnegative().nullable(),
  shipment_id: id('shp'),
  carrier_account_id: id('ca'),
});

const trackingLocation = z.object({
  object: z.literal('TrackingLocation'),
  city: z.string().nullable(),
  state: z.string().nullable(),
  country: z.string().nullable(),
  zip: z.string().nullable(),
});

const trackingDetail = z.object({
  object: z.literal('TrackingDetail'),
  message: z.string().nullable(),
  description: z.string().nullable(),
  status: z.enum(trackingStatuses),
  status_detail: z.string().nullable(),
  datetime: timestamp,
  source: z.string(),
  carrier_code: z.string().nullable(),
  tracking_location: trackingLocation,
});

const tracker = z.object({
  id: id('trk'),
  object: z.literal('Tracker'),
  mode,
  tracking_code: z.string().min(1),
  status: z.enum(trackingStatuses),
  status_detail: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  signed_by: z.string().nullable(),
  weight: z.number().nullable(),
  est_delivery_date: timestamp.nullable(),
  shipment_id: id('shp').nullable(),
  carrier: z.string().min(1),
  tracking_details: z.array(trackingDetail),
  carrier_detail: z.record(z.string(), z.unknown()).nullable(),
  public_url: z.url().startsWith('https://track.easypost.com/'),
});

const postageLabel = z.object({
  id: id('pl'),
  object: z.literal('PostageLabel'),
  created_at: timestamp,
  label_date: timestamp,
  label_file_type: z.string(),
  label_url: z.url(),
});

const shipment = z
  .object({
    id: id('shp'),
    object: z.literal('Shipment'),
    mode,
    created_at: timestamp,
    updated_at: timestamp,
    reference: z.string().nullable(),
    status: z.string(),
    tracking_code: z.string().nullable(),
    to_address: address,
    from_address: address,
    return_address: address,
    buyer_address: address,
    parcel: z.object({ id: id('prcl'), object: z.literal('Parcel'), weight: z.number().positive() }),
    rates: z.array(rate),
    selected_rate: rate.nullable(),
    postage_label: postageLabel.nullable(),
    tracker: tracker.nullable(),
    is_return: z.boolean(),
    refund_status: z.enum(refundStatuses).nullable(),
    insurance: decimal.nullable(),
    messages: z.array(z.unknown()),
    options: z.record(z.string(), z.unknown()),
    fees: z.array(z.unknown()),
  })
  .superRefine((value, context) => {
    const issue = (message: string) => context.addIssue({ code: 'custom', message });
    if (value.rates.some((offered) => offered.shipment_id !== value.id)) issue('a rate of another shipment');
    if (value.postage_label && !(value.selected_rate && value.tracking_code)) {
      issue('a label without its selected rate or tracking code');
    }
    if (value.selected_rate && !value.rates.some((offered) => offered.id === value.selected_rate?.id)) {
      issue('a selected rate the shipment did not offer');
    }
    if (value.tracker && value.tracker.tracking_code !== value.tracking_code)
      issue("another parcel's tracker");
    if (value.tracker && value.tracker.shipment_id !== value.id) issue("another shipment's tracker");
    if (value.refund_status && !value.postage_label) issue('a refund of a shipment never bought');
  });

const event = z.object({
  id: id('evt'),
  object: z.literal('Event'),
  mode,
  description: z.string().regex(/^[a-z_]+\.[a-z_]+$/),
  created_at: timestamp,
  updated_at: timestamp,
  previous_attributes: z.record(z.string(), z.unknown()),
  pending_urls: z.array(z.url()),
  completed_urls: z.array(z.url()),
  user_id: id('user'),
  result: tracker,
});

const fieldError = z.object({ field: z.string(), message: z.string(), suggestion: z.string().nullable() });
const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[A-Z_]+(\.[A-Z_]+)*$/),
    message: z.string().min(1),
    errors: z.array(z.union([fieldError, z.string()])),
  }),
});

/** The documented object an answer must be, by its `object` field. */
const objects: Readonly<Record<string, z.ZodType>> = {
  Shipment: shipment,
  Address: address,
  Tracker: tracker,
};

const recordings = readdirSync(new URL('../fixtures/easypost/', import.meta.url))
  .filter((file) => file.endsWith('.json') && !file.startsWith('webhook-'))
  .sort();
const webhookEvents = readdirSync(new URL('../fixtures/easypost/', import.meta.url))
  .filter((file) => file.startsWith('webhook-'))
  .sort();

/** What a failed parse says, one line per issue, for a message that names the field. */
const problems = (result: { success: boolean; error?: z.ZodError }): string[] =>
  result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

/** The documented request bodies, by method and path. */
const requestBodies: ReadonlyArray<readonly [string, RegExp, z.ZodType]> = [
  [
    'POST',
    /^\/v2\/addresses$/,
    z.strictObject({
      address: z.object({ street1: z.string(), city: z.string(), zip: z.string(), country: z.string() }),
      verify_strict: z.literal(true),
    }),
  ],
  [
    'POST',
    /^\/v2\/shipments$/,
    z.strictObject({
      shipment: z.object({
        reference: z.string(),
        to_address: z.record(z.string(), z.unknown()),
        from_address: z.record(z.string(), z.unknown()),
        parcel: z.object({ weight: z.number().positive() }),
        is_return: z.literal(true).optional(),
      }),
    }),
  ],
  [
    'POST',
    /^\/v2\/shipments\/shp_[0-9a-f]{32}\/buy$/,
    z.strictObject({ rate: z.strictObject({ id: id('rate') }), insurance: decimal.optional() }),
  ],
  ['POST', /^\/v2\/shipments\/shp_[0-9a-f]{32}\/refund$/, z.strictObject({})],
  [
    'POST',
    /^\/v2\/trackers$/,
    z.strictObject({
      tracker: z.strictObject({ tracking_code: z.string().min(1), carrier: z.string().min(1).optional() }),
    }),
  ],
  ['GET', /^\/v2\/shipments\/[^/]+$/, z.undefined()],
  ['GET', /^\/v2\/trackers\/trk_[0-9a-f]{32}$/, z.undefined()],
];

describe('the recorded EasyPost exchanges', () => {
  it('cover every call the adapter makes', () => {
    // Assess
    const calls = new Set(
      recordings.flatMap((file) =>
        loadFixture<Recording>(`easypost/${file}`).exchanges.map(({ request }) => {
          const match = requestBodies.find(
            ([method, path]) => method === request.method && path.test(request.path),
          );
          return match ? `${match[0]} ${String(match[1])}` : `${request.method} ${request.path}`;
        }),
      ),
    );
    expect([...calls].sort()).toEqual(
      requestBodies.map(([method, path]) => `${method} ${String(path)}`).sort(),
    );
  });

  describe.each(recordings)('%s', (file) => {
    const { exchanges } = loadFixture<Recording>(`easypost/${file}`);

    it.each(exchanges.map((exchange, index) => [index + 1, exchange] as const))(
      'exchange %i asks a documented call with its documented body',
      (_index, { request }) => {
        // Prepare
        const documented = requestBodies.find(
          ([method, path]) => method === request.method && path.test(request.path),
        );

        // Assess
        expect(documented, `${request.method} ${request.path} is a documented call`).toBeDefined();
        expect(problems(documented![2].safeParse(request.json))).toEqual([]);
      },
    );

    it.each(exchanges.map((exchange, index) => [index + 1, exchange] as const))(
      'exchange %i answers a documented object, or the documented error body',
      (_index, { response }) => {
        // Prepare
        const body = response.body as { object?: string };
        const schema = response.status >= 400 ? errorBody : objects[body.object ?? ''];

        // Assess
        expect(response.status).toSatisfy((status: number) => [200, 201].includes(status) || status >= 400);
        expect(schema, `a known object (${body.object})`).toBeDefined();
        expect(problems(schema!.safeParse(body))).toEqual([]);
      },
    );

    it('answers each request about what it asked for', () => {
      // Assess
      let offered: string[] = [];
      for (const { request, response } of exchanges) {
        if (response.status >= 400) continue;
        const body = response.body as {
          id: string;
          reference?: string | null;
          tracking_code?: string;
          carrier?: string;
          rates?: Array<{ id: string }>;
          selected_rate?: { id: string } | null;
        };
        const json = request.json as
          { rate?: { id: string }; tracker?: { tracking_code: string; carrier?: string } } | undefined;
        const asked = decodeURIComponent(request.path.split('/')[3] ?? '');
        if (request.path.endsWith('/buy')) {
          expect(offered, 'the rate bought was offered').toContain(json?.rate?.id);
          expect(body.selected_rate?.id, 'the rate bought is the selected rate').toBe(json?.rate?.id);
        } else if (request.method === 'GET') {
          expect([body.id, body.reference], 'the object asked for').toContain(asked);
        } else if (request.path === '/v2/trackers') {
          expect(body.tracking_code).toBe(json?.tracker?.tracking_code);
          if (json?.tracker?.carrier) expect(body.carrier).toBe(json.tracker.carrier);
        }
        if (body.rates) offered = body.rates.map((candidate) => candidate.id);
      }
    });
  });

  describe.each(webhookEvents)('%s', (file) => {
    it('is a documented tracker Event', () => {
      // Prepare
      const body = loadFixture<{ description: string }>(`easypost/${file}`);

      // Assess
      expect(problems(event.safeParse(body))).toEqual([]);
      expect(body.description).toBe('tracker.updated');
    });
  });
});

describe('the documented shapes', () => {
  it('refuse what EasyPost does not send', () => {
    // Prepare
    const recorded = loadFixture<Recording>('easypost/buy-label-standard.json').exchanges[3]!.response
      .body as Record<string, unknown>;

    // Act
    const results = [
      shipment.safeParse({ ...recorded, id: 'shipment-1' }),
      shipment.safeParse({ ...recorded, mode: 'live' }),
      shipment.safeParse({ ...recorded, refund_status: 'pending' }),
      shipment.safeParse({
        ...recorded,
        selected_rate: { ...(recorded.selected_rate as object), rate: 5.93 },
      }),
      shipment.safeParse({
        ...recorded,
        tracker: { ...(recorded.tracker as object), tracking_code: '1Z999' },
      }),
      errorBody.safeParse({ error: 'NOT_FOUND' }),
    ];

    // Assess
    expect(results.map((result) => result.success)).toEqual([false, false, false, false, false, false]);
  });
});
