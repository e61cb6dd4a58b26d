// Carrier webhook verification and parsing, one CarrierWebhookParser per carrier, keyed by the `{provider}` of
// `POST /webhooks/carrier/{provider}`. Verification is an HMAC-SHA256 over the raw body (before any parsing, since
// re-serialized JSON would not match) compared in constant time; parsing turns a verified body into the contract's
// CarrierEvents, and rejects a body of the wrong shape with the contract's 400 VALIDATION_FAILED.
//
//   sandbox:  `x-orderflow-signature: sha256=<hex>`, body = one tracking event (sandboxWebhookBodySchema).
//   easypost: `X-Hmac-Signature: hmac-sha256-hex=<hex>`, body = an EasyPost Event; `tracker.*` events carry a
//             Tracker in `result`, which becomes one CarrierEvent. Other event kinds carry no tracking news and
//             parse to no events (acknowledged, nothing to do).
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { InvalidRequestError } from '../../domain/errors';
import { trackingStatuses } from '../../domain/providers';
import type { CarrierEvent, CarrierWebhookParser, TrackingStatus } from '../../domain/providers';

const SANDBOX_SIGNATURE_HEADER = 'x-orderflow-signature';
const SANDBOX_SIGNATURE_PREFIX = 'sha256=';
const EASYPOST_SIGNATURE_HEADER = 'x-hmac-signature';
const EASYPOST_SIGNATURE_PREFIX = 'hmac-sha256-hex=';

/** The sandbox carrier's webhook body: one tracking event. Shared with the simulator, the OpenAPI document and tests. */
export const sandboxWebhookBodySchema = z.object({
  eventId: z.string().min(1).max(200),
  trackingNumber: z.string().min(1).max(100),
  status: z.enum(trackingStatuses),
  occurredAt: z.iso.datetime({ offset: true }),
  estimatedDelivery: z.iso.datetime({ offset: true }).optional(),
  location: z.string().max(200).optional(),
  message: z.string().max(500).optional(),
});
export type SandboxWebhookBody = z.infer<typeof sandboxWebhookBodySchema>;

/** A header's value whatever the case of its name (API Gateway and Node keep the sender's or lower-case it). */
const headerValue = (
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined => {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
};

const hmacSha256 = (rawBody: string, secret: string): Buffer =>
  createHmac('sha256', secret).update(rawBody, 'utf8').digest();

/**
 * True when `header` is `<prefix><64 hex digits>` and the digits are the HMAC of the body. The refusals before the
 * comparison look at the header's form alone (what the sender already knows), never at the expected digest; the
 * digests themselves are compared whole, 32 bytes against 32, in constant time.
 */
const signatureMatches = (header: string | undefined, prefix: string, expected: Buffer): boolean => {
  if (!header?.startsWith(prefix)) return false;
  const hex = header.slice(prefix.length).trim();
  // Buffer.from(hex) silently drops a bad digit and everything after it, so check the form before decoding.
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
};

/** The refusal (the API's 400) of a body that is not this carrier's shape. */
const validationFailed = (
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): InvalidRequestError =>
  new InvalidRequestError(
    'the webhook body does not match the expected shape',
    issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  );

const parseJson = (rawBody: string): unknown => {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    throw validationFailed([{ path: [], message: 'the body is not valid JSON' }]);
  }
};

/** The header value the sandbox carrier sends with `rawBody` (the simulator signs with it; so can a curl user). */
export const signSandboxWebhook = (rawBody: string, secret: string): string =>
  SANDBOX_SIGNATURE_PREFIX + hmacSha256(rawBody, secret).toString('hex');

export const sandboxWebhooks: CarrierWebhookParser = {
  provider: 'sandbox',
  verify(rawBody, headers, secret) {
    // An unset secret must never make every body "signed".
    if (!secret) return false;
    return signatureMatches(
      headerValue(headers, SANDBOX_SIGNATURE_HEADER),
      SANDBOX_SIGNATURE_PREFIX,
      hmacSha256(rawBody, secret),
    );
  },
  parse(rawBody) {
    const parsed = sandboxWebhookBodySchema.safeParse(parseJson(rawBody));
    if (!parsed.success) throw validationFailed(parsed.error.issues);
    const body = parsed.data;
    return [
      {
        eventId: body.eventId,
        trackingNumber: body.trackingNumber,
        status: body.status,
        occurredAt: new Date(body.occurredAt).toISOString(),
        // Absent fields stay absent (not `undefined`): events are stored as they are parsed.
        ...(body.estimatedDelivery
          ? { estimatedDelivery: new Date(body.estimatedDelivery).toISOString() }
          : {}),
        ...(body.location ? { location: body.location } : {}),
        ...(body.message ? { message: body.message } : {}),
      },
    ];
  },
};

/** A timestamp as EasyPost writes it (ISO 8601, sometimes with a local offset); null when absent. */
const easypostTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date-time');

const trackingLocationSchema = z
  .object({
    city: z.string().nullish(),
    state: z.string().nullish(),
    country: z.string().nullish(),
    zip: z.string().nullish(),
  })
  .nullish();

const trackingDetailSchema = z.object({
  message: z.string().nullish(),
  status: z.string().nullish(),
  datetime: easypostTime.nullish(),
  tracking_location: trackingLocationSchema,
});

/** The parts of EasyPost's Tracker object Orderflow reads (EasyPost sends many more; they are ignored). */
export const easypostTrackerSchema = z.object({
  id: z.string(),
  object: z.literal('Tracker'),
  tracking_code: z.string().min(1),
  status: z.string(),
  est_delivery_date: easypostTime.nullish(),
  updated_at: easypostTime.nullish(),
  tracking_details: z.array(trackingDetailSchema).nullish(),
});
export type EasyPostTracker = z.infer<typeof easypostTrackerSchema>;
type EasyPostTrackingDetail = z.infer<typeof trackingDetailSchema>;

const easypostEventSchema = z.object({
  id: z.string().min(1),
  object: z.literal('Event'),
  description: z.string(),
  created_at: easypostTime.nullish(),
  result: z.record(z.string(), z.unknown()).nullish(),
});

const isTrackingStatus = (status: string): status is TrackingStatus =>
  (trackingStatuses as readonly string[]).includes(status);

/**
 * The CarrierEvent of a tracker's status at one of its scans (the scan gives place and message). A status word EasyPost adds later is news we cannot act on, not a malformed body (which EasyPost
 * would retry forever): it becomes `unknown`.
 */
const trackerEvent = (
  eventId: string,
  tracker: EasyPostTracker,
  fields: { status: string; at: string; detail: EasyPostTrackingDetail | undefined; estimate: boolean },
): CarrierEvent => {
  const location = fields.detail?.tracking_location;
  const place = [location?.city, location?.state, location?.country].filter(Boolean).join(', ');
  return {
    eventId,
    trackingNumber: tracker.tracking_code,
    status: isTrackingStatus(fields.status) ? fields.status : 'unknown',
    occurredAt: new Date(fields.at).toISOString(),
    ...(fields.estimate && tracker.est_delivery_date
      ? { estimatedDelivery: new Date(tracker.est_delivery_date).toISOString() }
      : {}),
    ...(place ? { location: place } : {}),
    ...(fields.detail?.message ? { message: fields.detail.message } : {}),
  };
};

/**
 * Every scan of a tracker as a CarrierEvent, oldest first (EasyPost lists them so), the newest carrying the
 * tracker's delivery estimate. Tracking details have no ids of their own; each event's id is the tracker's, the
 * scan's time and its status, which is the same every time the tracker is read.
 */
export const easypostTrackerScans = (tracker: EasyPostTracker): CarrierEvent[] => {
  const scans = (tracker.tracking_details ?? []).filter(
    (detail): detail is EasyPostTrackingDetail & { status: string; datetime: string } =>
      Boolean(detail.status && detail.datetime),
  );
  return scans.map((detail, index) =>
    trackerEvent(`${tracker.id}:${new Date(detail.datetime).toISOString()}:${detail.status}`, tracker, {
      status: detail.status,
      at: detail.datetime,
      detail,
      estimate: index === scans.length - 1,
    }),
  );
};

export const easypostWebhooks: CarrierWebhookParser = {
  provider: 'easypost',
  verify(rawBody, headers, secret) {
    if (!secret) return false;
    // EasyPost's client libraries NFKD-normalize the secret before signing; do the same so non-ASCII secrets match.
    return signatureMatches(
      headerValue(headers, EASYPOST_SIGNATURE_HEADER),
      EASYPOST_SIGNATURE_PREFIX,
      hmacSha256(rawBody, secret.normalize('NFKD')),
    );
  },
  parse(rawBody) {
    const event = easypostEventSchema.safeParse(parseJson(rawBody));
    if (!event.success) throw validationFailed(event.error.issues);
    if (!event.data.description.startsWith('tracker.')) return [];
    const tracker = easypostTrackerSchema.safeParse(event.data.result);
    if (!tracker.success) {
      throw validationFailed(
        tracker.error.issues.map((issue) => ({ ...issue, path: ['result', ...issue.path] })),
      );
    }
    const { data } = tracker;
    // The newest scan (EasyPost lists them oldest first) says where and when the status was reached.
    const latest = data.tracking_details?.at(-1);
    const carrierEvent = trackerEvent(event.data.id, data, {
      status: data.status,
      at: latest?.datetime ?? data.updated_at ?? event.data.created_at ?? new Date().toISOString(),
      detail: latest,
      estimate: true,
    });
    return [carrierEvent];
  },
};

/** Every carrier's webhook parser, by the provider name in the webhook URL. */
export const webhookParsers: Readonly<Record<string, CarrierWebhookParser>> = {
  [sandboxWebhooks.provider]: sandboxWebhooks,
  [easypostWebhooks.provider]: easypostWebhooks,
};
