// The local order feed: subscribers get every change until they leave, one failing subscriber does not stop the
// others, and the two sources (order-events topic messages, accepted API commands) become changes that name the
// order and never anything about the customer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  changeFromApiCommand,
  changeFromOrderEvent,
  OrderFeed,
  type OrderChange,
} from '../../../local/order-feed';
import { anApiEvent } from '../helpers/deps';

const aChange = (orderId = 'ord_1'): OrderChange => ({
  orderId,
  status: 'CONFIRMED',
  at: '2030-03-04T10:00:00.000Z',
  source: 'workflow',
});

describe('OrderFeed', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives every subscriber each change until it unsubscribes', () => {
    // Prepare
    const feed = new OrderFeed();
    const first: string[] = [];
    const second: string[] = [];
    const leave = feed.subscribe((change) => first.push(change.orderId));
    feed.subscribe((change) => second.push(change.orderId));

    // Act
    feed.publish(aChange('ord_1'));
    leave();
    feed.publish(aChange('ord_2'));

    // Assess
    expect(first).toEqual(['ord_1']);
    expect(second).toEqual(['ord_1', 'ord_2']);
    expect(feed.subscribers).toBe(1);
  });

  it('still tells the other subscribers when one throws', () => {
    // Prepare
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const feed = new OrderFeed();
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error('broken subscriber');
    });
    feed.subscribe((change) => seen.push(change.orderId));

    // Act
    feed.publish(aChange());

    // Assess
    expect(seen).toEqual(['ord_1']);
  });

  it('drops every subscriber when closed and accepts no new one', () => {
    // Prepare
    const feed = new OrderFeed();
    const seen: string[] = [];
    feed.subscribe((change) => seen.push(change.orderId));

    // Act
    feed.close();
    feed.subscribe((change) => seen.push(change.orderId));
    feed.publish(aChange());

    // Assess
    expect(seen).toEqual([]);
    expect(feed.subscribers).toBe(0);
  });
});

describe('changeFromOrderEvent', () => {
  it('reads the order, status and storefront of an order-events message', () => {
    // Prepare
    const message = JSON.stringify({
      type: 'order.shipped',
      orderId: 'ord_1',
      storefrontId: 'demo-store',
      status: 'SHIPPED',
      at: '2030-03-04T10:00:00.000Z',
    });

    // Act
    const change = changeFromOrderEvent({ topicArn: 'arn:topic', message, attributes: {} });

    // Assess
    expect(change).toEqual({
      orderId: 'ord_1',
      storefrontId: 'demo-store',
      status: 'SHIPPED',
      at: '2030-03-04T10:00:00.000Z',
      source: 'workflow',
    });
  });

  it('ignores a message that names no order or is not JSON', () => {
    expect(changeFromOrderEvent({ topicArn: 'arn:topic', message: '{"type":"x"}', attributes: {} })).toBe(
      undefined,
    );
    expect(changeFromOrderEvent({ topicArn: 'arn:topic', message: 'not json', attributes: {} })).toBe(
      undefined,
    );
  });
});

describe('changeFromApiCommand', () => {
  const orderView = {
    orderId: 'ord_1',
    storefrontId: 'demo-store',
    status: 'RECEIVED',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  };
  const answer = (statusCode: number, body: unknown) => ({ statusCode, body: JSON.stringify(body) });

  it('names a posted order with its status and storefront, and nothing about its customer', () => {
    // Act
    const change = changeFromApiCommand(
      anApiEvent({ httpMethod: 'POST', resource: '/orders', path: '/orders' }),
      answer(202, orderView),
    );

    // Assess
    expect(change).toMatchObject({
      orderId: 'ord_1',
      status: 'RECEIVED',
      storefrontId: 'demo-store',
      source: 'api',
    });
    expect(Object.keys(change ?? {}).sort()).toEqual(['at', 'orderId', 'source', 'status', 'storefrontId']);
  });

  it('names the order of the path for a return, without taking the return status for the order status', () => {
    // Act
    const change = changeFromApiCommand(
      anApiEvent({
        httpMethod: 'POST',
        resource: '/orders/{orderId}/returns',
        pathParameters: { orderId: 'ord_1' },
      }),
      answer(202, { returnId: 'ret_1', status: 'label_created' }),
    );

    // Assess
    expect(change).toMatchObject({ orderId: 'ord_1', status: undefined, source: 'api' });
  });

  it('ignores reads, refused commands and routes that are not orders', () => {
    const review = { resource: '/orders/{orderId}/review', pathParameters: { orderId: 'ord_1' } };
    expect(changeFromApiCommand(anApiEvent({ ...review, httpMethod: 'GET' }), answer(200, orderView))).toBe(
      undefined,
    );
    expect(
      changeFromApiCommand(anApiEvent({ ...review, httpMethod: 'POST' }), answer(409, { error: {} })),
    ).toBe(undefined);
    expect(
      changeFromApiCommand(
        anApiEvent({ httpMethod: 'PUT', resource: '/inventory/{sku}', pathParameters: { sku: 'SKU-MUG' } }),
        answer(200, { sku: 'SKU-MUG', available: 3 }),
      ),
    ).toBe(undefined);
  });
});
