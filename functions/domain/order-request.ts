// The order a storefront posts (`POST /orders`), with the checks its own fields allow at once: totals, an address
// complete for its country, a phone number that exists. Apart from requests.ts because those checks carry
// libphonenumber-js and postcode-validator, which only the functions that parse an order request (OrdersApi) or
// check a stored order again (ValidateOrder, through order-checks.ts) should bundle
// (test/bundles/bundle-contents.test.ts).
import * as z from 'zod';
import { addressProblems, toE164 } from './order-checks';
import { itemsTotal, lineItemSchema, money, serviceLevels, text } from './requests';

export const addressSchema = z.object({
  line1: text(200).min(1),
  line2: text(200).optional(),
  city: text(100).min(1),
  region: text(100).optional(),
  postalCode: text(20).min(1),
  country: z
    .string()
    .length(2, 'must be an ISO 3166-1 alpha-2 country code')
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .transform((c) => c.toUpperCase()),
});

export const customerSchema = z.object({
  name: text(200).min(1),
  email: z.email().max(254),
  /** An international number, spaces, dashes, dots and brackets allowed; stored in E.164. */
  phone: z
    .string()
    .max(32)
    .regex(/^\+[1-9][\d ().-]{5,30}$/, 'must be an international number, e.g. +14155550100')
    .transform((phone, ctx) => {
      const e164 = toE164(phone);
      if (e164) return e164;
      ctx.addIssue({ code: 'custom', message: 'is not a phone number that exists' });
      return z.NEVER;
    })
    .optional(),
  smsOptIn: z.boolean().default(false),
});

export const createOrderRequestSchema = z
  .object({
    externalId: text(100).min(1).optional(),
    customer: customerSchema,
    shippingAddress: addressSchema,
    billingAddress: addressSchema.optional(),
    items: z.array(lineItemSchema).min(1).max(100),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code')
      .transform((c) => c.toUpperCase()),
    shipping: z.object({ service: z.enum(serviceLevels), amount: money }),
    tax: money.default(0),
    total: money,
    payment: z.object({
      provider: z.enum(['sandbox', 'stripe']),
      token: z.string().regex(/^[A-Za-z0-9_]{3,255}$/, 'must be a payment token such as tok_visa'),
    }),
  })
  .strict()
  .superRefine((order, ctx) => {
    const expected = itemsTotal(order.items) + order.shipping.amount + order.tax;
    if (order.total !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `must equal items + shipping + tax (${expected})`,
      });
    }
    const addresses = [
      ...addressProblems(order.shippingAddress, 'shippingAddress'),
      ...(order.billingAddress ? addressProblems(order.billingAddress, 'billingAddress') : []),
    ];
    for (const problem of addresses) {
      ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
    }
    if (order.customer.smsOptIn && !order.customer.phone) {
      ctx.addIssue({
        code: 'custom',
        path: ['customer', 'phone'],
        message: 'is required when smsOptIn is true',
      });
    }
    const skus = order.items.map((item) => item.sku);
    const duplicate = skus.find((sku, i) => skus.indexOf(sku) !== i);
    if (duplicate) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: `lists SKU ${duplicate} more than once` });
    }
  });

export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;
export type Address = z.infer<typeof addressSchema>;
export type Customer = z.infer<typeof customerSchema>;
