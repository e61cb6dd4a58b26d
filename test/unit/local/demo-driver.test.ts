// The demo refuses to run, with one clear message, against a server that is not there, never gets ready, is not
// Orderflow, or does not say how its carrier runs; it waits for one that is still starting.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../local/api-client';
import { DemoSetupError, readServerSettings, waitUntilReady } from '../../../local/demo-driver';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A server answering every request with `answer(count)`: its status and JSON body. */
const serve = async (answer: (count: number) => [number, unknown]): Promise<string> => {
  let count = 0;
  const server = createServer((_request, response) => {
    const [status, body] = answer((count += 1));
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** A URL nothing listens on: a port that was free a moment ago. */
const nothingAt = async (): Promise<string> => {
  const url = await serve(() => [200, {}]);
  await new Promise((done) => servers.pop()!.close(done));
  return url;
};

const starting = [503, { error: { code: 'STARTING', message: 'starting', details: [] } }] as const;
const ok = [200, { status: 'ok', service: 'orderflow' }] as const;

describe('waiting for the server', () => {
  it('waits for a server that is still starting', async () => {
    const url = await serve((count) => (count < 3 ? [...starting] : [...ok]));

    await expect(waitUntilReady(url, 5_000, 10)).resolves.toBeUndefined();
  });

  it('gives up on a server that never gets ready, within its bound', async () => {
    const url = await serve(() => [...starting]);

    await expect(waitUntilReady(url, 1_000, 10)).rejects.toThrow(
      new DemoSetupError(
        `${url} is not ready after 1 s: it answers 503 (still starting). Start it with \`npm start\`, or point ` +
          'ORDERFLOW_URL (or PORT) at a running Orderflow.',
      ),
    );
  });

  it('gives up on an address nothing listens on', async () => {
    const url = await nothingAt();

    await expect(waitUntilReady(url, 200, 10)).rejects.toThrow(/is not ready after .*nothing answers there/);
  });

  it('stops at once at a server that is not Orderflow', async () => {
    const url = await serve(() => [404, { message: 'no such page' }]);

    await expect(waitUntilReady(url, 60_000, 10)).rejects.toThrow(
      `${url} is not an Orderflow server: GET /health answered 404`,
    );
  });
});

describe('asking the server how it runs', () => {
  const keys = { storefront: 'store-key', ops: 'ops-key', webhookSecret: 'secret' };

  it('reads whether the carrier simulation is on and the length of a business day', async () => {
    const url = await serve(() => [200, { carrierSimulation: 'off', daySeconds: 10 }]);

    await expect(readServerSettings(new ApiClient({ url }, keys))).resolves.toEqual({
      carrierSimulation: 'off',
      daySeconds: 10,
    });
  });

  it('refuses a server that does not say', async () => {
    const url = await serve(() => [404, { error: { code: 'NOT_FOUND', message: 'no', details: [] } }]);

    await expect(readServerSettings(new ApiClient({ url }, keys))).rejects.toThrow(
      /does not say whether its carrier simulation is on \(GET \/_local\/settings answered 404 NOT_FOUND\)/,
    );
  });
});
