// The demo catalog a first start puts in stock, so the README's curl example works at once. Later starts leave
// stock alone (a marker in the local engine table says the seed ran).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../functions/adapters/order-store';
import { writeIf } from '../functions/adapters/dynamo';
import { setAvailable } from '../functions/adapters/inventory-store';

export const demoCatalog: ReadonlyArray<{ sku: string; name: string; unitPrice: number; available: number }> =
  [
    { sku: 'SKU-TSHIRT', name: 'T-shirt', unitPrice: 1999, available: 100 },
    { sku: 'SKU-HOODIE', name: 'Hoodie', unitPrice: 4999, available: 40 },
    { sku: 'SKU-MUG', name: 'Mug', unitPrice: 1299, available: 60 },
    { sku: 'SKU-CAP', name: 'Cap', unitPrice: 1599, available: 30 },
    { sku: 'SKU-POSTER', name: 'Poster (limited run)', unitPrice: 2500, available: 5 },
  ];

/** Seeds the catalog once per data directory; returns whether it did. */
export const seedDemoCatalog = async (
  db: Db,
  engineDoc: DynamoDBDocumentClient,
  engineTable: string,
): Promise<boolean> => {
  const marker = await engineDoc.send(
    new GetCommand({ TableName: engineTable, Key: { pk: 'SEED', sk: 'SEED' } }),
  );
  if (marker.Item) return false;
  // Stock first, marker last: an interrupted seed runs again at the next start.
  for (const item of demoCatalog) await setAvailable(db, item.sku, item.available);
  return writeIf(
    engineDoc,
    new PutCommand({
      TableName: engineTable,
      Item: { pk: 'SEED', sk: 'SEED', at: new Date().toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};
