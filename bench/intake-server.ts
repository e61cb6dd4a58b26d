// The server side of the intake bench, in a process of its own so that autocannon (in the parent) and the server
// don't share an event loop. `system`: the whole local system (simulation off, a day of real length, so each
// accepted order runs its workflow up to the wait for shipment and parks there). `baseline`: a bare Node HTTP
// server doing one PutItem per request against a dynalite store started the same way (the floor).
//
// Protocol (IPC): the child sends {type: 'ready', url}; the parent may send {type: 'counters'} (answered with
// {type: 'counters', snapshot}) and {type: 'stop'} (the child exits).
import './quiet-env';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/adapters/dynamo';
import { dynamoClient } from '../local/aws-clients';
import { startLocalStore } from '../local/dynamo-store';
import { createTable, keyValueTableSpec } from '../local/tables';
import { Counters, type CounterSnapshot } from '../local/counters';
import { BenchApi, benchStock, startBenchSystem } from './local';

export type ParentMessage = { type: 'counters' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  /** `cpuMs`: the CPU time this process has used so far (user + system). */
  | { type: 'counters'; snapshot: CounterSnapshot; cpuMs: number };

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** The floor: what one durable write per request costs through the same SDK against the same kind of store. */
const startBaseline = async (): Promise<{ url: string; counters: Counters }> => {
  const store = await startLocalStore();
  const client = dynamoClient(store.endpoint);
  await createTable(client, keyValueTableSpec('Baseline'));
  const doc = documentClient(client);
  const counters = new Counters();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        try {
          const body = Buffer.concat(chunks).toString('utf8');
          const orderId = randomUUID();
          await doc.send(
            new PutCommand({
              TableName: 'Baseline',
              Item: { pk: `ORDER#${orderId}`, sk: 'ORDER', body },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          counters.apiCall();
          response.writeHead(202, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ orderId, status: 'RECEIVED' }));
        } catch {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"error":{"code":"INTERNAL","message":"store write failed"}}');
        }
      })();
    });
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, counters };
};

const startSystem = async (): Promise<{ url: string; counters: Counters }> => {
  const system = await startBenchSystem({ simulation: 'off', daySeconds: 86_400 });
  await new BenchApi(system.url).setStock('SKU-TSHIRT', benchStock);
  return { url: system.url, counters: system.counters };
};

const mode = process.argv[2];
if (mode !== 'system' && mode !== 'baseline') throw new Error('usage: intake-server.ts system|baseline');
if (!process.send) throw new Error('intake-server.ts runs as a child process with an IPC channel');
const send = (message: ChildMessage) => process.send!(message);

const { url, counters } = mode === 'system' ? await startSystem() : await startBaseline();
process.on('message', (message: ParentMessage) => {
  if (message.type === 'counters') {
    const { user, system } = process.cpuUsage();
    send({ type: 'counters', snapshot: counters.snapshot(), cpuMs: (user + system) / 1000 });
  }
  // Everything is in memory: nothing to flush, and thousands of parked executions need no orderly stop.
  if (message.type === 'stop') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url });
