// `GET /_local/events` as a stream: it opens with `ready`, writes each order change as an `order` event, beats
// while quiet, and once closed holds neither a subscription nor a timer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { orderEventStream } from '../../../local/dashboard/event-stream';
import { OrderFeed } from '../../../local/order-feed';

/** The events written so far, parsed: `{event, data}` per event, `{comment}` per comment line. */
const parse = (chunks: string[]) =>
  chunks
    .join('')
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const fields = Object.fromEntries(
        block.split('\n').map((line) => {
          const at = line.indexOf(':');
          return [at === 0 ? 'comment' : line.slice(0, at), line.slice(at + 1).trim()];
        }),
      );
      return fields.data ? { ...fields, data: JSON.parse(fields.data) as unknown } : fields;
    });

describe('orderEventStream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is an event stream that is never cached', () => {
    const stream = orderEventStream(new OrderFeed());
    expect(stream.status).toBe(200);
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
    });
  });

  it('opens with ready, then writes each change as an order event', () => {
    // Prepare
    const feed = new OrderFeed();
    const chunks: string[] = [];
    orderEventStream(feed).open((chunk) => chunks.push(chunk));

    // Act
    feed.publish({ orderId: 'ord_1', status: 'SHIPPED', at: '2030-03-04T10:00:00.000Z', source: 'workflow' });

    // Assess
    const events = parse(chunks);
    expect(events[0]).toEqual({ retry: '2000' });
    expect(events[1]).toMatchObject({ event: 'ready' });
    expect(events[2]).toEqual({
      event: 'order',
      data: { orderId: 'ord_1', status: 'SHIPPED', at: '2030-03-04T10:00:00.000Z', source: 'workflow' },
    });
  });

  it('writes a heartbeat comment while nothing changes', () => {
    // Prepare
    const chunks: string[] = [];
    orderEventStream(new OrderFeed(), 1_000).open((chunk) => chunks.push(chunk));

    // Act
    vi.advanceTimersByTime(2_500);

    // Assess
    expect(parse(chunks).filter((e) => 'comment' in e)).toEqual([
      { comment: 'heartbeat' },
      { comment: 'heartbeat' },
    ]);
  });

  it('once closed, unsubscribes and stops its heartbeat', () => {
    // Prepare
    const feed = new OrderFeed();
    const chunks: string[] = [];
    const close = orderEventStream(feed, 1_000).open((chunk) => chunks.push(chunk));
    const written = chunks.length;

    // Act
    close();
    close();
    feed.publish({ orderId: 'ord_1', at: '2030-03-04T10:00:00.000Z', source: 'api' });
    vi.advanceTimersByTime(5_000);

    // Assess
    expect(chunks).toHaveLength(written);
    expect(feed.subscribers).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
