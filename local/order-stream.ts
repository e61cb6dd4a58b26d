// The local emulation of the Orders table's stream and of the event source mapping that hands it to its consumer
// (catalog/functions.ts `stream`, lib/constructs/stream-consumers.ts in AWS). The local store reports every
// committed put of an order item with the item it replaced (local/dynamo-store.ts); each becomes a record shaped as
// DynamoDB Streams shapes it (`DynamoDBStreamEvent`), and the consumer (PublishOrderEvents, from its sources or its
// bundle) gets them in order, in batches of the catalog's size, through the same Lambda runtime as every function.
// A record the consumer reports failed is handed again, with the ones after it, after a growing pause, up to the
// catalog's retries; then it is set aside (as AWS sends its position to the on-failure queue) and logged.
//
// On disk, the version last handed per order is kept in the local engine's table, and every status change is
// appended to a journal file as it is committed, so a start after a crash catches up: each status change of an
// order stored at a later version than its checkpoint is handed again from the journal, in order, with the event id
// of its own write, then the order as stored if a later write is not in the journal (the one a crash could cut off
// between the store's commit and the append). A data dir that had orders before the stream existed starts at the latest
// position, as a stream enabled on a table does. In memory nothing survives a stop, so nothing is kept.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  GetItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamSource } from '../catalog/functions';
import type { StoredOrderFields } from '../functions/domain/order-events';
import type { BatchedPuts } from './batched-puts';
import type { StoredItem, StoredPut } from './dynamo-store';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** Where the checkpoints live: the local engine's table, and the Orders table the catch-up reads. */
export interface StreamCheckpoints {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  table: string;
  puts: BatchedPuts;
  ordersTable: string;
  /**
   * A file the status changes are appended to as they are committed, so that a restart after a crash hands every
   * one of them, not only each order's latest (a JSON line each; rewritten at start to what is still to hand).
   */
  journal: string;
}

export interface OrderStreamOptions {
  source: StreamSource;
  streamArn: string;
  /** Invokes the consumer with one batch; its answer may name the records that failed (`batchItemFailures`). */
  invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** The first pause before a failed record is handed again; each retry waits twice as long, up to 5 s. */
  retryIntervalMs: number;
}

const CHECKPOINTS = 'ORDER_STREAM';
/** Written once the stream has a position in this data dir: from then on every write is caught up. */
const SINCE = '#since';
const MAX_PAUSE_MS = 5_000;

interface Checkpoint {
  version: number;
  status: string;
}

const orderIdOf = (image: StoredItem | Image): string => (image.pk?.S ?? '').replace(/^ORDER#/, '');

/** A status change as the journal keeps it: what an order event is made of, and the status before. */
interface JournalEntry extends StoredOrderFields {
  pk: string;
  previousStatus?: string;
}

const journalEntry = (oldItem: StoredItem | undefined, newItem: StoredItem): JournalEntry => ({
  pk: newItem.pk?.S ?? '',
  orderId: newItem.orderId?.S ?? '',
  storefrontId: newItem.storefrontId?.S ?? '',
  status: newItem.status?.S ?? '',
  version: Number(newItem.version?.N ?? 0),
  updatedAt: newItem.updatedAt?.S ?? '',
  ...(oldItem?.status?.S ? { previousStatus: oldItem.status.S } : {}),
});

/** The journal's entries, oldest first; a line a crash cut short is not an entry. */
const readJournal = (file: string): JournalEntry[] => {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as JournalEntry] : [];
      } catch {
        return [];
      }
    });
};

/** Replaces the journal with `entries`, atomically (a crash leaves the old or the new one). */
const rewriteJournal = (file: string, entries: readonly JournalEntry[]): void => {
  writeFileSync(`${file}.next`, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  renameSync(`${file}.next`, file);
};

/** An order item's image with the fields an order event is made of. */
const entryImage = (entry: JournalEntry): StoredItem => ({
  pk: { S: entry.pk },
  sk: { S: 'ORDER' },
  orderId: { S: entry.orderId },
  storefrontId: { S: entry.storefrontId },
  status: { S: entry.status },
  version: { N: String(entry.version) },
  updatedAt: { S: entry.updatedAt },
});

/** The image last handed for an order, as its checkpoint keeps it: its keys, version and status. */
const checkpointImage = (
  order: Record<string, AttributeValue>,
  orderId: string,
  checkpoint: Checkpoint,
): StoredItem => ({
  pk: order.pk!,
  sk: order.sk!,
  orderId: { S: orderId },
  version: { N: String(checkpoint.version) },
  status: { S: checkpoint.status },
});

export class LocalOrderStream {
  private readonly queue: DynamoDBRecord[] = [];
  /** Records given up on after their retries, oldest first (AWS: their positions go to the on-failure queue). */
  readonly setAside: DynamoDBRecord[] = [];
  private checkpoints: StreamCheckpoints | undefined;
  private sequence = BigInt(Date.now()) * 1_000_000n;
  private attempts = 0;
  private started = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private pause: { timer: NodeJS.Timeout; done: () => void } | undefined;

  constructor(private readonly options: OrderStreamOptions) {}

  /** Keeps the position per order in `checkpoints`, for the catch-up of the next start (a data dir on disk). */
  persistIn(checkpoints: StreamCheckpoints): void {
    this.checkpoints = checkpoints;
  }

  /** A committed put of the Orders table: a record when it wrote an order item (the mapping's filter). */
  record(put: StoredPut): void {
    if (put.newItem.sk?.S !== 'ORDER') return;
    if (this.checkpoints && put.oldItem?.status?.S !== put.newItem.status?.S) {
      appendFileSync(this.checkpoints.journal, `${JSON.stringify(journalEntry(put.oldItem, put.newItem))}\n`);
    }
    this.enqueue(put.oldItem, put.newItem);
  }

  /** Records not handed yet, and the batch in flight. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Before the first start: queues again every order stored at a later version than its checkpoint (the writes a
   * crash left unpublished), or, in a data dir the stream is new to, makes the current versions the position.
   * Returns how many records it queued.
   */
  async catchUp(): Promise<number> {
    const store = this.checkpoints;
    if (!store) return 0;
    const since = await store.doc.send(
      new GetCommand({ TableName: store.table, Key: { pk: CHECKPOINTS, sk: SINCE }, ConsistentRead: true }),
    );
    const kept = await this.readCheckpoints(store);
    const orders = await this.orderVersions(store);
    if (!since.Item) {
      await Promise.all([
        ...orders.map((order) => this.keep(orderIdOf(order), order)),
        store.puts.put({ pk: CHECKPOINTS, sk: SINCE, at: new Date().toISOString() }),
      ]);
      return 0;
    }
    const journal = readJournal(store.journal);
    const pending = journal.filter((entry) => entry.version > (kept.get(entry.orderId)?.version ?? 0));
    rewriteJournal(store.journal, pending);
    const pendingByOrder = new Map<string, JournalEntry[]>();
    for (const entry of pending) {
      const entries = pendingByOrder.get(entry.orderId) ?? [];
      entries.push(entry);
      pendingByOrder.set(entry.orderId, entries);
    }
    let queued = 0;
    for (const order of orders) {
      const orderId = orderIdOf(order);
      const checkpoint = kept.get(orderId);
      if (Number(order.version?.N ?? 0) <= (checkpoint?.version ?? 0)) continue;
      // The status changes the journal kept, in order; then the order as stored, if a later write is not in it.
      let last: StoredItem | undefined = checkpoint && checkpointImage(order, orderId, checkpoint);
      for (const entry of pendingByOrder.get(orderId) ?? []) {
        const image = entryImage(entry);
        this.enqueue(last, image);
        last = image;
        queued += 1;
      }
      if (Number(order.version?.N ?? 0) <= Number(last?.version?.N ?? 0)) continue;
      const { Item } = await store.client.send(
        new GetItemCommand({
          TableName: store.ordersTable,
          Key: { pk: order.pk!, sk: order.sk! },
          ConsistentRead: true,
        }),
      );
      if (!Item) continue;
      // The image before is what was last handed, or last journaled: the order's keys, version and status.
      this.enqueue(last, Item);
      queued += 1;
    }
    return queued;
  }

  /** Starts handing records to the consumer. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Stops handing records once the batch in flight is answered; what is left is caught up at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.done();
    }
    while (this.running) await this.running;
  }

  private enqueue(oldItem: StoredItem | undefined, newItem: StoredItem): void {
    this.sequence += 1n;
    const sequence = this.sequence.toString();
    this.queue.push({
      eventID: sequence,
      eventName: oldItem ? 'MODIFY' : 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'local',
      eventSourceARN: this.options.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { pk: newItem.pk, sk: newItem.sk } as Image,
        NewImage: newItem as Image,
        ...(oldItem ? { OldImage: oldItem as Image } : {}),
        SequenceNumber: sequence,
        SizeBytes: JSON.stringify(newItem).length + (oldItem ? JSON.stringify(oldItem).length : 0),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    this.pump();
  }

  private pump(): void {
    if (!this.started || this.stopped || this.running || this.queue.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.source.batchSize);
      const failedAt = await this.hand(batch);
      const done = this.queue.splice(0, failedAt);
      if (done.length > 0) this.attempts = 0;
      this.checkpoint(done);
      if (failedAt === batch.length) continue;
      this.attempts += 1;
      if (this.attempts > this.options.source.retryAttempts) {
        const given = this.queue.splice(0, 1);
        this.setAside.push(...given);
        this.checkpoint(given);
        this.attempts = 0;
        console.error(
          `the order stream set aside record ${given[0]?.dynamodb?.SequenceNumber} of order ` +
            `${orderIdOf(given[0]?.dynamodb?.Keys ?? {})} after ${this.options.source.retryAttempts} retries`,
        );
        continue;
      }
      await this.wait(Math.min(MAX_PAUSE_MS, this.options.retryIntervalMs * 2 ** (this.attempts - 1)));
    }
  }

  /** Hands one batch; answers the index of its first failed record (its length when none failed). */
  private async hand(batch: DynamoDBRecord[]): Promise<number> {
    try {
      const answer = (await this.options.invoke({ Records: batch })) as DynamoDBBatchResponse | undefined;
      const failed = new Set((answer?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      const at = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      return at === -1 ? batch.length : at;
    } catch {
      // The consumer failed as a whole (its own log says why): the batch is handed again.
      return 0;
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.pause = undefined;
        resolve();
      };
      this.pause = { timer: setTimeout(done, ms), done };
    });
  }

  /** Keeps the latest version handed of each order in `records` (not awaited: a late one is only a repeat). */
  private checkpoint(records: DynamoDBRecord[]): void {
    if (!this.checkpoints) return;
    const latest = new Map<string, Image>();
    for (const record of records) {
      const image = record.dynamodb?.NewImage;
      if (image) latest.set(orderIdOf(image), image);
    }
    for (const [orderId, image] of latest) {
      this.keep(orderId, image).catch((error: unknown) =>
        console.error(`the order stream could not keep its position of order ${orderId}`, error),
      );
    }
  }

  private keep(orderId: string, image: StoredItem | Image): Promise<void> {
    return this.checkpoints!.puts.put({
      pk: CHECKPOINTS,
      sk: orderId,
      version: Number(image.version?.N ?? 0),
      status: image.status?.S ?? '',
    });
  }

  private async readCheckpoints(store: StreamCheckpoints): Promise<Map<string, Checkpoint>> {
    const kept = new Map<string, Checkpoint>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await store.doc.send(
        new QueryCommand({
          TableName: store.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': CHECKPOINTS },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk !== SINCE) kept.set(item.sk as string, item as unknown as Checkpoint);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return kept;
  }

  /** Every order item's keys, version and status. */
  private async orderVersions(store: StreamCheckpoints): Promise<Record<string, AttributeValue>[]> {
    const orders: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await store.client.send(
        new ScanCommand({
          TableName: store.ordersTable,
          FilterExpression: 'sk = :order',
          ProjectionExpression: 'pk, sk, version, #status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':order': { S: 'ORDER' } },
          ExclusiveStartKey: startKey,
        }),
      );
      orders.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return orders;
  }
}
