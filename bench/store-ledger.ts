// Says who writes what. The local counters give totals; this ledger, a second middleware on the same counted
// DynamoDB client, splits them by Lambda function and by item kind (order, inventory, sandbox payment or shipment
// records that a real Stripe/EasyPost deployment would not write). It also sees what the counters cannot: writes
// whose condition failed (DynamoDB bills them; the counters only count answers) and the write units each order
// write costs again in every global secondary index holding the item (dynalite reports table units only).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MetadataBearer, InitializeMiddleware } from '@smithy/types';
import { ordersTable } from '../catalog/tables';
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

/** How many global secondary indexes of the Orders table hold an item with these attributes. */
export const indexesHolding = (item: Record<string, unknown>): number =>
  ordersTable.globalSecondaryIndexes.filter(
    (index) =>
      item[index.partitionKey.name] !== undefined &&
      (!index.sortKey || item[index.sortKey.name] !== undefined),
  ).length;

export class StoreLedger {
  private readonly context = new AsyncLocalStorage<string>();
  private byFunction = new Map<string, Tally>();
  private byKind = new Map<string, Tally>();

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
            // Orders are written whole (Put): each index holding the item is rewritten too, at the item's size.
            if (command === 'PutItemCommand' && input.Item && kind === 'ORDER') {
              tally.indexWriteUnits += indexesHolding(input.Item) * Math.max(1, units);
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
