// The local store's ceiling: how many writes per second dynalite takes, started as the local system starts it (in
// memory, in this process, over HTTP through the same SDK client), from a short loop of order-sized PutItems with a
// fixed number in flight.
import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/adapters/dynamo';
import { dynamoClient } from '../local/aws-clients';
import { startLocalStore } from '../local/dynamo-store';
import { createTable, keyValueTableSpec } from '../local/tables';

export interface CeilingOptions {
  seconds: number;
  inFlight: number;
}

export interface Ceiling {
  writesPerSecond: number;
  writes: number;
  itemBytes: number;
}

export const measureStoreCeiling = async (options: CeilingOptions): Promise<Ceiling> => {
  const store = await startLocalStore();
  try {
    const client = dynamoClient(store.endpoint);
    await createTable(client, keyValueTableSpec('Ceiling'));
    const doc = documentClient(client);
    // An item about the size of an order: the contract's example request, stored as its attributes.
    const body = JSON.parse(
      readFileSync(new URL('../test/fixtures/orders/standard-order.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    let writes = 0;
    const deadline = performance.now() + options.seconds * 1000;
    const started = performance.now();
    const writer = async () => {
      while (performance.now() < deadline) {
        writes += 1;
        await doc.send(
          new PutCommand({ TableName: 'Ceiling', Item: { pk: `ORDER#${writes}`, sk: 'ORDER', ...body } }),
        );
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, writer));
    const elapsed = (performance.now() - started) / 1000;
    return { writesPerSecond: writes / elapsed, writes, itemBytes: JSON.stringify(body).length };
  } finally {
    await store.close();
  }
};
