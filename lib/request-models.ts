// API Gateway request models generated from the handlers' zod schemas (functions/domain/requests.ts, order-request.ts) with zod 4's
// own z.toJSONSchema, so the gateway and the handler can never disagree on a field. The gateway check is the
// outer, coarser gate: refinements (totals, card numbers, duplicate SKUs) cannot be expressed in JSON Schema and
// stay in the handler, which parses every body again with the same schema.
import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { createOrderRequestSchema } from '../functions/domain/order-request';
import * as schemas from '../functions/domain/requests';

export interface RequestModel {
  /** API Gateway model name (alphanumeric). */
  name: string;
  schema: JsonSchema;
}

/**
 * Keywords removed from the generated schema: `$schema` (CDK sets draft-4 itself), `default` (meaningless to a
 * validator) and `format` (API Gateway's validator would apply its own idea of `email` or `date-time`; zod's exact
 * rule is already there as `pattern`).
 */
const DROPPED_KEYWORDS = new Set(['$schema', 'default', 'format']);

/** Keywords API Gateway models cannot resolve: every schema must be self-contained. */
const UNSUPPORTED_KEYWORDS = new Set(['$ref', '$defs', 'definitions', '$id']);

const clean = (node: unknown, path: string): unknown => {
  if (Array.isArray(node)) return node.map((item, i) => clean(item, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (UNSUPPORTED_KEYWORDS.has(key)) {
      throw new Error(
        `request model: ${path}/${key} is not supported by API Gateway models; inline the schema`,
      );
    }
    if (DROPPED_KEYWORDS.has(key)) continue;
    // Property names are data, not keywords: keep them all, clean what they map to.
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([name, sub]) => [
              name,
              clean(sub, `${path}/${key}/${name}`),
            ]),
          )
        : clean(value, `${path}/${key}`);
  }
  return out;
};

/**
 * Draft-4 JSON Schema of what a client may send (`io: 'input'`: before transforms and defaults). An empty metadata
 * registry keeps ids that schemas may carry for the OpenAPI document from turning into `$ref`s here.
 */
export const toRequestModelSchema = (schema: z.ZodType): JsonSchema =>
  clean(
    z.toJSONSchema(schema, {
      target: 'draft-04',
      io: 'input',
      unrepresentable: 'any',
      reused: 'inline',
      metadata: z.registry<Record<string, unknown>>(),
    }),
    '#',
  ) as JsonSchema;

/** Request body schemas by route (`METHOD path`, as in the catalog). */
const bodySchemaByRoute: Readonly<Record<string, [name: string, schema: z.ZodType]>> = {
  'POST /orders': ['CreateOrderRequest', createOrderRequestSchema],
  'PUT /inventory/{sku}': ['InventoryPutRequest', schemas.inventoryPutSchema],
  'POST /orders/{orderId}/cancel': ['CancelOrderRequest', schemas.cancelRequestSchema],
  'POST /orders/{orderId}/review': ['ReviewRequest', schemas.reviewRequestSchema],
  'POST /orders/{orderId}/returns': ['ReturnRequest', schemas.returnRequestSchema],
  'POST /store-credit/lookup': ['StoreCreditLookupRequest', schemas.storeCreditLookupSchema],
};

/**
 * Routes that take a body but deliberately have no gateway model: the ship call's body is optional (an empty body
 * would fail a model), and a carrier's or Stripe's webhook body is the provider's and must reach the handler for its
 * signature check first, so that a bad signature is always a 401.
 */
export const ROUTES_WITHOUT_MODEL: readonly string[] = [
  'POST /orders/{orderId}/ship',
  'POST /webhooks/carrier/{provider}',
  'POST /webhooks/payment/stripe',
];

/** The request model of a route, if its body has one. */
export const requestModelFor = (method: string, path: string): RequestModel | undefined => {
  const entry = bodySchemaByRoute[`${method} ${path}`];
  if (!entry) return undefined;
  return { name: entry[0], schema: toRequestModelSchema(entry[1]) };
};
