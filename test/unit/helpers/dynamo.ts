// An in-process DynamoDB (dynalite, in memory) holding the Orders and Inventory tables, created by the local
// engine's own table creation from lib/tables.ts, so the store helpers run against real conditional writes and
// real indexes, with the same document client options the handlers use.
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { documentClient, type Db } from '../../../functions/shared/store';
import { inventoryTable, ordersTable } from '../../../lib/tables';
import { createLocalTables, localTableName } from '../../../local/tables';

export interface LocalDynamo {
  db: Db;
  close(): Promise<void>;
}

/** Starts dynalite on a free port and creates the tables in it. */
export const startLocalDynamo = async (): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await createLocalTables(client);
  return {
    db: {
      doc: documentClient(client),
      tables: { orders: localTableName(ordersTable), inventory: localTableName(inventoryTable) },
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
