// The local engine's batched puts: puts made while a batch is out share the next BatchWriteItem, only the latest
// version of an item is written, a put resolves once its item is stored, and a failed write fails its puts.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../functions/adapters/dynamo';
import { dynamoClient } from '../../../local/aws-clients';
import { BatchedPuts } from '../../../local/batched-puts';
import { startLocalStore, type LocalStore } from '../../../local/dynamo-store';
import { createTable, keyValueTableSpec } from '../../../local/tables';

describe('BatchedPuts', () => {
  let store: LocalStore;
  let client: ReturnType<typeof dynamoClient>;
  let doc: ReturnType<typeof documentClient>;
  const requests: string[] = [];

  beforeAll(async () => {
    store = await startLocalStore();
    client = dynamoClient(store.endpoint);
    await createTable(client, keyValueTableSpec('Engine'));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'recordRequests' },
    );
    doc = documentClient(client);
  });
  afterAll(async () => {
    client.destroy();
    await store.close();
  });

  const stored = async (pk: string) =>
    (await doc.send(new GetCommand({ TableName: 'Engine', Key: { pk, sk: 'ITEM' } }))).Item;

  it('stores 60 puts made together in 3 requests, each put resolved once its item is stored', async () => {
    // Prepare
    const puts = new BatchedPuts(doc, 'Engine');
    requests.length = 0;

    // Act
    await Promise.all(Array.from({ length: 60 }, (_, i) => puts.put({ pk: `MANY#${i}`, sk: 'ITEM', n: i })));
    const written = [...requests];

    // Assess
    expect(written).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand']);
    expect(await stored('MANY#0')).toMatchObject({ n: 0 });
    expect(await stored('MANY#59')).toMatchObject({ n: 59 });
  });

  it('writes the latest version of an item, and shows it as pending until it is stored', async () => {
    // Prepare
    const puts = new BatchedPuts(doc, 'Engine');

    // Act
    const first = puts.put({ pk: 'LATEST', sk: 'ITEM', state: 'Validate' });
    const second = puts.put({ pk: 'LATEST', sk: 'ITEM', state: 'Reserve' });
    const pending = puts.pending({ pk: 'LATEST', sk: 'ITEM' });
    await Promise.all([first, second]);

    // Assess
    expect(pending).toMatchObject({ state: 'Reserve' });
    expect(await stored('LATEST')).toMatchObject({ state: 'Reserve' });
    expect(puts.pending({ pk: 'LATEST', sk: 'ITEM' })).toBeUndefined();
  });

  it('writes a put made while its earlier version is out after it, so the store keeps the later one', async () => {
    // Prepare
    const puts = new BatchedPuts(doc, 'Engine');
    const first = puts.put({ pk: 'ORDERED', sk: 'ITEM', state: 'first' });
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const second = puts.put({ pk: 'ORDERED', sk: 'ITEM', state: 'second' });
    await Promise.all([first, second]);

    // Assess
    expect(await stored('ORDERED')).toMatchObject({ state: 'second' });
  });

  it('has every put made so far stored when flush resolves', async () => {
    // Prepare
    const puts = new BatchedPuts(doc, 'Engine');
    for (let i = 0; i < 30; i += 1) void puts.put({ pk: 'FLUSHED', sk: `ITEM#${i}` });

    // Act
    await puts.flush();

    // Assess
    const { Count } = await doc.send(
      new QueryCommand({
        TableName: 'Engine',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'FLUSHED' },
      }),
    );
    expect(Count).toBe(30);
  });

  it('fails the puts of a batch the store refuses, and writes the next ones', async () => {
    // Prepare
    const puts = new BatchedPuts(doc, 'Engine');

    // Act
    const tooBig = puts.put({ pk: 'REFUSED', sk: 'ITEM', blob: 'x'.repeat(500 * 1024) });
    await expect(tooBig).rejects.toThrow();
    await puts.put({ pk: 'AFTER', sk: 'ITEM' });

    // Assess
    expect(await stored('REFUSED')).toBeUndefined();
    expect(await stored('AFTER')).toBeDefined();
  });
});
