// Says who writes what. The local counters give totals; this ledger, a second middleware on the same counted
// DynamoDB client, splits them by Lambda function and by item kind (order, inventory, sandbox payment or shipment
// records that a real Stripe/EasyPost deployment would not write). It also sees what the counters cannot: writes
// whose condition failed (DynamoDB bills them; the counters only count answers) and the write units each order
// write costs again in the global secondary indexes (dynalite reports table units only), as DynamoDB bills them:
// from the index's projection (catalog/tables.ts) and the item before and after the write.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MetadataBearer, InitializeMiddleware } from '@smithy/types';
import { ordersTable, type IndexSpec } from '../catalog/tables';
import type { LocalSystem } from '../local/system';

interface Tally {
  reads: number;
  readUnits: number;
  writes: number;
  writeUnits: number;
  failedWrites: number;
  /** Estimated write units of global secondary index maintenance. */
  indexWriteUnits: number;
}

export interface LedgerSummary {
  byFunction: Record<string, Tally>;
  byKind: Record<string, Tally>;
  total: Tally;
  /** Writes to sandbox provider records (`pk` starting with `SANDBOX#`). */
  sandboxWrites: number;
  sandboxReads: number;
}

export const emptyTally = (): Tally => ({
  reads: 0,
  readUnits: 0,
  writes: 0,
  writeUnits: 0,
  failedWrites: 0,
  indexWriteUnits: 0,
});

const reads = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const writes = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
/** The DocumentClient's command names map onto the low-level ones the counters use. */
const lowLevel: Record<string, string> = {
  GetCommand: 'GetItemCommand',
  PutCommand: 'PutItemCommand',
  UpdateCommand: 'UpdateItemCommand',
  DeleteCommand: 'DeleteItemCommand',
  QueryCommand: 'QueryCommand',
  ScanCommand: 'ScanCommand',
  BatchGetCommand: 'BatchGetItemCommand',
  BatchWriteCommand: 'BatchWriteItemCommand',
};

/** A key attribute as a string, whether the input is a DocumentClient one or a marshalled one (`{S: ...}`). */
const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
};

interface CommandInput {
  TableName?: string;
  IndexName?: string;
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
}

/** What kind of item a call touches: `ORDER`, `SANDBOX#PAYMENT`, `inventory`, `ORDER(query byCustomer)`, ... */
export const itemKind = (input: CommandInput, tables: { orders: string; inventory: string }): string => {
  if (input.TableName === tables.inventory) return 'inventory';
  if (input.TableName !== tables.orders) return `table ${input.TableName ?? '?'}`;
  if (input.IndexName) return `query ${input.IndexName}`;
  const pk = text((input.Key ?? input.Item)?.pk);
  if (!pk) return 'orders table (no key)';
  const parts = pk.split('#');
  return parts[0] === 'SANDBOX' ? `SANDBOX#${parts[1] ?? ''}` : (parts[0] ?? pk);
};

type Item = Record<string, unknown>;

/** Whether an index holds the item: it has the index's keys (a sparse index leaves out items without them). */
const holds = (index: IndexSpec, item: Item): boolean =>
  item[index.partitionKey.name] !== undefined && (!index.sortKey || item[index.sortKey.name] !== undefined);

/** The index's entry of an item: the whole item (`ALL`), or the table's and the index's keys and its `include`. */
const entryOf = (index: IndexSpec, item: Item): Item => {
  if (!index.include) return item;
  const names = [
    ordersTable.partitionKey.name,
    ...(ordersTable.sortKey ? [ordersTable.sortKey.name] : []),
    index.partitionKey.name,
    ...(index.sortKey ? [index.sortKey.name] : []),
    ...index.include,
  ];
  return Object.fromEntries(
    names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  );
};

/** A value's size as DynamoDB counts it (strings in UTF-8 bytes, numbers about a byte per two digits). */
const valueBytes = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/\D/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueBytes(v), 0);
  if (typeof value === 'object' && value) return 3 + itemBytes(value as Item) + Object.keys(value).length;
  return 0;
};

/** An item's size as DynamoDB counts it: every attribute's name and value. */
export const itemBytes = (item: Item): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);

/** Write units of writing (or deleting) one index entry: one per KB, at least one. */
const entryUnits = (entry: Item): number => Math.max(1, Math.ceil(itemBytes(entry) / 1024));

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The write units a put of `after` over `before` (undefined: a new item, or one not seen before) costs in one
 * index, by DynamoDB's rules: an entry added or removed is one write of its size, a changed index key two (the old
 * entry deleted, the new one put), a changed projected attribute one; a write that changes nothing the index holds
 * costs nothing there. An index holding whole items is written by every change of the item.
 */
export const indexUnits = (index: IndexSpec, before: Item | undefined, after: Item): number => {
  const was = before !== undefined && holds(index, before);
  const is = holds(index, after);
  if (!was && !is) return 0;
  if (!was) return entryUnits(entryOf(index, after));
  if (!is) return entryUnits(entryOf(index, before));
  const keys = [index.partitionKey.name, ...(index.sortKey ? [index.sortKey.name] : [])];
  if (keys.some((key) => !sameValue(before[key], after[key]))) {
    return entryUnits(entryOf(index, before)) + entryUnits(entryOf(index, after));
  }
  const entry = entryOf(index, after);
  return sameValue(entryOf(index, before), entry) ? 0 : entryUnits(entry);
};

/** The write units a put of an order item costs in all of the Orders table's indexes. */
export const indexWriteUnits = (before: Item | undefined, after: Item): number =>
  ordersTable.globalSecondaryIndexes.reduce((sum, index) => sum + indexUnits(index, before, after), 0);

/** The item's key in the Orders table, when the input names one. */
const itemKey = (input: CommandInput): string | undefined => {
  const key = input.Key ?? input.Item;
  const pk = text(key?.pk);
  return pk === undefined ? undefined : `${pk}|${text(key?.sk) ?? ''}`;
};

export class StoreLedger {
  private readonly context = new AsyncLocalStorage<string>();
  private byFunction = new Map<string, Tally>();
  private byKind = new Map<string, Tally>();
  /** The last image of each order item the application read or wrote: what an index held before a put. */
  private readonly images = new Map<string, Item>();

  private constructor(private readonly tables: { orders: string; inventory: string }) {}

  /**
   * Attaches the ledger to a running system: a middleware on the application's (counted) DynamoDB client, and
   * each Lambda invocation tagged with its function id so the middleware knows who is calling.
   */
  static attach(system: LocalSystem): StoreLedger {
    const ledger = new StoreLedger(system.deps.db.tables);
    const invoke = system.lambdas.invoke.bind(system.lambdas);
    system.lambdas.invoke = (functionId, event) =>
      ledger.context.run(functionId, () => invoke(functionId, event));
    // The DocumentClient shares its middleware stack with the client it wraps: this is the counted client's stack.
    system.deps.db.doc.middlewareStack.add(ledger.middleware(), {
      step: 'initialize',
      name: 'benchStoreLedger',
    });
    return ledger;
  }

  reset(): void {
    this.byFunction = new Map();
    this.byKind = new Map();
  }

  private tallies(kind: string): Tally[] {
    const functionId = this.context.getStore() ?? '(outside any function)';
    const forFunction = this.byFunction.get(functionId) ?? emptyTally();
    const forKind = this.byKind.get(kind) ?? emptyTally();
    this.byFunction.set(functionId, forFunction);
    this.byKind.set(kind, forKind);
    return [forFunction, forKind];
  }

  private middleware(): InitializeMiddleware<object, MetadataBearer> {
    return (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const command = lowLevel[name] ?? name;
      const input = (args as { input: CommandInput }).input;
      const kind = itemKind(input, this.tables);
      try {
        const result = await next(args);
        const key = kind === 'ORDER' ? itemKey(input) : undefined;
        const before = key === undefined ? undefined : this.images.get(key);
        if (key !== undefined && command === 'GetItemCommand') {
          const item = (result.output as { Item?: Item }).Item;
          if (item) this.images.set(key, item);
        }
        if (key !== undefined && command === 'PutItemCommand' && input.Item) this.images.set(key, input.Item);
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } })
          .ConsumedCapacity;
        const units = consumed?.CapacityUnits ?? 0;
        for (const tally of this.tallies(kind)) {
          if (reads.has(command)) {
            tally.reads += 1;
            tally.readUnits += units;
          } else if (writes.has(command)) {
            tally.writes += 1;
            tally.writeUnits += units;
            // Orders are written whole (Put): each index pays for what the write changed in it.
            if (command === 'PutItemCommand' && input.Item && kind === 'ORDER') {
              tally.indexWriteUnits += indexWriteUnits(before, input.Item);
            }
          }
        }
        return result;
      } catch (error) {
        if (writes.has(command) && (error as Error).name === 'ConditionalCheckFailedException') {
          for (const tally of this.tallies(kind)) tally.failedWrites += 1;
        }
        throw error;
      }
    };
  }

  summary(): LedgerSummary {
    const total = emptyTally();
    let sandboxWrites = 0;
    let sandboxReads = 0;
    for (const [kind, tally] of this.byKind) {
      for (const key of Object.keys(total) as (keyof Tally)[]) total[key] += tally[key];
      if (kind.startsWith('SANDBOX#')) {
        sandboxWrites += tally.writes;
        sandboxReads += tally.reads;
      }
    }
    return {
      byFunction: Object.fromEntries(this.byFunction),
      byKind: Object.fromEntries(this.byKind),
      total,
      sandboxWrites,
      sandboxReads,
    };
  }
}
