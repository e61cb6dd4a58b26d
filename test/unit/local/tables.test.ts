// Local tables come from catalog/tables.ts; a data dir made by an earlier version, whose table lacks an index the
// spec now has or projects an index otherwise, is rebuilt with every item kept (dynalite cannot add an index to a
// table or change its projection).
import { DescribeTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersTable } from '../../../catalog/tables';
import { dynamoClient } from '../../../local/aws-clients';
import { startLocalStore, type LocalStore } from '../../../local/dynamo-store';
import { createTable } from '../../../local/tables';

describe('createTable', () => {
  let store: LocalStore;
  let client: ReturnType<typeof dynamoClient>;

  beforeAll(async () => {
    store = await startLocalStore();
    client = dynamoClient(store.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await store.close();
  });

  const indexes = async (table: string) =>
    ((await client.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes ?? [])
      .map((index) => index.IndexName)
      .sort();

  it('adds the indexes an older table lacks and keeps its items', async () => {
    // Prepare
    const older = {
      ...ordersTable,
      globalSecondaryIndexes: ordersTable.globalSecondaryIndexes.filter(
        (i) => i.indexName !== 'receivedOrders',
      ),
    };
    await createTable(client, older, 'OrdersOld');
    for (let i = 0; i < 30; i += 1) {
      await client.send(
        new PutItemCommand({
          TableName: 'OrdersOld',
          Item: {
            pk: { S: `ORDER#${i}` },
            sk: { S: 'ORDER' },
            receivedBucket: { S: '1' },
            createdKey: { S: `k${i}` },
          },
        }),
      );
    }

    // Act
    await createTable(client, ordersTable, 'OrdersOld');

    // Assess
    expect(await indexes('OrdersOld')).toEqual(
      ordersTable.globalSecondaryIndexes.map((i) => i.indexName).sort(),
    );
    const { Count } = await client.send(new ScanCommand({ TableName: 'OrdersOld', Select: 'COUNT' }));
    expect(Count).toBe(30);
  });

  it('projects an index as the spec now says and keeps the items', async () => {
    // Prepare: the velocity index as it was, holding whole items
    const older = {
      ...ordersTable,
      globalSecondaryIndexes: ordersTable.globalSecondaryIndexes.map((index) =>
        index.indexName === 'bySourceIp' ? { ...index, include: undefined } : index,
      ),
    };
    await createTable(client, older, 'OrdersWide');
    await client.send(
      new PutItemCommand({
        TableName: 'OrdersWide',
        Item: {
          pk: { S: 'ORDER#1' },
          sk: { S: 'ORDER' },
          sourceIpHash: { S: 'h1' },
          createdAt: { S: '2031-01-01T00:00:00.000Z' },
          customerKey: { S: 'c1' },
          customer: { M: { email: { S: 'ada@example.com' } } },
        },
      }),
    );

    // Act
    await createTable(client, ordersTable, 'OrdersWide');

    // Assess
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'OrdersWide' }));
    const bySourceIp = Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'bySourceIp');
    expect(bySourceIp?.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['customerKey'] });
    const { Items } = await client.send(
      new ScanCommand({ TableName: 'OrdersWide', IndexName: 'bySourceIp' }),
    );
    expect(Items?.map((item) => Object.keys(item).sort())).toEqual([
      ['createdAt', 'customerKey', 'pk', 'sk', 'sourceIpHash'],
    ]);
  });

  it('leaves a table that is up to date as it is', async () => {
    // Prepare
    await createTable(client, ordersTable, 'OrdersNew');
    await client.send(
      new PutItemCommand({ TableName: 'OrdersNew', Item: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } } }),
    );

    // Act
    await createTable(client, ordersTable, 'OrdersNew');

    // Assess
    const { Count } = await client.send(new ScanCommand({ TableName: 'OrdersNew', Select: 'COUNT' }));
    expect(Count).toBe(1);
  });
});
