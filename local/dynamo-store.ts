// The local DynamoDB: dynalite on a free loopback port, on disk under a directory or in memory. The local engine,
// the benchmarks and the tests start it the same way, here.
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface LocalStore {
  /** The endpoint to point a DynamoDB client at. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite; `path` is a LevelDB directory, or undefined for memory only. */
export const startLocalStore = async (path?: string): Promise<LocalStore> => {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
