// Store credit: refunds a customer chose to keep with the storefront. One item per storefront and customer (the
// email's SHA-256, never the email itself in a key), with a balance per currency and a ledger entry per return,
// so crediting the same return twice is impossible.
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Db } from './order-store';

export interface CreditEntry {
  amount: number;
  currency: string;
  orderId: string;
  returnId: string;
  at: string;
}

export interface CreditAccount {
  balances: Record<string, number>;
  entries: CreditEntry[];
}

const creditKey = (storefrontId: string, email: string) => ({
  pk: `CREDIT#${storefrontId}#${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`,
  sk: 'CREDIT',
});

/** Adds a return's refund to the customer's credit; a second call for the same return changes nothing. */
export const addCredit = async (
  db: Db,
  storefrontId: string,
  email: string,
  entry: CreditEntry,
): Promise<void> => {
  const Key = creditKey(storefrontId, email);
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.orders,
        Item: { ...Key, balances: {}, entries: {} },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tables.orders,
        Key,
        UpdateExpression:
          'SET balances.#cur = if_not_exists(balances.#cur, :zero) + :amount, entries.#ret = :entry',
        ConditionExpression: 'attribute_not_exists(entries.#ret)',
        ExpressionAttributeNames: { '#cur': entry.currency, '#ret': entry.returnId },
        ExpressionAttributeValues: { ':zero': 0, ':amount': entry.amount, ':entry': entry },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error; // this return was credited already
  }
};

export const getCredit = async (db: Db, storefrontId: string, email: string): Promise<CreditAccount> => {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tables.orders,
      Key: creditKey(storefrontId, email),
      ConsistentRead: true,
    }),
  );
  const stored = Item as
    { balances?: Record<string, number>; entries?: Record<string, CreditEntry> } | undefined;
  return {
    balances: stored?.balances ?? {},
    entries: Object.values(stored?.entries ?? {}).sort((a, b) => a.at.localeCompare(b.at)),
  };
};
