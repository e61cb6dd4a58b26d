// Order intake's pure parts: the canonical JSON the idempotency hash is taken over, order ids derived from the
// storefront and its idempotency key, and the record a new order is stored as.
import { describe, expect, it } from 'vitest';
import { canonicalJson, newOrderRecord, orderIdFor } from '../../../functions/orders-api/orders';
import { aCreateOrderRequest, anOrder, ORDER_ID, STOREFRONT, T0 } from '../helpers/orders';

describe('canonicalJson', () => {
  it('writes the same text whatever the order of the keys', () => {
    // Prepare
    const one = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'c' } };
    const other = { a: { c: 'c', d: [1, { x: 1, y: 2 }] }, b: 1 };

    // Act
    const texts = [canonicalJson(one), canonicalJson(other)];

    // Assess
    expect(texts).toEqual([
      '{"a":{"c":"c","d":[1,{"x":1,"y":2}]},"b":1}',
      '{"a":{"c":"c","d":[1,{"x":1,"y":2}]},"b":1}',
    ]);
  });

  it('leaves out keys whose value is undefined', () => {
    // Act
    const text = canonicalJson({ a: 1, b: undefined, c: { d: undefined } });

    // Assess
    expect(text).toBe('{"a":1,"c":{}}');
  });

  it('keeps the order of array elements', () => {
    // Act
    const texts = [canonicalJson([1, 2]), canonicalJson([2, 1])];

    // Assess
    expect(texts[0]).not.toBe(texts[1]);
  });

  it('writes JSON that parses back to the same value', () => {
    // Prepare
    const request = aCreateOrderRequest();

    // Act
    const text = canonicalJson(request);

    // Assess
    expect(JSON.parse(text)).toEqual(request);
  });
});

describe('orderIdFor', () => {
  it('gives the same id for the same storefront and key', () => {
    // Act
    const ids = [orderIdFor('demo-store', '1001'), orderIdFor('demo-store', '1001')];

    // Assess
    expect(ids[0]).toBe(ids[1]);
  });

  it('gives different ids for the same key in two storefronts', () => {
    // Act
    const ids = [orderIdFor('demo-store', '1001'), orderIdFor('other-store', '1001')];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('gives different ids for different keys', () => {
    // Act
    const ids = [orderIdFor('demo-store', '1001'), orderIdFor('demo-store', '1002')];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('gives a fresh id each time there is no key', () => {
    // Act
    const ids = [orderIdFor('demo-store', undefined), orderIdFor('demo-store', undefined)];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('shapes ids as ord_ and 24 hex digits', () => {
    // Act
    const id = orderIdFor('demo-store', '1001');

    // Assess
    expect(id).toMatch(/^ord_[0-9a-f]{24}$/);
  });
});

describe('newOrderRecord', () => {
  const record = () => newOrderRecord(STOREFRONT, ORDER_ID, aCreateOrderRequest(), 'request-hash', T0);

  it('builds the order the unit tests take as their fixture', () => {
    // Act
    const order = record();

    // Assess
    expect(order).toEqual(anOrder());
  });

  it('starts the order RECEIVED at version 1', () => {
    // Act
    const order = record();

    // Assess
    expect([order.status, order.version, order.createdAt, order.updatedAt]).toEqual(['RECEIVED', 1, T0, T0]);
  });

  it('starts the payment PENDING with nothing authorized, captured or refunded', () => {
    // Act
    const order = record();

    // Assess
    expect(order.payment).toEqual({
      provider: 'sandbox',
      status: 'PENDING',
      authorizedAmount: 0,
      capturedAmount: 0,
      refundedAmount: 0,
    });
  });

  it('keys the order by its id and the storefront listing by time and id', () => {
    // Act
    const order = record();

    // Assess
    expect([order.pk, order.sk, order.createdKey]).toEqual([
      `ORDER#${ORDER_ID}`,
      'ORDER',
      `${T0}#${ORDER_ID}`,
    ]);
  });

  it('keeps the raw email out of the customer key', () => {
    // Act
    const order = record();

    // Assess
    expect([
      order.customerKey.startsWith('demo-store#'),
      order.customerKey.toLowerCase().includes('ada'),
    ]).toEqual([true, false]);
  });

  it('gives the same customer key to an email written in another case', () => {
    // Prepare
    const request = aCreateOrderRequest();
    const shouting = { ...request, customer: { ...request.customer, email: 'ADA@Example.com' } };

    // Act
    const key = newOrderRecord('demo-store', 'ord_1', shouting, 'request-hash', T0).customerKey;

    // Assess
    expect(key).toBe(record().customerKey);
  });

  it('records the receipt on the timeline and nothing else yet', () => {
    // Act
    const order = record();

    // Assess
    expect([order.timeline, order.notices, order.inbox]).toEqual([
      [{ at: T0, type: 'ORDER_RECEIVED', detail: {} }],
      {},
      {},
    ]);
  });
});
