// The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the handlers parse with
// (functions/domain/requests.ts, the sandbox webhook schema) and from the routes of catalog/functions.ts.
// `npm run openapi` writes it to docs/openapi.json; a test fails when that file differs from a fresh build, so the
// document cannot drift from the code. Response bodies have no parsing schema in the handlers: they are described
// here, and each is checked against the type the code returns (`OrderView`, `StockLevel`, ...) at compile time.
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import type { EventOutcome } from '../functions/services/receive-carrier-event';
import type { PaymentEventOutcome } from '../functions/services/receive-payment-event';
import type { PaymentWebhookAck } from '../functions/payment-webhook/handler';
import type { CreditAccount } from '../functions/adapters/credit-store';
import { rejectionCodeByError } from '../functions/domain/errors';
import type { StockLevel } from '../functions/adapters/inventory-store';
import type { OrderView, ReturnRecord } from '../functions/domain/order';
import { maxKpiWindowDays, type DailyKpis, type KpiReport } from '../functions/domain/kpis';
import { noticeTemplates } from '../functions/domain/notices';
import { sandboxWebhookBodySchema, webhookParsers } from '../functions/adapters/carrier/webhooks';
import { trackingStatuses } from '../functions/domain/providers';
import { addressSchema, createOrderRequestSchema, customerSchema } from '../functions/domain/order-request';
import {
  cancellationReasons,
  cancelRequestSchema,
  reviewRequestSchema,
  inventoryPutSchema,
  kpisQuerySchema,
  lineItemSchema,
  listOrdersQuerySchema,
  orderStatuses,
  returnRequestSchema,
  serviceLevels,
  shipRequestSchema,
  skuSchema,
  storeCreditLookupSchema,
  type CreateOrderRequest,
} from '../functions/domain/requests';
import type { OutboxMessage } from '../local/outbox';
import { functionCatalog, type Route } from '../catalog/functions';

// Adds `.openapi()` to zod schemas created from here on. The shared schemas were created before this line runs
// (imports are evaluated first) and lack it at run time, whatever the types say: name them through `.clone()`.
extendZodWithOpenApi(z);

/** A shared schema under a component name, without touching the instance the handlers parse with. */
const named = <S extends z.ZodType>(name: string, schema: S, description?: string): S =>
  schema.clone().openapi(name, description ? { description } : {});

/**
 * `true` only when `Documented` describes `Actual` (what the code returns): every value of it fits, and no top-level
 * field is left out. Assigning `true` to it fails to compile otherwise.
 */
type Describes<Documented, Actual extends Documented> = [Exclude<keyof Actual, keyof Documented>] extends [
  never,
]
  ? true
  : false;

const timestamp = z.iso.datetime({ offset: true }).meta({ example: '2030-01-01T12:00:00.000Z' });
const amount = z.number().int().nonnegative().meta({ description: 'Integer amount in minor units (cents)' });

// ---------------------------------------------------------------------------------------------------------------
// Response bodies

const errorBodySchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]*$/)
        .meta({
          description:
            'UPPER_SNAKE error code: VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, IDEMPOTENCY_CONFLICT, ' +
            'NOT_SHIPPABLE, NOT_CANCELLABLE, NOT_RETURNABLE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED',
          example: 'VALIDATION_FAILED',
        }),
      message: z.string().meta({ example: 'the request does not match the expected shape' }),
      details: z
        .array(
          z.object({
            path: z
              .string()
              .meta({ description: 'Dotted path of the field, `(root)` or `(body)`', example: 'total' }),
            message: z.string().meta({ example: 'must equal items + shipping + tax (4498)' }),
          }),
        )
        .meta({ description: 'One entry per problem for VALIDATION_FAILED; empty otherwise' }),
    }),
  })
  .openapi('ErrorBody', { description: 'The body of every 4xx and 5xx answer' });

const paymentStatuses = [
  'PENDING',
  'AUTHORIZED',
  'DECLINED',
  'CAPTURED',
  'VOIDED',
  'EXPIRED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'FAILED',
] as const satisfies readonly OrderView['payment']['status'][];

const shipmentStatuses = [...trackingStatuses, 'label_created', 'voided'] as const;

const nonEmpty = (values: readonly string[]): [string, ...string[]] => values as [string, ...string[]];

const paymentViewSchema = z.object({
  provider: z.string().meta({ example: 'sandbox' }),
  status: z.enum(paymentStatuses),
  authorizedAmount: amount,
  capturedAmount: amount,
  refundedAmount: amount,
  creditedAmount: amount.optional().meta({ description: 'Refunds given as store credit instead' }),
  authorizationExpiresAt: timestamp.optional().meta({ description: 'Present once authorized' }),
});

const shipmentViewSchema = z.object({
  carrier: z.string().meta({ example: 'sandbox' }),
  service: z.enum(serviceLevels),
  trackingNumber: z.string().meta({ example: 'SBX123456789012' }),
  labelUrl: z.string(),
  trackingUrl: z.string(),
  promisedDelivery: timestamp.meta({
    description: 'The estimate at label purchase: what the customer was promised',
  }),
  estimatedDelivery: timestamp.meta({ description: "The carrier's latest estimate" }),
  estimatedAt: timestamp
    .optional()
    .meta({ description: 'When the scan that gave the latest estimate happened' }),
  status: z.enum(shipmentStatuses).meta({
    description: "The carrier's latest tracking status word (EasyPost's words); it never moves backwards",
  }),
  delayed: z.boolean(),
  shippedAt: timestamp.optional(),
  deliveredAt: timestamp.optional(),
});

const reviewViewSchema = z.object({
  requestedAt: timestamp,
  until: timestamp.meta({
    description: 'Without a decision by then, the order is rejected (FRAUD_SUSPECTED)',
  }),
  decision: z.enum(['approve', 'reject']).nullable(),
  note: z.string().nullable(),
  decidedBy: z.enum(['ops']).nullable(),
  decidedAt: timestamp.nullable(),
});

const riskViewSchema = z.object({
  score: z.number().int().min(0).max(100),
  decision: z
    .enum(['approve', 'review', 'reject'])
    .meta({ description: 'The band of the score: approved, held for an operator, or rejected' }),
  reasons: z.array(z.string()).meta({ description: 'Names of the rules that fired (docs/risk.md)' }),
  review: reviewViewSchema
    .nullable()
    .meta({ description: 'The manual review of an order in the review band; null otherwise' }),
});

const cancellationViewSchema = z.object({
  reason: z.string().meta({
    description:
      'A reason of the cancel call (`changed_mind`, ...) or `authorization_expired` when the system cancelled',
  }),
  comment: z.string().optional(),
  by: z.enum(['customer', 'operator', 'system']),
  requestedAt: timestamp,
  stage: z
    .enum(['requested', 'intercept_requested', 'intercept_refused', 'return_opened', 'completed'])
    .meta({
      description:
        'requested → completed before shipment; after shipment intercept_requested → completed when the parcel is ' +
        'back at the sender, or intercept_refused / return_opened when it was delivered anyway',
    }),
  completedAt: timestamp.optional(),
});

const returnViewSchema = z.object({
  returnId: z.string(),
  status: z.enum(['label_created', 'in_transit', 'refunded', 'expired']),
  reason: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1) })),
  refundTo: z.enum(['original_payment', 'store_credit']),
  refundAmount: amount.meta({
    description: 'Computed on the server; never more than is left of the capture',
  }),
  taxAmount: amount.meta({ description: 'The part of `refundAmount` that is tax' }),
  includesShipping: z.boolean(),
  automatic: z
    .boolean()
    .meta({ description: 'Opened by the system for a cancelled parcel delivered anyway' }),
  trackingNumber: z.string(),
  labelUrl: z.string(),
  trackingStatus: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.meta({ description: 'The return parcel must be back by then, or the return expires' }),
  refundedAt: timestamp.optional(),
});

const paymentIssueSchema = z
  .object({
    kind: z.enum(['refund_failed', 'dispute']).meta({
      description:
        '`refund_failed`: a refund did not reach the customer; `dispute`: the cardholder disputed the charge',
    }),
    eventId: z.string().meta({ description: "The payment provider's event id", example: 'evt_1Q2w3E4r5T6y' }),
    at: timestamp.meta({ description: 'When it happened at the payment provider' }),
    amount: amount.meta({ description: 'The refund that failed, or the amount disputed' }),
    refundId: z.string().optional().meta({ description: 'The refund (`refund_failed`)' }),
    disputeId: z.string().optional().meta({ description: 'The dispute (`dispute`)' }),
    reason: z.string().optional().meta({
      description:
        "The provider's reason: why the refund failed, or the dispute's reason (`fraudulent`, ...)",
    }),
  })
  .openapi('PaymentIssue', {
    description: 'Something the payment provider reported that needs a person; operators are alerted once',
  });

const address = named('Address', addressSchema);
const customer = named('Customer', customerSchema);
const lineItem = named('LineItem', lineItemSchema);

const orderViewSchema = z
  .object({
    orderId: z.string().meta({ example: 'ord_3f1c2a9b8d7e6f5a4b3c2d1e' }),
    storefrontId: z.string().meta({ example: 'demo-store' }),
    externalId: z.string().nullable(),
    status: z.enum(orderStatuses),
    createdAt: timestamp,
    updatedAt: timestamp,
    customer: customer,
    shippingAddress: address,
    billingAddress: z.union([address, z.null()]),
    items: z.array(lineItem),
    currency: z.string().meta({ example: 'USD' }),
    shipping: z.object({ service: z.enum(serviceLevels), amount }),
    tax: amount,
    total: amount,
    payment: paymentViewSchema,
    shipment: shipmentViewSchema.nullable().meta({ description: 'Present once a label was bought' }),
    risk: riskViewSchema.nullable(),
    cancellation: cancellationViewSchema.nullable(),
    rejection: z
      .object({ code: z.enum(nonEmpty(Object.values(rejectionCodeByError))), message: z.string() })
      .nullable(),
    returns: z.array(returnViewSchema),
    paymentIssues: z
      .array(paymentIssueSchema)
      .meta({ description: 'Failed refunds and disputes reported by the payment provider, oldest first' }),
    timeline: z.array(
      z.object({
        at: timestamp,
        type: z.string().meta({ example: 'ORDER_RECEIVED' }),
        detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      }),
    ),
    notifications: z
      .array(
        z.object({
          at: timestamp,
          channel: z.enum(['email', 'sms']),
          template: z.enum(nonEmpty(noticeTemplates)),
          to: z.string(),
        }),
      )
      .meta({ description: 'Customer notices sent, oldest first' }),
  })
  .openapi('OrderView', { description: 'An order as storefronts and operators see it' });

const _orderViewDocumented: Describes<z.output<typeof orderViewSchema>, OrderView> = true;
const _paymentDocumented: Describes<z.output<typeof paymentViewSchema>, OrderView['payment']> = true;
const _shipmentDocumented: Describes<
  z.output<typeof shipmentViewSchema>,
  NonNullable<OrderView['shipment']>
> = true;
const _cancellationDocumented: Describes<
  z.output<typeof cancellationViewSchema>,
  NonNullable<OrderView['cancellation']>
> = true;
const _returnDocumented: Describes<z.output<typeof returnViewSchema>, OrderView['returns'][number]> = true;
const _paymentIssueDocumented: Describes<
  z.output<typeof paymentIssueSchema>,
  OrderView['paymentIssues'][number]
> = true;

const orderListSchema = z
  .object({
    orders: z.array(orderViewSchema).meta({ description: 'Newest first' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last' }),
  })
  .openapi('OrderList');

const stockLevelSchema = z
  .object({
    sku: z.string().meta({ example: 'SKU-TSHIRT' }),
    available: z.number().int().meta({ description: 'What can still be sold', example: 25 }),
    reserved: z
      .number()
      .int()
      .meta({ description: 'Held by open orders until they ship or end', example: 0 }),
  })
  .openapi('StockLevel');
const _stockLevelDocumented: Describes<z.output<typeof stockLevelSchema>, StockLevel> = true;

const healthSchema = z.object({ status: z.literal('ok'), service: z.literal('orderflow') }).openapi('Health');

const webhookOutcomes = ['recorded', 'ignored', 'unmatched'] as const satisfies readonly EventOutcome[];
const webhookAckSchema = z
  .object({
    received: z.number().int().meta({ description: 'Tracking events found in the body' }),
    outcomes: z.array(z.enum(webhookOutcomes)).meta({
      description:
        '`recorded`: stored with its order (and the waiting workflow woken); `ignored`: a duplicate or a scan that ' +
        'adds nothing; `unmatched`: an unknown tracking number, kept for operators',
    }),
  })
  .openapi('WebhookAck');

const paymentWebhookAckSchema = z
  .object({
    received: z.literal(1).meta({ description: 'One event per webhook' }),
    outcome: z.enum(['recorded', 'ignored'] as const satisfies readonly PaymentEventOutcome[]).meta({
      description:
        '`recorded`: applied to the order of its payment; `ignored`: a type Orderflow does not act on, a ' +
        'redelivery, a payment no order holds now, or an event that no longer matters',
    }),
  })
  .openapi('PaymentWebhookAck');
const _paymentAckDocumented: Describes<z.output<typeof paymentWebhookAckSchema>, PaymentWebhookAck> = true;

const outboxMessageSchema = z
  .object({
    at: timestamp,
    channel: z.enum(['email', 'sms', 'ops']),
    to: z.string(),
    subject: z.string().meta({ description: 'Empty for SMS' }),
    text: z.string().meta({ description: "The SMS, the alert, or the email's plain-text part" }),
    html: z
      .string()
      .optional()
      .meta({ description: "The email's HTML part (the same content as `text`; email only)" }),
    template: z.string().meta({ description: 'The notice template, or the alert kind for `ops`' }),
    orderId: z.string(),
  })
  .openapi('OutboxMessage');
const _outboxDocumented: Describes<z.output<typeof outboxMessageSchema>, OutboxMessage> = true;

const returnOpenedSchema = returnViewSchema
  .pick({
    returnId: true,
    status: true,
    trackingNumber: true,
    labelUrl: true,
    refundAmount: true,
    refundTo: true,
    items: true,
  })
  .openapi('ReturnOpened', {
    description:
      'The return just opened: its label is emailed to the customer; the refund follows the parcel back',
  });
const _returnOpenedDocumented: Describes<
  z.output<typeof returnOpenedSchema>,
  Pick<
    ReturnRecord,
    'returnId' | 'status' | 'trackingNumber' | 'labelUrl' | 'refundAmount' | 'refundTo' | 'items'
  >
> = true;

const storeCreditSchema = z
  .object({
    storefrontId: z.string(),
    balances: z
      .record(z.string(), z.number().int())
      .meta({ description: 'Balance per currency, in minor units' }),
    entries: z
      .array(
        z.object({
          amount,
          currency: z.string(),
          orderId: z.string(),
          returnId: z.string(),
          at: timestamp,
        }),
      )
      .meta({ description: 'One credit per return, oldest first' }),
  })
  .openapi('StoreCredit');
const _storeCreditDocumented: Describes<
  z.output<typeof storeCreditSchema>,
  CreditAccount & { storefrontId: string }
> = true;

const rate = (description: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: `${description}; null when there is none to take it of` });
const hours = (description: string) =>
  z
    .number()
    .nonnegative()
    .nullable()
    .meta({ description: `${description}, in hours; null without such orders` });

const dailyKpisSchema = z
  .object({
    day: z.iso.date().meta({ description: 'A UTC day of the window' }),
    orders: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    delivered: z.number().int().nonnegative(),
    onTimeDeliveryRate: rate('Delivered by the promised date / delivered'),
    delayedShipments: z.number().int().nonnegative(),
    avgFulfillmentHours: hours('Mean time from creation to the handover to the carrier'),
  })
  .openapi('DailyKpis', { description: 'The figures of the orders created on one day of the window' });
const _dailyKpisDocumented: Describes<z.output<typeof dailyKpisSchema>, DailyKpis> = true;

const kpiReportSchema = z
  .object({
    from: timestamp.meta({ description: 'The window starts here (included)' }),
    to: timestamp.meta({ description: 'The window ends here (excluded)' }),
    orders: z.number().int().nonnegative().meta({ description: 'Orders created in the window' }),
    cancelled: z.number().int().nonnegative().meta({ description: 'Of those, orders now CANCELLED' }),
    cancellationRate: rate('cancelled / orders'),
    cancellationReasons: z.record(z.string(), z.number().int()).meta({
      description: `Cancelled orders by reason (${cancellationReasons.join(', ')}, or authorization_expired)`,
      example: { changed_mind: 2, long_shipping_time: 1 },
    }),
    rejected: z.number().int().nonnegative().meta({ description: 'Orders now REJECTED' }),
    rejectionReasons: z
      .record(z.string(), z.number().int())
      .meta({ description: 'Rejected orders by rejection code', example: { PAYMENT_DECLINED: 1 } }),
    delivered: z.number().int().nonnegative().meta({
      description: 'Orders whose parcel the carrier delivered to the customer (also if returned later)',
    }),
    onTimeDeliveryRate: rate('Delivered no later than the delivery promised at label purchase / delivered'),
    delayedShipments: z.number().int().nonnegative().meta({
      description: 'Orders whose parcel was reported late (a later estimate, or its deadline passed)',
    }),
    avgFulfillmentHours: hours(
      'Mean time from creation to the handover to the carrier (the ship call or the first carrier scan)',
    ),
    p90FulfillmentHours: hours('90th percentile (nearest rank) of that time'),
    avgDeliveryHours: hours('Mean time from creation to delivery'),
    paymentFailureRate: rate(
      'Orders whose authorization was declined / orders whose authorization was answered',
    ),
    returns: z.number().int().nonnegative().meta({ description: 'Returns opened on these orders' }),
    daily: z
      .array(dailyKpisSchema)
      .meta({ description: 'One entry per UTC day the window touches, oldest first' }),
  })
  .openapi('KpiReport', {
    description: 'Figures of the orders created in [from, to), as they stand now (docs/kpis.md defines each)',
  });
const _kpiReportDocumented: Describes<z.output<typeof kpiReportSchema>, KpiReport> = true;

// ---------------------------------------------------------------------------------------------------------------
// Parameters

const orderIdParams = z.object({
  orderId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .meta({ example: 'ord_3f1c2a9b8d7e6f5a4b3c2d1e' }),
});
const skuParams = z.object({ sku: skuSchema.meta({ example: 'SKU-TSHIRT' }) });
const providerParams = z.object({
  provider: z
    .enum(nonEmpty(Object.keys(webhookParsers)))
    .meta({ description: 'The carrier sending the webhook' }),
});
const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        'Makes a retry safe when the body has no `externalId` (`externalId` wins when both are given). The key ' +
        'stays bound to its order.',
    }),
});
const webhookHeaders = z.object({
  'x-orderflow-signature': z
    .string()
    .regex(/^sha256=[0-9a-fA-F]{64}$/)
    .optional()
    .meta({
      description:
        'Sandbox carrier (required for `sandbox`): `sha256=` + hex HMAC-SHA256 of the raw body under the webhook ' +
        'secret (locally ORDERFLOW_WEBHOOK_SECRET)',
    }),
  'X-Hmac-Signature': z
    .string()
    .optional()
    .meta({ description: 'EasyPost (required for `easypost`): `hmac-sha256-hex=<hex>` of the raw body' }),
});
const stripeWebhookHeaders = z.object({
  'Stripe-Signature': z.string().meta({
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the endpoint\'s signing secret ' +
      '(locally ORDERFLOW_STRIPE_WEBHOOK_SECRET); refused when older than 300 s',
    example: 't=1893499200,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
  }),
});
const stripeEvent = z
  .looseObject({
    id: z.string().meta({ example: 'evt_1Q2w3E4r5T6y' }),
    object: z.literal('event').optional(),
    type: z.string().meta({
      description:
        'Acted on: `payment_intent.canceled`, `charge.expired`, `charge.refund.updated` (status `failed`), ' +
        '`charge.dispute.created`; any other type is acknowledged and ignored',
    }),
    created: z.number().int().meta({ description: 'Unix seconds' }),
    data: z.object({
      object: z.looseObject({}).meta({
        description:
          'The PaymentIntent (its `id`), or the Charge, Refund or Dispute (its `payment_intent`) the event is about',
      }),
    }),
  })
  .openapi('StripeEvent', { description: "A Stripe Event object, as Stripe's webhooks send it" });
const createOrderRequest = named(
  'CreateOrderRequest',
  createOrderRequestSchema,
  'An order as a storefront posts it. Beyond this shape: `total` must equal the sum of quantity × unitPrice plus ' +
    'shipping.amount plus tax; `customer.phone` is required when `smsOptIn` is true; a SKU appears on one line ' +
    'only; no card number may appear anywhere in the body (payment tokens only).',
);
const inventoryPutRequest = named('InventoryPutRequest', inventoryPutSchema);
const shipRequest = named('ShipRequest', shipRequestSchema);
const cancelRequest = named('CancelRequest', cancelRequestSchema);
const reviewRequest = named('ReviewRequest', reviewRequestSchema);
const returnRequest = named(
  'ReturnRequest',
  returnRequestSchema,
  'Without `items`, everything delivered is returned. The refund is computed on the server.',
);
const storeCreditLookup = named('StoreCreditLookup', storeCreditLookupSchema);
const sandboxCarrierEvent = named(
  'SandboxCarrierEvent',
  sandboxWebhookBodySchema,
  "One tracking scan of the sandbox carrier, with EasyPost's status words. A `delivered` after " +
    '`return_to_sender` means the parcel is back at the sender.',
);

const timeParam = (what: string, fallback?: string) =>
  z
    .string()
    .optional()
    .meta({
      description:
        `${what}: an ISO 8601 timestamp with \`Z\` or an offset, or a date (midnight UTC)` +
        (fallback ? `. Default: ${fallback}` : ''),
      example: '2030-03-01',
    });

const listQuery = listOrdersQuerySchema.extend({
  status: z
    .string()
    .optional()
    .meta({
      description: `One status or several, comma-separated (${orderStatuses.join(', ')})`,
      example: 'IN_REVIEW,CONFIRMED',
    }),
  storefrontId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({
      description:
        'Operators (ops key): the storefront to list; absent, every storefront. A storefront key may leave it out ' +
        'or name itself; naming another storefront is `403`.',
    }),
  from: timeParam('Orders created at or after this time'),
  to: timeParam('Orders created before this time (must be after `from`)'),
  email: z
    .email()
    .max(254)
    .optional()
    .meta({
      description:
        "The customer's email, exactly, in any case: that customer's orders in every storefront listed (for the " +
        'ops key without `storefrontId`: every storefront the stage has a key for)',
      example: 'ada@example.com',
    }),
  q: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({
      description:
        'An order id, an external id or a tracking number (outbound or return parcel), exactly: the orders it names, ' +
        'on one page',
      example: 'ord_3f1c2a9b8d7e6f5a4b3c2d1e',
    }),
});
const kpisQuery = kpisQuerySchema.extend({
  from: timeParam('Start of the window (orders created at or after it)', 'seven days before `to`'),
  to: timeParam('End of the window (orders created before it)', 'now'),
  storefrontId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "Only this storefront's orders; absent, every storefront" }),
});
const outboxQuery = z.object({
  orderId: z.string().optional().meta({ description: 'Only the messages of this order' }),
});

/** The contract's example order (2 × 1999 + 500 shipping = 4498); the tests parse it with the request schema. */
export const exampleOrderRequest: CreateOrderRequest = {
  externalId: '1001',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155550100', smsOptIn: true },
  shippingAddress: {
    line1: '1 Main St',
    line2: '',
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    country: 'US',
  },
  items: [{ sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 2, unitPrice: 1999 }],
  currency: 'USD',
  shipping: { service: 'standard', amount: 500 },
  tax: 0,
  total: 4498,
  payment: { provider: 'sandbox', token: 'tok_visa' },
};

// ---------------------------------------------------------------------------------------------------------------
// Routes

type Responses = RouteConfig['responses'];
type Operation = Omit<RouteConfig, 'method' | 'path'>;

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const retryAfter = z.object({
  'Retry-After': z.string().meta({ description: 'Whole seconds to wait before trying again' }),
});

/** Every route without a key: its own throttle, and in AWS a limit per client address (docs/deploy.md). */
const openRateLimited = {
  ...json(
    errorBodySchema,
    'RATE_LIMITED: over the route’s throttle or this address’s limit; nothing was done',
  ),
  headers: retryAfter,
};

const errors = {
  400: json(
    errorBodySchema,
    'VALIDATION_FAILED: the input does not match its schema (or the body is not valid UTF-8); `details` names ' +
      'each field',
  ),
  401: json(errorBodySchema, 'UNAUTHORIZED: no valid `x-api-key`'),
  403: (why: string) => json(errorBodySchema, `FORBIDDEN: ${why}`),
  404: (what: string) => json(errorBodySchema, `NOT_FOUND: ${what}`),
  413: json(errorBodySchema, 'PAYLOAD_TOO_LARGE: the body exceeds 64 KiB'),
  415: json(errorBodySchema, 'UNSUPPORTED_MEDIA_TYPE: send the body as application/json'),
  429: {
    ...json(errorBodySchema, 'RATE_LIMITED: over the key’s usage plan; nothing was done'),
    headers: retryAfter,
  },
  500: json(errorBodySchema, 'An unexpected error; the request can be retried safely'),
};

const keyed = (responses: Responses): Responses => ({
  ...responses,
  401: errors[401],
  429: errors[429],
  500: errors[500],
});

/** A required JSON request body and its example. */
const jsonBody = (schema: z.ZodType, example: unknown) => ({
  required: true,
  content: { 'application/json': { schema, example } },
});

/** A keyed route that takes a JSON body: the HTTP layer also refuses one too large or of another media type. */
const keyedWithBody = (responses: Responses): Responses =>
  keyed({ ...responses, 413: errors[413], 415: errors[415] });

const orderLocation = z.object({
  location: z.string().meta({ description: 'The order: `/orders/{orderId}`' }),
});

const anOrderNotFound = errors[404]('no such order, or it belongs to another storefront');

/** What each catalog route does, keyed by `METHOD path`. A catalog route missing here fails the build. */
const operations: Readonly<Record<string, Operation>> = {
  'POST /orders': {
    operationId: 'createOrder',
    tags: ['orders'],
    summary: 'Place an order (storefront key)',
    description:
      'Stores the order durably, then starts its fulfillment workflow. Idempotent per storefront: the same ' +
      '`externalId` (or, without one, the same `Idempotency-Key` header) with the same body answers 200 with the ' +
      'existing order and starts nothing; with a different body 409 IDEMPOTENCY_CONFLICT. Money is integer minor ' +
      'units and `total` must equal items + shipping + tax. A card number anywhere in the body is rejected.',
    request: {
      headers: idempotencyHeaders,
      body: jsonBody(createOrderRequest, exampleOrderRequest),
    },
    responses: keyedWithBody({
      202: {
        ...json(orderViewSchema, 'Accepted: the order is stored (status RECEIVED) and its workflow started'),
        headers: orderLocation,
      },
      200: {
        ...json(orderViewSchema, 'The same order was posted before: the stored order, nothing new started'),
        headers: orderLocation,
      },
      400: errors[400],
      403: errors[403]('orders are placed with a storefront key, not the ops key'),
      409: json(errorBodySchema, 'IDEMPOTENCY_CONFLICT: this externalId or Idempotency-Key has another body'),
    }),
  },
  'GET /orders': {
    operationId: 'listOrders',
    tags: ['orders'],
    summary: 'List orders, newest first, with filters',
    description:
      'A storefront key lists its own orders, whatever the query says. The ops key lists the storefront named by ' +
      '`storefrontId`, or every storefront. The filters combine: `status` (one or several), `from`/`to` (creation ' +
      'time), `email` (a customer) and `q` (an order id, external id or tracking number: the orders it names, on ' +
      'one page without a cursor). Pages follow with `cursor`.',
    request: { query: listQuery },
    responses: keyed({
      200: json(orderListSchema, 'One page of orders'),
      400: errors[400],
      403: errors[403]("a storefront key named another storefront's `storefrontId`"),
    }),
  },
  'GET /orders/{orderId}': {
    operationId: 'getOrder',
    tags: ['orders'],
    summary: 'One order',
    request: { params: orderIdParams },
    responses: keyed({
      200: json(orderViewSchema, 'The order'),
      400: errors[400],
      404: anOrderNotFound,
    }),
  },
  'POST /orders/{orderId}/ship': {
    operationId: 'shipOrder',
    tags: ['orders'],
    summary: 'The warehouse handed the parcel to the carrier (storefront or ops key)',
    description:
      'Records the handover in the order and wakes the workflow when it waits for it; the payment is then ' +
      'captured exactly once (the first carrier scan does the same if this call never comes). A call before the ' +
      'label exists is recorded and applied when the workflow reaches the wait. The body is optional.',
    request: {
      params: orderIdParams,
      body: { required: false, content: { 'application/json': { schema: shipRequest } } },
    },
    responses: keyedWithBody({
      202: json(orderViewSchema, 'Recorded: the order will ship'),
      200: json(orderViewSchema, 'Already recorded, shipped or delivered: nothing changed'),
      400: errors[400],
      404: anOrderNotFound,
      409: json(
        errorBodySchema,
        'NOT_SHIPPABLE: the order is rejected, cancelled (also when a cancellation was recorded a moment ' +
          'before), failed, returned or lost',
      ),
    }),
  },
  'POST /orders/{orderId}/cancel': {
    operationId: 'cancelOrder',
    tags: ['orders'],
    summary: 'Cancel an order (storefront or ops key)',
    description:
      'Before shipment the authorization is voided, the stock released and an unused label voided; the order ends ' +
      'CANCELLED. After shipment the carrier is asked to intercept the parcel (INTERCEPT_REQUESTED): back at the ' +
      'sender, the payment is refunded and the order CANCELLED; delivered anyway, a return is opened and its label ' +
      'emailed. A repeated request changes nothing.',
    request: {
      params: orderIdParams,
      body: jsonBody(cancelRequest, { reason: 'changed_mind' }),
    },
    responses: keyedWithBody({
      202: json(orderViewSchema, 'Recorded: the workflow cancels the order'),
      400: errors[400],
      404: anOrderNotFound,
      409: json(
        errorBodySchema,
        'NOT_CANCELLABLE: the order is delivered, cancelled, rejected, failed or returned',
      ),
    }),
  },
  'POST /orders/{orderId}/review': {
    operationId: 'reviewOrder',
    tags: ['orders'],
    summary: 'Approve or reject an order held for review (ops key)',
    description:
      'For an order IN_REVIEW: its stock is reserved and its payment authorized. `approve` confirms it and it goes ' +
      'on to shipment; `reject` voids the authorization, releases the stock and rejects it (FRAUD_SUSPECTED, the ' +
      'customer gets the order_rejected notice). Without a decision within the review timeout the order is ' +
      'rejected. The same decision again changes nothing.',
    request: {
      params: orderIdParams,
      body: jsonBody(reviewRequest, { decision: 'approve', note: 'customer confirmed by phone' }),
    },
    responses: keyedWithBody({
      202: json(orderViewSchema, 'Recorded: the workflow goes on with the decision'),
      400: errors[400],
      403: errors[403]('reviews are for the ops key'),
      404: anOrderNotFound,
      409: json(
        errorBodySchema,
        'NOT_IN_REVIEW: the order is not held for review; REVIEW_ALREADY_DECIDED: another decision was recorded',
      ),
    }),
  },
  'POST /orders/{orderId}/returns': {
    operationId: 'openReturn',
    tags: ['orders'],
    summary: 'Open a return of a delivered order (storefront or ops key)',
    description:
      'Only within the return window after delivery. The customer gets the return label by email; when the return ' +
      'parcel is delivered back, the refund (never more than was captured) is issued to the original payment or ' +
      'as store credit, and the customer told.',
    request: {
      params: orderIdParams,
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .min(1)
          .max(255)
          .optional()
          .meta({
            description:
              'Makes a retried request open the same return. Without it, a request for the same items (and ' +
              'refund destination) as an open return is answered with that return',
          }),
      }),
      body: jsonBody(returnRequest, {
        reason: 'does_not_fit',
        items: [{ sku: 'SKU-TSHIRT', quantity: 1 }],
        refundTo: 'original_payment',
      }),
    },
    responses: keyedWithBody({
      202: json(returnOpenedSchema, 'The return is open'),
      400: errors[400],
      404: anOrderNotFound,
      409: json(
        errorBodySchema,
        'NOT_RETURNABLE: not delivered, outside the return window, or the items are no longer returnable (also ' +
          'when a concurrent return took them first); IDEMPOTENCY_CONFLICT: this Idempotency-Key opened a return ' +
          'of other items',
      ),
    }),
  },
  'POST /store-credit/lookup': {
    operationId: 'lookUpStoreCredit',
    tags: ['orders'],
    summary: "A customer's store credit with this storefront (storefront key)",
    description: 'The email is sent in the body, not the URL, so it stays out of access logs.',
    request: {
      body: jsonBody(storeCreditLookup, { email: 'ada@example.com' }),
    },
    responses: keyedWithBody({
      200: json(storeCreditSchema, 'The balance per currency and its entries'),
      400: errors[400],
      403: errors[403]('store credit is looked up with a storefront key'),
    }),
  },
  'GET /kpis': {
    operationId: 'getKpis',
    tags: ['operators'],
    summary: 'KPIs of the orders created in a window (ops key)',
    description:
      'Counts and rates of the orders created in [from, to) as they stand now, with one entry per UTC day for ' +
      `charts. The window defaults to the seven days up to now and spans at most ${maxKpiWindowDays} days. Rates are ` +
      'shares from 0 to 1 and times are hours; both are null when no order gives them a value.',
    request: { query: kpisQuery },
    responses: keyed({
      200: json(kpiReportSchema, 'The figures'),
      400: json(
        errorBodySchema,
        `VALIDATION_FAILED: a time that is not one, a window that ends before it starts or spans over ${maxKpiWindowDays} ` +
          'days, or an unknown parameter; `details` names it',
      ),
      403: errors[403]('KPIs are for the ops key'),
    }),
  },
  'GET /inventory/{sku}': {
    operationId: 'getStock',
    tags: ['inventory'],
    summary: 'Stock of a SKU (ops key)',
    description: 'An unknown SKU has nothing available.',
    request: { params: skuParams },
    responses: keyed({
      200: json(stockLevelSchema, 'The stock level'),
      400: errors[400],
      403: errors[403]('inventory is for the ops key'),
    }),
  },
  'PUT /inventory/{sku}': {
    operationId: 'putStock',
    tags: ['inventory'],
    summary: 'Set the available stock of a SKU (ops key)',
    description: 'Sets what can still be sold; reservations of open orders are untouched.',
    request: {
      params: skuParams,
      body: jsonBody(inventoryPutRequest, { available: 25 }),
    },
    responses: keyedWithBody({
      200: json(stockLevelSchema, 'The new stock level'),
      400: errors[400],
      403: errors[403]('inventory is for the ops key'),
    }),
  },
  'POST /webhooks/carrier/{provider}': {
    operationId: 'carrierWebhook',
    tags: ['carrier'],
    summary: 'Tracking events from a carrier (HMAC-signed, no API key)',
    description:
      'The signature over the raw body is checked before anything else. Each event is stored with its order ' +
      '(idempotent by `eventId`); duplicates and out-of-order scans are acknowledged and change nothing, and an ' +
      'event of an unknown tracking number is acknowledged and kept for operators. The body shown is the sandbox ' +
      "carrier's; `easypost` takes EasyPost's Event object (`tracker.*` events are applied, others acknowledged).",
    request: {
      params: providerParams,
      headers: webhookHeaders,
      body: jsonBody(sandboxCarrierEvent, {
        eventId: 'manual-1',
        trackingNumber: 'SBX123456789012',
        status: 'in_transit',
        occurredAt: '2030-01-01T12:00:00Z',
        estimatedDelivery: '2030-01-06T12:00:00Z',
        location: 'Sandbox Hub',
      }),
    },
    responses: {
      200: json(webhookAckSchema, 'Acknowledged'),
      400: json(errorBodySchema, "VALIDATION_FAILED: not this carrier's body shape"),
      401: json(errorBodySchema, 'UNAUTHORIZED: missing or wrong signature; nothing changed'),
      404: errors[404]('no webhook for this carrier'),
      413: errors[413],
      500: errors[500],
    },
  },
  'POST /webhooks/payment/stripe': {
    operationId: 'paymentWebhook',
    tags: ['payment'],
    summary: 'Payment events from Stripe (signed, no API key)',
    description:
      'The `Stripe-Signature` over the raw body is checked before anything else. The event is applied to the ' +
      'order whose current payment it names, once (by event id): an authorization that lapsed before shipment is ' +
      'renewed at once; a failed refund or a dispute flags the order (`paymentIssues` in the order view) and ' +
      'alerts operators. Other event types, redeliveries and events about a payment no order holds now are ' +
      'acknowledged with `ignored`. A stage without Stripe payments in AWS answers 404; locally the sandbox ' +
      "payments' ids (`pi_sbx_...`) are found the same way.",
    request: {
      headers: stripeWebhookHeaders,
      body: jsonBody(stripeEvent, {
        id: 'evt_1Q2w3E4r5T6y',
        object: 'event',
        type: 'charge.dispute.created',
        created: 1893499200,
        data: {
          object: {
            id: 'dp_1Q2w3E4r5T6y',
            object: 'dispute',
            amount: 4498,
            reason: 'fraudulent',
            payment_intent: 'pi_sbx_0123456789abcdef01234567',
          },
        },
      }),
    },
    responses: {
      200: json(paymentWebhookAckSchema, 'Acknowledged'),
      400: json(
        errorBodySchema,
        'VALIDATION_FAILED: signed, but not JSON or not a Stripe event of its shape',
      ),
      401: json(errorBodySchema, 'UNAUTHORIZED: missing, wrong or stale signature; nothing changed'),
      404: errors[404]('this stage takes no payment webhooks'),
      413: errors[413],
      500: errors[500],
    },
  },
  'GET /track/{orderId}': {
    operationId: 'trackingPage',
    tags: ['health'],
    summary: "The customer's tracking page (no key: the link token is the proof)",
    description:
      'An HTML page with the order status in words, the parcel, its returns, items and totals, and its ' +
      'milestones; no name, address, email or phone. It refreshes itself until the order is settled. The ' +
      'token `t` is an HMAC of the order id and comes in every customer message. A wrong token and an unknown ' +
      'order both answer 404.',
    request: {
      params: z.object({ orderId: z.string() }),
      query: z.object({ t: z.string().openapi({ description: 'The link token from a customer message' }) }),
    },
    responses: {
      200: { description: 'The tracking page', content: { 'text/html': { schema: z.string() } } },
      404: errors[404]('unknown order or wrong token'),
    },
  },
  'GET /health': {
    operationId: 'health',
    tags: ['health'],
    summary: 'Liveness (no key)',
    description: 'Answers without touching any dependency: the API is up.',
    responses: { 200: json(healthSchema, 'Up') },
  },
  'GET /openapi.json': {
    operationId: 'apiDocument',
    tags: ['health'],
    summary: 'This document (no key)',
    description:
      'The OpenAPI 3.1 document of the API, generated from the request schemas and the route catalog. Public, ' +
      'like /health: it describes the API and holds no data.',
    responses: {
      200: json(z.looseObject({ openapi: z.literal('3.1.0') }), 'The OpenAPI document'),
    },
  },
};

const localOutbox: RouteConfig = {
  method: 'get',
  path: '/_local/outbox',
  operationId: 'localOutbox',
  tags: ['local'],
  summary: 'Every email, SMS and operator alert sent, oldest first (local mode only, no key)',
  description: 'Exists only in `npm start`; in AWS, email goes through SES and SMS and alerts through SNS.',
  security: [],
  request: { query: outboxQuery },
  responses: { 200: json(z.array(outboxMessageSchema), 'The messages') },
};

const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The routes of the function catalog, each with its documentation; throws for a route without it. */
const catalogRoutes = (): RouteConfig[] =>
  functionCatalog.flatMap((spec) =>
    (spec.routes ?? []).map((route) => {
      const operation = operations[routeKey(route)];
      if (!operation) throw new Error(`scripts/openapi.ts: document the route ${routeKey(route)}`);
      return {
        ...operation,
        ...(route.auth === 'none' ? { responses: { ...operation.responses, 429: openRateLimited } } : {}),
        method: route.method.toLowerCase() as RouteConfig['method'],
        path: route.path,
        security: route.auth === 'apiKey' ? [{ ApiKey: [] }] : [],
      };
    }),
  );

/** The whole document, deterministic: the same code always yields the same JSON. */
export const buildOpenApiDocument = (): OpenAPIObject => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description:
      'A storefront key (sees and changes only its own orders) or the ops key (sees all; alone may use ' +
      '/inventory, /kpis and reviews). Locally: ORDERFLOW_API_KEYS, by default `local-dev-key` (demo-store) and ' +
      '`local-ops-key` (ops).',
  });
  for (const route of [...catalogRoutes(), localOutbox]) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions, { sortComponents: 'alphabetically' }).generateDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Orderflow API',
        version: '0.1.0',
        description:
          'Order intake, order views, shipment handover, stock, carrier and payment webhooks of Orderflow. Every 4xx/5xx ' +
          'body is `{"error": {"code", "message", "details": [{"path", "message"}]}}`; bad input is a 4xx and ' +
          'writes nothing.',
      },
      servers: [
        { url: 'http://localhost:3000', description: 'Local (`npm start`)' },
        {
          url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/v1',
          description: 'A deployed stage (the stack output `ApiUrl`)',
          variables: { restApiId: { default: 'restApiId' }, region: { default: 'us-east-1' } },
        },
      ],
      tags: [
        {
          name: 'orders',
          description: 'Storefronts place and follow orders; the warehouse reports shipment',
        },
        { name: 'operators', description: 'Figures for operators' },
        { name: 'inventory', description: 'Stock per SKU (operators)' },
        { name: 'carrier', description: 'Carrier tracking webhooks' },
        { name: 'payment', description: 'Payment provider webhooks' },
        { name: 'health', description: 'Liveness' },
        { name: 'local', description: 'Local mode only (`npm start`)' },
      ],
    },
  );
};
