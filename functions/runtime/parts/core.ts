// The core part: the configuration, the tables (DynamoDB) and the clock. Every function with a table has it; the
// payment and carrier parts share its store for the sandbox providers' records.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../adapters/dynamo';
import type { Db } from '../../adapters/order-store';
import type { CoreDeps } from '../deps';
import { clientOf, type Part, type PartContext } from './part';

/** The function's store: one DocumentClient over its DynamoDB client. */
export const dbOf = (context: PartContext): Db =>
  context.shared('db', () => ({
    doc: documentClient(clientOf(context, 'dynamo', () => new DynamoDBClient({}))),
    tables: context.config.tables,
  }));

export const corePart: Part<CoreDeps> = (context) => ({
  config: context.config,
  db: dbOf(context),
  now: context.options.now ?? (() => new Date()),
});
