// Request and message shapes, once: the API handlers parse with them, the OpenAPI document and the API Gateway
// request models are generated from them, and the tests build their fixtures against them. The order request
// itself is in order-request.ts: its address and phone checks (libphonenumber-js, postcode-validator) are bundled
// only by the functions that parse it.
import * as z from 'zod';

/** Minor units, up to 100,000,000 (a million in major units): sums of them stay exact. */
export const money = z
  .number()
  .int('must be an integer amount in minor units')
  .nonnegative()
  .max(100_000_000, 'must be at most 100000000 minor units');

/** A control character other than tab and line breaks (NUL, BEL, ESC, DEL, ...). */
const isControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;

/** True when the text has no control character and no UTF-16 surrogate without its pair. */
const isPrintable = (value: string): boolean => {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    } else if ((code >= 0xdc00 && code <= 0xdfff) || isControl(code)) {
      return false;
    }
  }
  return true;
};

/**
 * Free text as people write it: trimmed, at most `max` characters, and printable Unicode. A lone surrogate has no
 * UTF-8 form (the store, an email or an SMS could not carry it) and a control character such as NUL is no part of
 * a name, an address or a note, so both are refused rather than stored.
 */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isPrintable, 'must be printable text (no control characters or lone surrogates)');

/** Runs of digit groups separated by single spaces or dashes (how card numbers are written). */
const digitRunPattern = /\d+(?:[ -]\d+)*/g;
const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/**
 * True when the text holds a card number: 13 to 19 digits passing the Luhn check, written whole or in groups.
 * Within a run of groups every span of whole groups is tried, so "4111 1111 1111 1111 12/30" (a card followed by
 * its expiry) is caught, while a long unbroken digit string is only judged as a whole.
 */
export const containsCardNumber = (value: string): boolean =>
  (value.match(digitRunPattern) ?? []).some((run) => {
    const groups = run.split(/[ -]/);
    for (let start = 0; start < groups.length; start += 1) {
      let digits = '';
      for (let end = start; end < groups.length; end += 1) {
        digits += groups[end];
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhn(digits)) return true;
      }
    }
    return false;
  });

/**
 * Free text a caller writes (a note, a comment, a reason): stored with the order and shown to operators, so a card
 * number in it is refused as it is anywhere in an order's body (the message never repeats the value).
 */
const freeText = (max: number) =>
  text(max).refine((value) => !containsCardNumber(value), 'must not contain a card number');

export const lineItemSchema = z.object({
  sku: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dot, dash or underscore'),
  name: text(200).min(1),
  quantity: z.number().int().min(1).max(1000),
  unitPrice: money,
});

/** What the lines cost together: quantity × unit price, summed, in minor units. */
export const itemsTotal = (items: ReadonlyArray<{ quantity: number; unitPrice: number }>): number =>
  items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);

export const serviceLevels = ['standard', 'express', 'overnight'] as const;

export type LineItem = z.infer<typeof lineItemSchema>;
export type ServiceLevel = (typeof serviceLevels)[number];

// The order request's shapes are in order-request.ts, with the address and phone checks only intake and
// ValidateOrder run; its types are named here too, for the modules that only describe orders.
export type { Address, CreateOrderRequest, Customer } from './order-request';

export const orderStatuses = [
  'RECEIVED',
  'IN_REVIEW',
  'CONFIRMED',
  'LABEL_CREATED',
  'SHIPPED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'CANCELLATION_REQUESTED',
  'INTERCEPT_REQUESTED',
  'RETURN_REQUESTED',
  'REJECTED',
  'CANCELLED',
  'RETURNED',
  'DELIVERY_FAILED',
  'FAILED',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const instantPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** True when the year, month and day name a real day (Date.parse would roll 2030-02-30 over into March). */
const isCalendarDay = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/**
 * A point in time in a query: an ISO 8601 timestamp with `Z` or an offset (`2030-03-04T10:00:00Z`), or a date
 * (`2030-03-04`, midnight UTC). Given on as an ISO timestamp in UTC, the form the orders' times are stored in.
 */
export const instantParamSchema = z.string().transform((value, ctx) => {
  const parts = instantPattern.exec(value);
  const at = Date.parse(value);
  if (!parts || !isCalendarDay(Number(parts[1]), Number(parts[2]), Number(parts[3])) || Number.isNaN(at)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO 8601 timestamp with a time zone, or a date (YYYY-MM-DD)',
    });
    return z.NEVER;
  }
  return new Date(at).toISOString();
});

/** `status=IN_REVIEW,CONFIRMED`: one status or several, comma-separated. */
const statusListSchema = z
  .string()
  .max(400)
  .transform((value) => [...new Set(value.split(',').map((status) => status.trim()))])
  .pipe(z.array(z.enum(orderStatuses)).min(1));

const storefrontIdParam = z.string().min(1).max(64);

export const listOrdersQuerySchema = z
  .object({
    status: statusListSchema.optional(),
    storefrontId: storefrontIdParam.optional(),
    from: instantParamSchema.optional(),
    to: instantParamSchema.optional(),
    email: z.email().max(254).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(2000).optional(),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

export const kpisQuerySchema = z
  .object({
    from: instantParamSchema.optional(),
    to: instantParamSchema.optional(),
    storefrontId: storefrontIdParam.optional(),
  })
  .strict();
export type KpisQuery = z.infer<typeof kpisQuerySchema>;

export const inventoryPutSchema = z.object({ available: z.number().int().min(0).max(10_000_000) }).strict();
export const skuSchema = lineItemSchema.shape.sku;

export const shipRequestSchema = z
  .object({ trackingNumber: z.string().max(64).optional(), note: freeText(500).optional() })
  .strict();

export const cancellationReasons = [
  'changed_mind',
  'inaccurate_product_info',
  'long_shipping_time',
  'poor_customer_service',
  'other',
] as const;

export const cancelRequestSchema = z
  .object({ reason: z.enum(cancellationReasons), comment: freeText(500).optional() })
  .strict();
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

export const reviewDecisions = ['approve', 'reject'] as const;

/** An operator's decision on an order held for review (`POST /orders/{orderId}/review`). */
export const reviewRequestSchema = z
  .object({ decision: z.enum(reviewDecisions), note: freeText(500).optional() })
  .strict();
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;

export const returnRequestSchema = z
  .object({
    reason: freeText(200).min(1),
    items: z
      .array(
        z.object({ sku: lineItemSchema.shape.sku, quantity: z.number().int().min(1).max(1000) }).strict(),
      )
      .min(1)
      .max(100)
      .optional(),
    refundTo: z.enum(['original_payment', 'store_credit']).default('original_payment'),
  })
  .strict();
export type ReturnRequest = z.infer<typeof returnRequestSchema>;

export const storeCreditLookupSchema = z.object({ email: z.email().max(254) }).strict();
