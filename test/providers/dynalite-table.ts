// Test helper: an in-process DynamoDB (dynalite) holding the Orders table exactly as catalog/tables.ts defines it, so
// the sandbox providers are tested against real conditional writes rather than a mock.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ordersTable } from '../../catalog/tables';
import { dynamoClient } from '../../local/aws-clients';
import { startLocalStore } from '../../local/dynamo-store';
import { createTable } from '../../local/tables';

export interface TestTable {
  doc: DynamoDBDocumentClient;
  table: string;
  close(): Promise<void>;
}

/** Starts dynalite on a free port and creates the Orders table in it. */
export const startOrdersTable = async (): Promise<TestTable> => {
  const store = await startLocalStore();
  const client = dynamoClient(store.endpoint);
  const table = 'orders-test';
  await createTable(client, ordersTable, table);
  return {
    doc: DynamoDBDocumentClient.from(client),
    table,
    close: async () => {
      client.destroy();
      await store.close();
    },
  };
};
