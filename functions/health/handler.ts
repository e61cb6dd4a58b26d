// Liveness: answers without touching any dependency, so it says the API is up, not that every part is healthy.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { json } from '../runtime/http';

export const handler = async (): Promise<APIGatewayProxyResult> =>
  Promise.resolve(json(200, { status: 'ok', service: 'orderflow' }));
