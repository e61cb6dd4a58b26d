// Store credit: refunds a customer chose to keep with the storefront. One item per storefront and customer (the
// email's SHA-256, never the email itself in a key), with a balance per currency and a ledger entry per return,
// so crediting the same return twice is impossible.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerHash } from '../domain/hash';
import { writeIf } from './dynamo';
import type { Db } from './order-store';

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
  pk: `CREDIT#${storefrontId}#${customerHash(email)}`,
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
  // Each write is a no-op when its condition fails: the account exists already, this return was credited already.
  await writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: { ...Key, balances: {}, entries: {} },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await writeIf(
    db.doc,
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
