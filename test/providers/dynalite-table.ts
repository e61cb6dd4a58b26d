// Test helper: an in-process DynamoDB (dynalite) holding the Orders table exactly as lib/tables.ts defines it, so
// the sandbox providers are tested against real conditional writes rather than a mock.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { ordersTable } from '../../lib/tables';

export interface TestTable {
  doc: DynamoDBDocumentClient;
  table: string;
  close(): Promise<void>;
}

/** Starts dynalite on a free port and creates the Orders table in it. */
export const startOrdersTable = async (): Promise<TestTable> => {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const table = 'orders-test';
  const keys = [
    ordersTable.partitionKey,
    ...(ordersTable.sortKey ? [ordersTable.sortKey] : []),
    ...ordersTable.globalSecondaryIndexes.flatMap((index) => [
      index.partitionKey,
      ...(index.sortKey ? [index.sortKey] : []),
    ]),
  ];
  const definitions = new Map<string, AttributeDefinition>(
    keys.map((key) => [key.name, { AttributeName: key.name, AttributeType: key.type }]),
  );
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...definitions.values()],
      KeySchema: [
        { AttributeName: ordersTable.partitionKey.name, KeyType: 'HASH' },
        ...(ordersTable.sortKey
          ? [{ AttributeName: ordersTable.sortKey.name, KeyType: 'RANGE' as const }]
          : []),
      ],
      GlobalSecondaryIndexes: ordersTable.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  return {
    doc: DynamoDBDocumentClient.from(client),
    table,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
