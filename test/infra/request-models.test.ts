// Request models come out of the zod schemas: what the gateway checks is what the handler's schema says, minus
// what JSON Schema cannot say, and in a form API Gateway models accept.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createOrderRequestSchema } from '../../functions/domain/order-request';
import { functionCatalog } from '../../catalog/functions';
import { requestModelFor, ROUTES_WITHOUT_MODEL, toRequestModelSchema } from '../../lib/request-models';

describe('toRequestModelSchema', () => {
  it('keeps types, bounds, patterns, enums and required fields of the input shape', () => {
    const schema = z
      .object({
        sku: z.string().regex(/^[A-Z]+$/),
        quantity: z.number().int().min(1),
        service: z.enum(['standard', 'express']),
        note: z.string().max(10).optional(),
      })
      .strict();

    expect(toRequestModelSchema(schema)).toEqual({
      type: 'object',
      properties: {
        sku: { type: 'string', pattern: '^[A-Z]+$' },
        quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        service: { type: 'string', enum: ['standard', 'express'] },
        note: { type: 'string', maxLength: 10 },
      },
      required: ['sku', 'quantity', 'service'],
      additionalProperties: false,
    });
  });

  it('describes what the client sends: before transforms, with defaulted fields optional', () => {
    const schema = z.object({
      currency: z.string().transform((c) => c.toUpperCase()),
      tax: z.number().default(0),
    });

    expect(toRequestModelSchema(schema)).toMatchObject({
      properties: { currency: { type: 'string' }, tax: { type: 'number' } },
      required: ['currency'],
    });
  });

  it('drops format and default, which the gateway would judge differently, but keeps property names', () => {
    const schema = z.object({ email: z.email(), format: z.string().default('x') });

    const model = toRequestModelSchema(schema) as { properties: Record<string, Record<string, unknown>> };

    expect(Object.keys(model.properties)).toEqual(['email', 'format']);
    expect(model.properties.email).not.toHaveProperty('format');
    expect(model.properties.email).toHaveProperty('pattern');
    expect(model.properties.format).not.toHaveProperty('default');
    expect(model).not.toHaveProperty('$schema');
  });

  it('inlines schemas that carry an id for the OpenAPI document', () => {
    const address = z.object({ city: z.string() }).meta({ id: 'AddressForModelTest' });

    expect(toRequestModelSchema(z.object({ from: address, to: address }))).toEqual({
      type: 'object',
      properties: {
        from: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        to: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      required: ['from', 'to'],
    });
  });

  it('refuses schemas that would need $ref, which API Gateway models cannot resolve', () => {
    const node: z.ZodType = z.lazy(() => z.object({ children: z.array(node) }));

    expect(() => toRequestModelSchema(node)).toThrow(/not supported by API Gateway models/);
  });
});

describe('requestModelFor', () => {
  it('has a model for every catalog route with a body, except the reviewed ones', () => {
    const withBody = functionCatalog
      .flatMap((spec) => spec.routes ?? [])
      .filter((route) => route.method !== 'GET')
      .map((route) => `${route.method} ${route.path}`);

    const missing = withBody.filter(
      (key) =>
        !ROUTES_WITHOUT_MODEL.includes(key) && !requestModelFor(...(key.split(' ') as [string, string])),
    );

    expect(missing, 'add these routes to bodySchemaByRoute in lib/request-models.ts').toEqual([]);
  });

  it('models the order intake body from createOrderRequestSchema', () => {
    const model = requestModelFor('POST', '/orders');

    expect(model?.name).toBe('CreateOrderRequest');
    expect(model?.schema).toEqual(toRequestModelSchema(createOrderRequestSchema));
    expect(model?.schema).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['items']) as unknown,
    });
  });

  it('has no model for routes without a required JSON body', () => {
    expect(requestModelFor('GET', '/orders')).toBeUndefined();
    expect(requestModelFor('POST', '/webhooks/carrier/{provider}')).toBeUndefined();
  });
});
