// The API's own description: `GET /openapi.json` answers the OpenAPI 3.1 document generated from the request
// schemas and the route catalog (`npm run openapi`, docs/openapi.json), bundled into this function. It is public,
// like /health: it describes the API and holds no data.
import type { APIGatewayProxyResult } from 'aws-lambda';
import apiDocument from '../../docs/openapi.json';

const body = JSON.stringify(apiDocument);

export const handler = async (): Promise<APIGatewayProxyResult> =>
  Promise.resolve({
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    body,
  });
