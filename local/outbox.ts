// Every email, SMS and operator alert the local system sent, oldest first, kept in the local store so it survives
// restarts. This is what `GET /_local/outbox` shows and what the workflow tests assert on.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchedPuts } from './batched-puts';

export interface OutboxMessage {
  at: string;
  channel: 'email' | 'sms' | 'ops';
  to: string;
  subject: string;
  text: string;
  /** An email's HTML part, as the mail viewer shows it (emails only). */
  html?: string | undefined;
  template: string;
  orderId: string;
}

export class Outbox {
  private sequence = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    /** The batched puts into `table`: messages sent at the same time share a write. */
    private readonly puts: BatchedPuts,
  ) {}

  async record(message: OutboxMessage): Promise<void> {
    // Sort key: time + a per-process sequence, so messages of the same millisecond keep their order.
    this.sequence = (this.sequence + 1) % 1_000_000;
    const sk = `${message.at}#${String(this.sequence).padStart(6, '0')}`;
    await this.puts.put({ pk: 'OUTBOX', sk, message });
  }

  async list(filter: { orderId?: string | undefined } = {}): Promise<OutboxMessage[]> {
    // Messages recorded so far are in the store before it is read.
    await this.puts.flush();
    const messages: OutboxMessage[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'OUTBOX' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) messages.push(item.message as OutboxMessage);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return filter.orderId ? messages.filter((m) => m.orderId === filter.orderId) : messages;
  }
}
