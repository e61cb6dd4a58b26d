// A lease: one item (`pk = LEASE#<name>`, `sk = LEASE`) in the Orders table that at most one holder owns until it
// expires. A scheduled job takes it before it starts, so a run that the schedule fires while the previous one is
// still going does nothing; a holder that died without giving it back loses it when it expires.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from './dynamo';
import type { Db } from './order-store';

const leaseKey = (name: string) => ({ pk: `LEASE#${name}`, sk: 'LEASE' as const });

/**
 * Takes the lease `name` for `holder` until `until` (ISO time), unless another holder has it: not given back and not
 * expired by `now`. One conditional put: of two concurrent takers exactly one succeeds.
 */
export const takeLease = (
  db: Db,
  name: string,
  holder: string,
  now: string,
  until: string,
): Promise<boolean> =>
  writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: { ...leaseKey(name), holder, takenAt: now, until, released: false },
      ConditionExpression: 'attribute_not_exists(pk) OR released = :released OR #until <= :now',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':now': now, ':released': true },
    }),
  );

/** Gives the lease back, if `holder` still has it; false when it had lost it meanwhile. */
export const releaseLease = (db: Db, name: string, holder: string, now: string): Promise<boolean> =>
  writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: { ...leaseKey(name), holder, until: now, released: true },
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': holder },
    }),
  );
