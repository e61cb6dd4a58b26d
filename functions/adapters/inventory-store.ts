// Stock per SKU without transactions: each order's reservation is one conditional update per line that moves
// quantity from `available` to `reserved` and adds the order id to the SKU's `holds` set. The set makes every
// operation idempotent (reserve twice, release twice: the second does nothing) and the condition
// `available >= :q` makes overselling impossible under any concurrency.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from './dynamo';
import type { Db } from './order-store';

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

interface StockItem extends StockLevel {
  holds?: Set<string>;
}

export const getStock = async (db: Db, sku: string): Promise<StockLevel> => {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tables.inventory, Key: { sku }, ConsistentRead: true }),
  );
  const item = Item as StockItem | undefined;
  return { sku, available: item?.available ?? 0, reserved: item?.reserved ?? 0 };
};

/** Sets the available quantity (what can still be sold); reservations are untouched. */
export const setAvailable = async (db: Db, sku: string, available: number): Promise<StockLevel> => {
  const { Attributes } = await db.doc.send(
    new UpdateCommand({
      TableName: db.tables.inventory,
      Key: { sku },
      UpdateExpression: 'SET available = :a, reserved = if_not_exists(reserved, :zero)',
      ExpressionAttributeValues: { ':a': available, ':zero': 0 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const item = Attributes as StockItem;
  return { sku, available: item.available, reserved: item.reserved };
};

/** A SKU is known once inventory has a record of it, even with nothing available. */
export const isKnownSku = async (db: Db, sku: string): Promise<boolean> => {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tables.inventory, Key: { sku }, ProjectionExpression: 'sku' }),
  );
  return Item !== undefined;
};

const holds = async (db: Db, sku: string, orderId: string): Promise<boolean> => {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tables.inventory, Key: { sku }, ConsistentRead: true }),
  );
  return (Item as StockItem | undefined)?.holds?.has(orderId) ?? false;
};

/** Reserves `quantity` of `sku` for the order. Returns false when there is not enough stock. */
export const reserve = async (db: Db, orderId: string, sku: string, quantity: number): Promise<boolean> => {
  const reserved = await writeIf(
    db.doc,
    new UpdateCommand({
      TableName: db.tables.inventory,
      Key: { sku },
      UpdateExpression: 'SET available = available - :q, reserved = reserved + :q ADD holds :order',
      ConditionExpression: 'available >= :q AND (attribute_not_exists(holds) OR NOT contains(holds, :id))',
      ExpressionAttributeValues: { ':q': quantity, ':order': new Set([orderId]), ':id': orderId },
    }),
  );
  // Not reserved now: either this order already holds the stock (a retried step) or there is not enough.
  return reserved || holds(db, sku, orderId);
};

/**
 * Ends the order's hold on `sku`: `release` puts the quantity back on sale, `commit` removes it for good (the
 * parcel has shipped). A no-op when the order holds nothing of this SKU.
 */
const endHold = (
  db: Db,
  orderId: string,
  sku: string,
  quantity: number,
  how: 'release' | 'commit',
): Promise<boolean> =>
  writeIf(
    db.doc,
    new UpdateCommand({
      TableName: db.tables.inventory,
      Key: { sku },
      UpdateExpression:
        how === 'release'
          ? 'SET available = available + :q, reserved = reserved - :q DELETE holds :order'
          : 'SET reserved = reserved - :q ADD sold :q DELETE holds :order',
      ConditionExpression: 'contains(holds, :id)',
      ExpressionAttributeValues: { ':q': quantity, ':order': new Set([orderId]), ':id': orderId },
    }),
  );

export const release = (db: Db, orderId: string, sku: string, quantity: number) =>
  endHold(db, orderId, sku, quantity, 'release');

/** Puts back whatever stock the order still holds, line by line (each idempotent). */
export const releaseOrder = async (
  db: Db,
  order: { orderId: string; items: ReadonlyArray<{ sku: string; quantity: number }> },
): Promise<void> => {
  for (const item of order.items) await release(db, order.orderId, item.sku, item.quantity);
};

export const commit = (db: Db, orderId: string, sku: string, quantity: number) =>
  endHold(db, orderId, sku, quantity, 'commit');

/**
 * Returns use the same idea with a second set, `expectedBack`: opening a return adds its key (nothing moves), and
 * the parcel's arrival moves the quantity back to `available` only if the key is still there, removing it. So a
 * restock happens once per return however often the step runs, and the set only holds open returns.
 */
export const expectReturn = async (db: Db, key: string, sku: string): Promise<void> => {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tables.inventory,
      Key: { sku },
      UpdateExpression:
        'SET available = if_not_exists(available, :zero), reserved = if_not_exists(reserved, :zero) ADD expectedBack :key',
      ExpressionAttributeValues: { ':key': new Set([key]), ':zero': 0 },
    }),
  );
};

const endReturn = (db: Db, key: string, sku: string, quantity: number, restock: boolean): Promise<boolean> =>
  writeIf(
    db.doc,
    new UpdateCommand({
      TableName: db.tables.inventory,
      Key: { sku },
      UpdateExpression: restock
        ? 'SET available = available + :q DELETE expectedBack :key'
        : 'DELETE expectedBack :key',
      ConditionExpression: 'contains(expectedBack, :id)',
      ExpressionAttributeValues: {
        ':key': new Set([key]),
        ':id': key,
        ...(restock ? { ':q': quantity } : {}),
      },
    }),
  );

/** The returned quantity is back in the warehouse: on sale again, once. */
export const restock = (db: Db, key: string, sku: string, quantity: number) =>
  endReturn(db, key, sku, quantity, true);

/** The return never came back: forget it without restocking. */
export const abandonReturn = (db: Db, key: string, sku: string) => endReturn(db, key, sku, 0, false);
