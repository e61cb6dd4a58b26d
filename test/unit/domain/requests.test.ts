// The request schemas at the API edge: the contract's POST /orders body (totals, SMS opt-in, duplicate SKUs,
// country and currency codes, no unknown fields), the card-number guard, and the sandbox carrier webhook body.
import { sandboxWebhookBodySchema } from '../../../functions/adapters/carrier/webhooks';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createOrderRequestSchema } from '../../../functions/domain/order-request';
import {
  cancelRequestSchema,
  containsCardNumber,
  kpisQuerySchema,
  listOrdersQuerySchema,
  returnRequestSchema,
  reviewRequestSchema,
  shipRequestSchema,
} from '../../../functions/domain/requests';
import { aCreateOrderBody } from '../helpers/orders';

/** The `path.to.field` of every issue a failed parse reports. */
const issuePaths = (result: { success: boolean; error?: z.ZodError }): string[] =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('createOrderRequestSchema', () => {
  it('accepts the example order of the contract', () => {
    // Prepare
    const body = aCreateOrderBody();

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
  });

  it('upper-cases the country and currency codes', () => {
    // Prepare
    const body = aCreateOrderBody();
    body.shippingAddress.country = 'us';
    body.currency = 'usd';

    // Act
    const request = createOrderRequestSchema.parse(body);

    // Assess
    expect([request.shippingAddress.country, request.currency]).toEqual(['US', 'USD']);
  });

  it('rejects a total that is not items + shipping + tax', () => {
    // Prepare
    const body = { ...aCreateOrderBody(), total: 4499 };

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(['total']);
  });

  it('requires a phone number when the customer opts in to SMS', () => {
    // Prepare
    const body = aCreateOrderBody();
    delete body.customer.phone;

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(['customer.phone']);
  });

  it('rejects an order that lists the same SKU twice', () => {
    // Prepare
    const body = aCreateOrderBody();
    body.items = [
      { sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 1, unitPrice: 1999 },
      { sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 1, unitPrice: 1999 },
    ];

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(['items']);
  });

  it.each(['USA', 'U1', ''])('rejects the country %j, which is no ISO 3166-1 alpha-2 code', (country) => {
    // Prepare
    const body = aCreateOrderBody();
    body.shippingAddress.country = country;

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toContain('shippingAddress.country');
  });

  it.each(['US', 'DOLLAR', 'U$D'])('rejects the currency %j, which is no ISO 4217 code', (currency) => {
    // Prepare
    const body = { ...aCreateOrderBody(), currency };

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(['currency']);
  });

  it('rejects a field the contract does not define', () => {
    // Prepare
    const body = { ...aCreateOrderBody(), giftWrap: true };

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['giftWrap'] }),
    ]);
  });

  it('rejects a shipping service other than standard, express or overnight', () => {
    // Prepare
    const body = aCreateOrderBody();
    body.shipping.service = 'same_day' as 'standard';

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(['shipping.service']);
  });

  it('rejects text with a lone surrogate or a control character, naming the field', () => {
    // Prepare
    const bodies = ['Ada \uD83D', '\uDC00Ada', 'Ada\u0000Lovelace', 'Ada\u0007'].map((name) => {
      const body = aCreateOrderBody();
      body.customer.name = name;
      body.shippingAddress.line1 = `1 ${name} St`;
      return body;
    });

    // Act
    const results = bodies.map((body) => createOrderRequestSchema.safeParse(body));

    // Assess
    for (const result of results) {
      expect(issuePaths(result)).toEqual(['customer.name', 'shippingAddress.line1']);
      expect(result.error?.issues[0]?.message).toBe(
        'must be printable text (no control characters or lone surrogates)',
      );
    }
  });

  it('accepts text in any script, with emoji, combining marks and line breaks', () => {
    // Prepare
    const body = aCreateOrderBody();
    body.customer.name = 'مرحبا Zoë e\u0301 😀👩‍👩‍👧';
    body.shippingAddress.line2 = 'Building 2\nFloor 3';

    // Act
    const request = createOrderRequestSchema.parse(body);

    // Assess
    expect(request.customer.name).toBe('مرحبا Zoë e\u0301 😀👩‍👩‍👧');
  });

  it('rejects money that is not in integer minor units', () => {
    // Prepare
    const body = { ...aCreateOrderBody(), tax: 0.5, total: 4498.5 };

    // Act
    const result = createOrderRequestSchema.safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual(expect.arrayContaining(['tax', 'total']));
  });
});

describe('free text of the order commands', () => {
  const card = '4242 4242 4242 4242';

  it.each([
    ['a cancellation comment', cancelRequestSchema, { reason: 'other', comment: `card ${card}` }, 'comment'],
    ['a review note', reviewRequestSchema, { decision: 'approve', note: `paid with ${card}` }, 'note'],
    ['a ship note', shipRequestSchema, { note: `card ${card}` }, 'note'],
    ['a return reason', returnRequestSchema, { reason: `refund to ${card}` }, 'reason'],
  ] as const)('refuses a card number in %s, without repeating it', (_case, schema, body, field) => {
    // Act
    const result = (schema as z.ZodType).safeParse(body);

    // Assess
    expect(issuePaths(result)).toEqual([field]);
    expect(JSON.stringify(result.error?.issues)).not.toContain('4242');
  });

  it('accepts the same text without the card number', () => {
    // Act
    const result = cancelRequestSchema.safeParse({ reason: 'other', comment: 'card ends in 4242' });

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('containsCardNumber', () => {
  it.each([
    ['16 digits', '4111111111111111'],
    ['16 digits in groups of four', '4111 1111 1111 1111'],
    ['16 digits with dashes', '4111-1111-1111-1111'],
    ['15 digits (American Express)', '3782 822463 10005'],
    ['13 digits', '4222222222222'],
    ['19 digits', '6011 0009 9013 9424 116'],
    ['a card number in a JSON body', '{"customer":{"name":"Ada","note":"4111 1111 1111 1111"}}'],
  ])('finds %s passing the Luhn check', (_case, value) => {
    // Act
    const found = containsCardNumber(value);

    // Assess
    expect(found).toBe(true);
  });

  it('finds a card number followed by its expiry date', () => {
    // Prepare
    const value = '{"shippingAddress":{"line2":"card 4111 1111 1111 1111 12/30"}}';

    // Act
    const found = containsCardNumber(value);

    // Assess
    expect(found).toBe(true);
  });

  it('does not take a phone number for a card number', () => {
    // Act
    const found = containsCardNumber('{"phone":"+14155550100"}');

    // Assess
    expect(found).toBe(false);
  });

  it.each(['ord_0123456789abcdef01234567', 'ord_4f3c2b1a0d9e8f7a6b5c4d3e'])(
    'does not take the order id %s for a card number',
    (orderId) => {
      // Act
      const found = containsCardNumber(`{"orderId":"${orderId}"}`);

      // Assess
      expect(found).toBe(false);
    },
  );

  it('ignores 16 digits that fail the Luhn check', () => {
    // Act
    const found = containsCardNumber('4111 1111 1111 1112');

    // Assess
    expect(found).toBe(false);
  });

  it('ignores a Luhn-valid number of 12 digits', () => {
    // Act
    const found = containsCardNumber('411111111117');

    // Assess
    expect(found).toBe(false);
  });
});

describe('the sandbox carrier webhook body', () => {
  const sandboxEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    eventId: 'shp_sbx_abc-2',
    trackingNumber: 'SBX123456789012',
    status: 'in_transit',
    occurredAt: '2030-03-05T08:00:00.000Z',
    estimatedDelivery: '2030-03-09T00:00:00.000Z',
    location: 'Sandbox Hub',
    message: 'Departed sandbox hub',
    ...overrides,
  });

  it('accepts the sandbox carrier event of the contract', () => {
    // Act
    const result = sandboxWebhookBodySchema.safeParse(sandboxEvent());

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts times with a UTC offset', () => {
    // Act
    const result = sandboxWebhookBodySchema.safeParse(
      sandboxEvent({ occurredAt: '2030-03-05T09:00:00+01:00' }),
    );

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts an event without estimate, location or message', () => {
    // Prepare
    const { estimatedDelivery: _e, location: _l, message: _m, ...event } = sandboxEvent();

    // Act
    const result = sandboxWebhookBodySchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects a status that is not one of the EasyPost words', () => {
    // Act
    const result = sandboxWebhookBodySchema.safeParse(sandboxEvent({ status: 'IN_TRANSIT' }));

    // Assess
    expect(issuePaths(result)).toEqual(['status']);
  });

  it('rejects an occurredAt that is not an ISO date-time', () => {
    // Act
    const result = sandboxWebhookBodySchema.safeParse(sandboxEvent({ occurredAt: 'yesterday' }));

    // Assess
    expect(issuePaths(result)).toEqual(['occurredAt']);
  });

  it('rejects an event without an id', () => {
    // Prepare
    const { eventId: _eventId, ...event } = sandboxEvent();

    // Act
    const result = sandboxWebhookBodySchema.safeParse(event);

    // Assess
    expect(issuePaths(result)).toEqual(['eventId']);
  });
});

describe('the order list query', () => {
  it('takes one status or several, comma-separated', () => {
    // Act
    const one = listOrdersQuerySchema.parse({ status: 'IN_REVIEW' });
    const several = listOrdersQuerySchema.parse({ status: 'IN_REVIEW,CONFIRMED,IN_REVIEW' });

    // Assess
    expect([one.status, several.status]).toEqual([['IN_REVIEW'], ['IN_REVIEW', 'CONFIRMED']]);
  });

  it('names the status that is not one of the contract', () => {
    // Act
    const result = listOrdersQuerySchema.safeParse({ status: 'CONFIRMED,SHIPPING' });

    // Assess
    expect(issuePaths(result)).toEqual(['status.1']);
  });

  it('turns dates and timestamps with offsets into UTC timestamps', () => {
    // Act
    const query = listOrdersQuerySchema.parse({ from: '2030-03-04', to: '2030-03-05T12:00:00+02:00' });

    // Assess
    expect([query.from, query.to]).toEqual(['2030-03-04T00:00:00.000Z', '2030-03-05T10:00:00.000Z']);
  });

  it.each(['2030-02-30', '2030-03-04T10:00:00', 'yesterday', '1709546400'])('refuses the time %j', (from) => {
    // Act
    const result = listOrdersQuerySchema.safeParse({ from });

    // Assess
    expect(issuePaths(result)).toEqual(['from']);
  });

  it('refuses an email that is not one, and a parameter it does not know', () => {
    // Act
    const result = listOrdersQuerySchema.safeParse({ email: 'ada', sort: 'oldest' });

    // Assess
    expect(issuePaths(result).sort()).toEqual(['', 'email']);
  });
});

describe('the KPI query', () => {
  it('takes a window and a storefront, all optional', () => {
    // Act
    const full = kpisQuerySchema.parse({ from: '2030-03-01', to: '2030-03-08', storefrontId: 'demo-store' });
    const none = kpisQuerySchema.parse({});

    // Assess
    expect(full).toEqual({
      from: '2030-03-01T00:00:00.000Z',
      to: '2030-03-08T00:00:00.000Z',
      storefrontId: 'demo-store',
    });
    expect(none).toEqual({});
  });

  it('refuses a bad time, naming it', () => {
    // Act
    const result = kpisQuerySchema.safeParse({ to: '2030-13-01' });

    // Assess
    expect(issuePaths(result)).toEqual(['to']);
  });
});
