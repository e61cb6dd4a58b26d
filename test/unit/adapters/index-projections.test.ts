// Every query of an Orders index reads only what the index holds (catalog/tables.ts): a query that projects or
// filters on an attribute the index does not project gets nothing for it, silently, so a narrowed projection or a
// reader that starts reading one more attribute must fail here instead. Each reader of functions/adapters/ runs
// against a store that records its queries; every index of the table must be read by one of them.
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ordersTable, type IndexSpec } from '../../../catalog/tables';
import {
  customerHistory,
  findByTracking,
  findOrderIdByPayment,
  kpiRecords,
  listOrders,
  otherCustomersSince,
  receivedBefore,
  silentParcelOrders,
  type Db,
} from '../../../functions/adapters/order-store';

/** A store that answers every query with nothing and records what was asked. */
const recordingDb = (): { db: Db; queries: QueryCommandInput[] } => {
  const queries: QueryCommandInput[] = [];
  const doc = {
    send: (command: { input: QueryCommandInput }) => {
      queries.push(command.input);
      return Promise.resolve({ Items: [] });
    },
  };
  return { db: { doc, tables: { orders: 'Orders', inventory: 'Inventory' } } as unknown as Db, queries };
};

/** Every reader of an Orders index, with the arguments that make it use each of its expressions. */
const readers: Record<string, (db: Db) => Promise<unknown>> = {
  'kpiRecords, one storefront': (db) =>
    kpiRecords(db, { from: '2031-01-01T00:00:00.000Z', to: '2031-01-02T00:00:00.000Z', storefrontId: 's' }),
  'listOrders across storefronts, by status': (db) => listOrders(db, { limit: 5, statuses: ['SHIPPED'] }),
  'listOrders of a storefront, by status': (db) =>
    listOrders(db, { limit: 5, storefrontId: 's', statuses: ['SHIPPED'] }),
  'listOrders of customers, by status': (db) =>
    listOrders(db, { limit: 5, customerKeys: ['c'], statuses: ['SHIPPED'] }),
  findByTracking: (db) => findByTracking(db, 'SBX1'),
  findOrderIdByPayment: (db) => findOrderIdByPayment(db, 'pi_1'),
  customerHistory: (db) => customerHistory(db, 'c', '2031-01-01T00:00:00.000Z', 'ord_1'),
  'otherCustomersSince, payment method': (db) =>
    otherCustomersSince(db, 'byPaymentMethod', 'h', '2031-01-01T00:00:00.000Z', 'c'),
  'otherCustomersSince, source IP': (db) =>
    otherCustomersSince(db, 'bySourceIp', 'h', '2031-01-01T00:00:00.000Z', 'c'),
  receivedBefore: (db) => receivedBefore(db, '0', '2031-01-01T00:00:00.000Z', 10),
  silentParcelOrders: (db) => silentParcelOrders(db, '0', '2031-01-01T00:00:00.000Z', 10),
};

const expressionWords = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'begins_with',
  'contains',
  'size',
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
]);

/** The top-level attributes an expression names (`#name` resolved; `:values`, functions and nested paths left out). */
const attributesIn = (expression: string | undefined, names: Record<string, string> = {}): string[] =>
  [...(expression ?? '').matchAll(/(?<![:\w#.])#?[A-Za-z_]\w*/g)]
    .map(([token]) => (token.startsWith('#') ? names[token] : token))
    .filter((token): token is string => token !== undefined && !expressionWords.has(token));

/** What an index holds: whole items, or the table's and its own keys and the attributes it includes. */
const heldBy = (index: IndexSpec): Set<string> | 'everything' =>
  index.include
    ? new Set([
        ordersTable.partitionKey.name,
        ...(ordersTable.sortKey ? [ordersTable.sortKey.name] : []),
        index.partitionKey.name,
        ...(index.sortKey ? [index.sortKey.name] : []),
        ...index.include,
      ])
    : 'everything';

const indexNamed = (name: string | undefined): IndexSpec | undefined =>
  ordersTable.globalSecondaryIndexes.find((index) => index.indexName === name);

describe('the Orders indexes and their readers', () => {
  it.each(Object.entries(readers))('%s reads only attributes its index projects', async (_name, read) => {
    // Prepare
    const { db, queries } = recordingDb();

    // Act
    await read(db);

    // Assess
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      const index = indexNamed(query.IndexName);
      expect(index, `index ${query.IndexName}`).toBeDefined();
      const held = heldBy(index!);
      const keys = [index!.partitionKey.name, ...(index!.sortKey ? [index!.sortKey.name] : [])];
      const names = query.ExpressionAttributeNames;
      expect(attributesIn(query.KeyConditionExpression, names).every((a) => keys.includes(a))).toBe(true);
      if (held === 'everything') continue;
      // A narrow index answers with what it holds: the reader must name what it reads.
      expect(query.ProjectionExpression, `${query.IndexName} needs a ProjectionExpression`).toBeDefined();
      const read = [
        ...attributesIn(query.ProjectionExpression, names),
        ...attributesIn(query.FilterExpression, names),
      ];
      expect(read.length).toBeGreaterThan(0);
      expect({ index: query.IndexName, notProjected: read.filter((a) => !held.has(a)) }).toEqual({
        index: query.IndexName,
        notProjected: [],
      });
    }
  });

  it('has a reader for every index, so none is projected for nobody', async () => {
    // Prepare
    const { db, queries } = recordingDb();

    // Act
    for (const read of Object.values(readers)) await read(db);

    // Assess
    const read = new Set(queries.map((query) => query.IndexName));
    expect(
      ordersTable.globalSecondaryIndexes.map((index) => index.indexName).filter((i) => !read.has(i)),
    ).toEqual([]);
  });

  it('finds the attributes an expression names', () => {
    // Act / Assess
    expect(attributesIn('orderId, returnId')).toEqual(['orderId', 'returnId']);
    expect(attributesIn('#status IN (:st0, :st1) AND storefrontId = :s', { '#status': 'status' })).toEqual([
      'status',
      'storefrontId',
    ]);
    expect(attributesIn('begins_with(pk, :p) AND size(kpi.days) > :n')).toEqual(['pk', 'kpi']);
  });
});
