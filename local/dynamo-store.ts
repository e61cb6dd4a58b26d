// The local DynamoDB: dynalite on a free loopback port, on disk under a directory or in memory. The local engine,
// the benchmarks and the tests start it the same way, here. A caller may watch the puts of some tables (the local
// emulation of the Orders table's stream, local/order-stream.ts): each successful PutItem is reported with the item
// it replaced, which dynalite reads under the item's lock in the same write (ReturnValues ALL_OLD), so the pair is
// exactly that write; the client's answer is left as it asked for it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export type StoredItem = Record<string, AttributeValue>;

/** One committed PutItem: the table, the item it replaced (none for a new item) and the item written. */
export interface StoredPut {
  tableName: string;
  oldItem: StoredItem | undefined;
  newItem: StoredItem;
}

export interface LocalStore {
  /** The endpoint to point a DynamoDB client at. */
  endpoint: string;
  close(): Promise<void>;
}

export interface LocalStoreOptions {
  /** The tables whose puts `onPut` is told of. */
  watchTables?: readonly string[];
  /** Called once per committed put of a watched table, before its caller gets the answer. */
  onPut?: (put: StoredPut) => void;
}

const PUT_ITEM = 'DynamoDB_20120810.PutItem';

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** A request dynalite can read again: the same headers, method and URL, with `body`. */
const replay = (req: IncomingMessage, body: string): IncomingMessage =>
  Object.assign(Readable.from([Buffer.from(body)]), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  }) as unknown as IncomingMessage;

/**
 * Wraps dynalite's request handler: a PutItem on a watched table is sent with ReturnValues ALL_OLD, and its
 * successful answer is reported to `onPut` and then given back to the caller without the old item it did not ask
 * for (the checksum header recomputed).
 */
const watchPuts =
  (handle: RequestListener, options: Required<LocalStoreOptions>): RequestListener =>
  (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['x-amz-target'] !== PUT_ITEM) return handle(req, res);
    void readBody(req).then((raw) => {
      const text = raw.toString('utf8');
      let input: { TableName?: string; Item?: StoredItem; ReturnValues?: string };
      try {
        input = JSON.parse(text) as typeof input;
      } catch {
        return handle(replay(req, text), res);
      }
      if (!input.TableName || !options.watchTables.includes(input.TableName) || !input.Item) {
        return handle(replay(req, text), res);
      }
      const askedForOld = input.ReturnValues === 'ALL_OLD';
      const end = res.end.bind(res) as (chunk: string) => ServerResponse;
      res.end = ((chunk: string) => {
        if (res.statusCode !== 200) return end(chunk);
        const answer = JSON.parse(chunk) as { Attributes?: StoredItem };
        try {
          options.onPut({ tableName: input.TableName!, oldItem: answer.Attributes, newItem: input.Item! });
        } catch (error) {
          console.error('a watcher of the local store failed', error);
        }
        if (askedForOld) return end(chunk);
        delete answer.Attributes;
        const body = JSON.stringify(answer);
        res.setHeader('x-amz-crc32', crc32(body));
        res.setHeader('Content-Length', Buffer.byteLength(body, 'utf8'));
        return end(body);
      }) as typeof res.end;
      handle(replay(req, JSON.stringify({ ...input, ReturnValues: 'ALL_OLD' })), res);
    });
  };

/** Starts dynalite; `path` is a LevelDB directory, or undefined for memory only. */
export const startLocalStore = async (
  path?: string,
  options: LocalStoreOptions = {},
): Promise<LocalStore> => {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  if (options.onPut && (options.watchTables ?? []).length > 0) {
    const [handle] = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on(
      'request',
      watchPuts(handle!, { watchTables: options.watchTables ?? [], onPut: options.onPut }),
    );
  }
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
