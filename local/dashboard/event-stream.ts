// `GET /_local/events`: the local order feed as server-sent events, so the dashboard updates without reloading.
// Each change is one `order` event; a comment line every `heartbeatMs` keeps proxies and the browser from taking a
// quiet stream for a dead one. Everything a stream holds (its subscription, its timer) is released when the client
// goes away or the server closes the connection at stop.
import type { LocalStream } from '../http-server';
import type { OrderChange, OrderFeed } from '../order-feed';

export const defaultHeartbeatMs = 15_000;

/** One server-sent event: its name and a JSON payload on a single `data:` line. */
export const sseEvent = (name: string, data: unknown): string =>
  `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export const orderEventStream = (feed: OrderFeed, heartbeatMs = defaultHeartbeatMs): LocalStream => ({
  status: 200,
  headers: {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
  },
  open(write) {
    // `retry`: how soon the browser reconnects after a restart of the local system. `ready` tells the page the
    // stream is open, so it can read again whatever changed while it was not.
    write('retry: 2000\n\n');
    write(sseEvent('ready', { at: new Date().toISOString() }));
    const unsubscribe = feed.subscribe((change: OrderChange) => write(sseEvent('order', change)));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    // A stream never keeps the process alive by itself.
    heartbeat.unref();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      unsubscribe();
    };
  },
});
