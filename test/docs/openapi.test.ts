// The OpenAPI document: the committed docs/openapi.json is exactly what the code generates (so it cannot drift from
// the schemas), every catalog route is in it with its method and authentication, and the request schemas it shows
// are the ones the handlers parse with.
import { readFileSync } from 'node:fs';
import type { OpenAPIObject, OperationObject, ResponsesObject, SchemaObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { createOrderRequestSchema } from '../../functions/domain/order-request';
import { functionCatalog } from '../../catalog/functions';
import { buildOpenApiDocument, exampleOrderRequest } from '../../scripts/openapi';
import { projectPath } from '../../catalog/paths';

const committed = JSON.parse(readFileSync(projectPath('docs', 'openapi.json'), 'utf8')) as OpenAPIObject;
/** A fresh build, as JSON would carry it (no `undefined` members). */
const fresh = JSON.parse(JSON.stringify(buildOpenApiDocument())) as OpenAPIObject;

const catalogRoutes = functionCatalog.flatMap((spec) => spec.routes ?? []);

const operation = (path: string, method: string): OperationObject => {
  const found = (fresh.paths?.[path] as Record<string, OperationObject> | undefined)?.[method.toLowerCase()];
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found;
};

const schemaNamed = (name: string): SchemaObject => {
  const schema = fresh.components?.schemas?.[name];
  if (!schema || '$ref' in schema) throw new Error(`no schema component ${name}`);
  return schema;
};

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates from the current code', () => {
    expect(committed, 'docs/openapi.json is stale: run `npm run openapi`').toStrictEqual(fresh);
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(fresh.openapi).toBe('3.1.0');
  });
});

describe('routes', () => {
  it.each(catalogRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'documents %s',
    (_name, route) => {
      expect(operation(route.path, route.method).responses).toBeDefined();
    },
  );

  it.each(catalogRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'documents the authentication of %s',
    (_name, route) => {
      const expected = route.auth === 'apiKey' ? [{ ApiKey: [] }] : [];
      expect(operation(route.path, route.method).security).toEqual(expected);
    },
  );

  it('documents nothing beyond the catalog but the local outbox', () => {
    const documented = Object.keys(fresh.paths ?? {}).sort();
    const routed = [...new Set([...catalogRoutes.map((route) => route.path), '/_local/outbox'])].sort();
    expect(documented).toEqual(routed);
  });

  it('declares the x-api-key header scheme', () => {
    expect(fresh.components?.securitySchemes?.ApiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
  });

  it('documents the sandbox signature header of the carrier webhook', () => {
    const parameters = operation('/webhooks/carrier/{provider}', 'POST').parameters ?? [];
    expect(parameters).toContainEqual(
      expect.objectContaining({ name: 'x-orderflow-signature', in: 'header' }),
    );
  });

  it.each([
    ['/orders', 'IDEMPOTENCY_CONFLICT'],
    ['/orders/{orderId}/ship', 'NOT_SHIPPABLE'],
    ['/orders/{orderId}/cancel', 'NOT_CANCELLABLE'],
    ['/orders/{orderId}/returns', 'NOT_RETURNABLE'],
  ])('documents the 409 of POST %s as %s', (path, code) => {
    const responses: ResponsesObject = operation(path, 'POST').responses ?? {};
    expect((responses['409'] as { description?: string } | undefined)?.description).toMatch(
      new RegExp(`^${code}:`),
    );
  });

  it('gives every error answer the contract error body', () => {
    for (const route of [...catalogRoutes, { path: '/_local/outbox', method: 'GET' }]) {
      const responses = operation(route.path, route.method).responses as Record<
        string,
        { content?: unknown }
      >;
      for (const [status, response] of Object.entries(responses).filter(
        ([status]) => Number(status) >= 400,
      )) {
        expect(response.content, `${route.method} ${route.path} ${status}`).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
        });
      }
    }
  });
});

describe("the operators' read side", () => {
  it('documents every KPI figure of the contract, and the daily series, as required', () => {
    expect(schemaNamed('KpiReport').required).toEqual(
      expect.arrayContaining([
        'orders',
        'cancelled',
        'cancellationRate',
        'cancellationReasons',
        'rejected',
        'rejectionReasons',
        'delivered',
        'onTimeDeliveryRate',
        'delayedShipments',
        'avgFulfillmentHours',
        'avgDeliveryHours',
        'paymentFailureRate',
        'returns',
        'from',
        'to',
        'p90FulfillmentHours',
        'daily',
      ]),
    );
  });

  it('documents the filters of the order list', () => {
    const parameters = (operation('/orders', 'GET').parameters ?? []) as { name: string; in: string }[];
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['status', 'storefrontId', 'from', 'to', 'email', 'q', 'limit', 'cursor']),
    );
  });

  it('documents the 403 of GET /kpis for a storefront key', () => {
    const responses: ResponsesObject = operation('/kpis', 'GET').responses ?? {};
    expect((responses['403'] as { description?: string } | undefined)?.description).toMatch(/^FORBIDDEN:/);
  });
});

describe('request schemas', () => {
  it('requires the parts of an order', () => {
    expect(schemaNamed('CreateOrderRequest').required).toEqual(
      expect.arrayContaining([
        'customer',
        'shippingAddress',
        'items',
        'currency',
        'shipping',
        'total',
        'payment',
      ]),
    );
  });

  it('refuses unknown order fields, as the handler does', () => {
    expect(schemaNamed('CreateOrderRequest').additionalProperties).toBe(false);
  });

  it('shows an example order the handler accepts, with total 4498', () => {
    const parsed = createOrderRequestSchema.safeParse(exampleOrderRequest);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.total).toBe(4498);
  });
});

describe('the local outbox', () => {
  it("documents every field the contract names, and an email's optional HTML part", () => {
    const message = schemaNamed('OutboxMessage');

    expect(message.required).toEqual(
      expect.arrayContaining(['at', 'channel', 'to', 'subject', 'text', 'template', 'orderId']),
    );
    expect(message.required).not.toContain('html');
    expect(message.properties?.html).toMatchObject({ type: 'string' });
  });
});
