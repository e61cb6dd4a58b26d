// HTTP adapter of the inventory API (operators only): read and set the available stock of a SKU.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CoreDeps } from '../runtime/deps';
import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { HttpError, httpErrors, identify, json, jsonBody, parseWith, requireOps } from '../runtime/http';
import { getStock, setAvailable } from '../adapters/inventory-store';
import { logging } from '../runtime/observability';
import { inventoryPutSchema, skuSchema } from '../domain/requests';

const route = async (deps: CoreDeps, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  requireOps(identify(event, deps.config));
  const sku = parseWith(skuSchema, event.pathParameters?.sku, 'sku');
  switch (event.httpMethod) {
    case 'GET':
      return json(200, await getStock(deps.db, sku));
    case 'PUT': {
      const { available } = parseWith(inventoryPutSchema, jsonBody(event));
      return json(200, await setAvailable(deps.db, sku, available));
    }
    default:
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${event.httpMethod} is not supported here`);
  }
};

export const createHandler = (deps = awsDeps(corePart)) =>
  middy(async (event: APIGatewayProxyEvent) => route(deps(), event))
    .use(logging())
    .use(httpErrors());

export const handler = createHandler();
