// Who may return what, and under which id: a return id is the same for the same idempotency key (so a retried
// request finds its return) and new for each return opened without one; a customer's return must come within the
// return window after delivery, while a return the system opens for a cancelled parcel has no window.
import { describe, expect, it } from 'vitest';
import { asHttpError, type HttpError } from '../../../functions/runtime/http';
import type { OrderRecord } from '../../../functions/domain/order';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  checkReturn,
  returnIdFor,
  returnRequestSignature,
  type OpenReturnRequest,
} from '../../../functions/domain/returns';
import {
  aDeliveredOrder,
  anOrder,
  aReturn,
  DAY_SECONDS,
  DELIVERED_AT,
  daysAfter,
  withReturns,
} from '../helpers/orders';

const policy = { returnWindowDays: 30, daySeconds: DAY_SECONDS };
const WINDOW_CLOSES = daysAfter(DELIVERED_AT, 30);

const aCustomerReturn = (overrides: Partial<OpenReturnRequest> = {}): OpenReturnRequest => ({
  reason: 'too small',
  refundTo: 'original_payment',
  ...overrides,
});

/** The API's answer to what checkReturn throws, or undefined when it passes. */
const refusal = (order: OrderRecord, request: OpenReturnRequest, at: string): HttpError | undefined => {
  try {
    checkReturn(order, request, new Date(at), policy);
    return undefined;
  } catch (error) {
    const answer = asHttpError(error);
    if (answer) return answer;
    throw error;
  }
};

describe('returnIdFor', () => {
  const keyed = (key: string, items?: OpenReturnRequest['items']): OpenReturnRequest => ({
    reason: 'too small',
    refundTo: 'original_payment',
    idempotencyKey: key,
    items,
  });
  const unkeyed = (items?: OpenReturnRequest['items']): OpenReturnRequest => ({
    reason: 'too small',
    refundTo: 'original_payment',
    items,
  });
  const oneShirt = [{ sku: 'SKU-TSHIRT', quantity: 1 }];
  const twoShirts = [{ sku: 'SKU-TSHIRT', quantity: 2 }];

  it('gives the same id for the same order and idempotency key', () => {
    // Act
    const ids = [
      returnIdFor(aDeliveredOrder(), keyed('key-1')),
      returnIdFor(aDeliveredOrder(), keyed('key-1')),
    ];

    // Assess
    expect(ids[0]).toBe(ids[1]);
  });

  it('gives the same id for a key once its return is recorded, so a retry finds it', () => {
    // Prepare
    const id = returnIdFor(aDeliveredOrder(), keyed('key-1'));
    const order = withReturns(aDeliveredOrder(), aReturn({ returnId: id }));

    // Act
    const again = returnIdFor(order, keyed('key-1'));

    // Assess
    expect(again).toBe(id);
  });

  it('gives another id for another key', () => {
    // Act
    const ids = [
      returnIdFor(aDeliveredOrder(), keyed('key-1')),
      returnIdFor(aDeliveredOrder(), keyed('key-2')),
    ];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('gives another id for the same key on another order', () => {
    // Act
    const ids = [
      returnIdFor(aDeliveredOrder(), keyed('key-1')),
      returnIdFor({ ...aDeliveredOrder(), orderId: 'ord_another' }, keyed('key-1')),
    ];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('gives requests without a key for other items other ids', () => {
    // Act
    const ids = [
      returnIdFor(aDeliveredOrder(), unkeyed(oneShirt)),
      returnIdFor(aDeliveredOrder(), unkeyed(twoShirts)),
      returnIdFor(aDeliveredOrder(), unkeyed()),
      returnIdFor(aDeliveredOrder(), { ...unkeyed(oneShirt), refundTo: 'store_credit' }),
    ];

    // Assess
    expect(new Set(ids).size).toBe(4);
  });

  it('gives a request without a key for the same items the id of their open return: a retry', () => {
    // Prepare
    const id = returnIdFor(aDeliveredOrder(), unkeyed(oneShirt));
    const order = withReturns(
      aDeliveredOrder(),
      aReturn({ returnId: id, items: oneShirt, requestSignature: returnRequestSignature(unkeyed(oneShirt)) }),
    );

    // Act
    const again = returnIdFor(order, { ...unkeyed(oneShirt), reason: 'other words' });

    // Assess
    expect(again).toBe(id);
  });

  it('gives the same items a new id once their earlier return has ended', () => {
    // Prepare
    const signature = returnRequestSignature(unkeyed(oneShirt));
    let order = aDeliveredOrder();
    const ids: string[] = [];

    // Act
    for (let i = 0; i < 2; i += 1) {
      const returnId = returnIdFor(order, unkeyed(oneShirt));
      ids.push(returnId);
      order = withReturns(
        order,
        aReturn({ returnId, items: oneShirt, requestSignature: signature, status: 'refunded' }),
      );
    }

    // Assess
    expect(new Set(ids).size).toBe(2);
  });

  it('reads the items of a request in any order as the same items', () => {
    // Act
    const a = returnRequestSignature(
      unkeyed([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ]),
    );
    const b = returnRequestSignature(
      unkeyed([
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]),
    );

    // Assess
    expect(a).toBe(b);
  });

  it('makes ids of the shape ret_ and 20 hex digits', () => {
    // Act
    const id = returnIdFor(aDeliveredOrder(), keyed('key-1'));

    // Assess
    expect(id).toMatch(/^ret_[0-9a-f]{20}$/);
  });
});

describe('checkReturn', () => {
  describe('the return window', () => {
    it('lets a customer return everything the day after delivery', () => {
      // Act
      const lines = checkReturn(
        aDeliveredOrder(),
        aCustomerReturn(),
        new Date(daysAfter(DELIVERED_AT, 1)),
        policy,
      );

      // Assess
      expect(lines).toEqual([{ sku: 'SKU-TSHIRT', quantity: 2 }]);
    });

    it('lets a customer return on the last moment of the window', () => {
      // Act
      const refused = refusal(aDeliveredOrder(), aCustomerReturn(), WINDOW_CLOSES);

      // Assess
      expect(refused).toBeUndefined();
    });

    it('refuses a customer return after the window closed with NOT_RETURNABLE', () => {
      // Act
      const refused = refusal(aDeliveredOrder(), aCustomerReturn(), daysAfter(WINDOW_CLOSES, 0.01));

      // Assess
      expect([refused?.statusCode, refused?.code, refused?.message]).toEqual([
        409,
        'NOT_RETURNABLE',
        'the return window of 30 days after delivery has closed',
      ]);
    });

    it('counts the window from delivery, not from when the order was last changed', () => {
      // Prepare
      const order = aDeliveredOrder({ updatedAt: daysAfter(DELIVERED_AT, 20) });

      // Act
      const refused = refusal(order, aCustomerReturn(), daysAfter(WINDOW_CLOSES, 1));

      // Assess
      expect(refused?.code).toBe('NOT_RETURNABLE');
    });

    it('scales the window with the length of a business day', () => {
      // Prepare
      const localPolicy = { returnWindowDays: 30, daySeconds: 10 };
      const order = aDeliveredOrder();

      // Act
      const act = () =>
        checkReturn(order, aCustomerReturn(), new Date(Date.parse(DELIVERED_AT) + 301_000), localPolicy);

      // Assess
      expect(act).toThrow('the return window of 30 days after delivery has closed');
    });

    it('lets a customer open a further return inside the window while one is open', () => {
      // Prepare
      const order = withReturns(aDeliveredOrder(), aReturn({ items: [{ sku: 'SKU-TSHIRT', quantity: 1 }] }));

      // Act
      const lines = checkReturn(order, aCustomerReturn(), new Date(daysAfter(DELIVERED_AT, 2)), policy);

      // Assess
      expect(lines).toEqual([{ sku: 'SKU-TSHIRT', quantity: 1 }]);
    });
  });

  describe('a return the system opens for a cancelled parcel', () => {
    it('skips the window', () => {
      // Act
      const lines = checkReturn(
        aDeliveredOrder(),
        aCustomerReturn({ automatic: true }),
        new Date(daysAfter(WINDOW_CLOSES, 10)),
        policy,
      );

      // Assess
      expect(lines).toEqual([{ sku: 'SKU-TSHIRT', quantity: 2 }]);
    });

    it('still refuses when everything is already on its way back', () => {
      // Prepare
      const order = withReturns(aDeliveredOrder(), aReturn());

      // Act
      const refused = refusal(order, aCustomerReturn({ automatic: true }), daysAfter(DELIVERED_AT, 1));

      // Assess
      expect([refused?.code, refused?.message]).toEqual([
        'NOT_RETURNABLE',
        'every item of this order is already returned',
      ]);
    });
  });

  describe('the order status', () => {
    it.each<OrderStatus>(['IN_TRANSIT', 'INTERCEPT_REQUESTED', 'CANCELLED', 'RETURNED', 'DELIVERY_FAILED'])(
      'refuses a customer return of a %s order',
      (status) => {
        // Prepare
        const order = aDeliveredOrder({ status });

        // Act
        const refused = refusal(order, aCustomerReturn(), daysAfter(DELIVERED_AT, 1));

        // Assess
        expect([refused?.code, refused?.message]).toEqual([
          'NOT_RETURNABLE',
          `order ${order.orderId} is ${status}; only delivered orders can be returned`,
        ]);
      },
    );

    it('refuses a customer return of an order that never shipped', () => {
      // Act
      const refused = refusal(anOrder(), aCustomerReturn(), daysAfter(DELIVERED_AT, 1));

      // Assess
      expect(refused?.statusCode).toBe(409);
    });
  });
});
