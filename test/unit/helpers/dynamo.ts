// An in-process DynamoDB (dynalite, in memory) holding the Orders and Inventory tables, created by the local
// engine's own table creation from catalog/tables.ts, so the store helpers run against real conditional writes and
// real indexes, with the same document client options the handlers use.
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../../functions/adapters/order-store';
import { documentClient } from '../../../functions/adapters/dynamo';
import { inventoryTable, ordersTable } from '../../../catalog/tables';
import { dynamoClient } from '../../../local/aws-clients';
import { startLocalStore } from '../../../local/dynamo-store';
import { createLocalTables, localTableName } from '../../../local/tables';

export interface LocalDynamo {
  db: Db;
  close(): Promise<void>;
}

/** Starts dynalite on a free port and creates the tables in it. */
export const startLocalDynamo = async (): Promise<LocalDynamo> => {
  const store = await startLocalStore();
  const client = dynamoClient(store.endpoint);
  await createLocalTables(client);
  return {
    db: {
      doc: documentClient(client),
      tables: { orders: localTableName(ordersTable), inventory: localTableName(inventoryTable) },
    },
    close: async () => {
      client.destroy();
      await store.close();
    },
  };
};

/** The store of a test file: started before its tests, stopped after them. */
export const useLocalDynamo = (): { readonly db: Db } => {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(() => dynamo?.close());
  return {
    get db(): Db {
      if (!dynamo) throw new Error('the local store is used before it started');
      return dynamo.db;
    },
  };
};
