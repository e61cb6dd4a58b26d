// What every DynamoDB adapter shares: the DocumentClient settings, recognising a failed write condition, a write
// that answers whether its condition held, and the loop of an optimistic update (read, decide, write on condition,
// start over when another writer won).
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';

export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** Sends a conditional put or update: true when it was written, false when its condition did not hold. */
export const writeIf = async (
  doc: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand,
): Promise<boolean> => {
  try {
    // One `send` overload per command type; neither output is of interest here.
    await (command instanceof PutCommand ? doc.send(command) : doc.send(command));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** What an attempt of `retryLostRaces` answers when its conditional write lost to another writer. */
export const LOST_RACE: unique symbol = Symbol('lost race');

/**
 * Runs `attempt` until it answers something other than LOST_RACE, at most `attempts` times; then throws what
 * `exhausted` makes. Each attempt reads fresh state itself, so a retry decides again on what the winner wrote.
 */
export const retryLostRaces = async <T>(
  attempts: number,
  attempt: () => Promise<T | typeof LOST_RACE>,
  exhausted: () => Error,
): Promise<T> => {
  for (let n = 0; n < attempts; n += 1) {
    const outcome = await attempt();
    if (outcome !== LOST_RACE) return outcome;
  }
  throw exhausted();
};
