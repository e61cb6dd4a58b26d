// The local engine's own writes (execution progress, the outbox) into its table, gathered into BatchWriteItem
// calls: every put waiting when the previous batch returns goes out in the next one, 25 items a request, and a
// later put of the same key replaces the waiting one (only the latest version of an item is worth writing). A
// put's promise resolves once its item, or a later version of it, is stored, so a caller that awaits it has the
// same durability as with its own PutItem; under load many callers share one round trip to the store.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown> & { pk: string; sk: string };

interface Waiting {
  item: Item;
  settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** DynamoDB's limit of items per BatchWriteItem request. */
const maxBatchItems = 25;
/** Rounds of UnprocessedItems retried before a batch's remaining puts fail. */
const maxRounds = 5;

const keyOf = (item: { pk: string; sk: string }): string => `${item.pk}\u0000${item.sk}`;

export class BatchedPuts {
  private waiting = new Map<string, Waiting>();
  private inFlight = new Map<string, Item>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores `item` (a full replacement, as PutItem); resolves once it or a later version of it is stored. */
  put(item: Item): Promise<void> {
    const key = keyOf(item);
    return new Promise<void>((resolve, reject) => {
      const waiting = this.waiting.get(key);
      if (waiting) {
        waiting.item = item;
        waiting.settle.push({ resolve, reject });
      } else {
        this.waiting.set(key, { item, settle: [{ resolve, reject }] });
      }
      this.flushing ??= this.drain();
    });
  }

  /** The latest version of an item not stored yet (written or about to be), for reading one's own writes. */
  pending(key: { pk: string; sk: string }): Item | undefined {
    const id = keyOf(key);
    return this.waiting.get(id)?.item ?? this.inFlight.get(id);
  }

  /** Resolves once every put made so far is stored (or has failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the puts of this turn of the event loop join the first batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.waiting.size > 0) {
        const batch = this.waiting;
        this.waiting = new Map();
        this.inFlight = new Map([...batch].map(([key, waiting]) => [key, waiting.item]));
        const entries = [...batch.values()];
        const chunks: Waiting[][] = [];
        for (let i = 0; i < entries.length; i += maxBatchItems)
          chunks.push(entries.slice(i, i + maxBatchItems));
        // Keys are unique within a batch, so its requests may run side by side without reordering any item.
        await Promise.all(chunks.map((chunk) => this.write(chunk)));
        this.inFlight = new Map();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(chunk: Waiting[]): Promise<void> {
    let unprocessed = chunk;
    try {
      for (let round = 0; unprocessed.length > 0; round += 1) {
        if (round === maxRounds) throw new Error(`the store left ${unprocessed.length} puts unprocessed`);
        const { UnprocessedItems } = await this.doc.send(
          new BatchWriteCommand({
            RequestItems: { [this.table]: unprocessed.map(({ item }) => ({ PutRequest: { Item: item } })) },
          }),
        );
        const left = new Set(
          (UnprocessedItems?.[this.table] ?? []).map((request) => keyOf(request.PutRequest!.Item as Item)),
        );
        for (const waiting of unprocessed) {
          if (!left.has(keyOf(waiting.item))) for (const { resolve } of waiting.settle) resolve();
        }
        unprocessed = unprocessed.filter((waiting) => left.has(keyOf(waiting.item)));
      }
    } catch (error) {
      for (const waiting of unprocessed) for (const { reject } of waiting.settle) reject(error);
    }
  }
}
