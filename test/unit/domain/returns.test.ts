// Refund arithmetic of returns: what may still be returned, what each return refunds, and the promise that no
// sequence of returns, however partial, repeated, expired or mixed with store credit, refunds more than was
// captured.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderRecord, ReturnLine, ReturnRecord } from '../../../functions/domain/order';
import {
  checkReturn,
  quoteRefund,
  refundableAmount,
  returnableLines,
  type OpenReturnRequest,
} from '../../../functions/domain/returns';
import { ConflictError, InvalidRequestError } from '../../../functions/domain/errors';
import { anOrder, DAY_SECONDS, T0, daysAfter } from '../helpers/orders';

const policy = { returnWindowDays: 30, daySeconds: DAY_SECONDS };
const NOW = new Date(daysAfter(T0, 8));

/** A delivered, captured order with the given lines, tax and shipping. */
const deliveredOrder = (
  items: { sku: string; quantity: number; unitPrice: number }[],
  tax: number,
  shipping: number,
) => {
  const total = items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) + tax + shipping;
  const base = anOrder();
  return {
    ...base,
    status: 'DELIVERED',
    items: items.map((i) => ({ ...i, name: i.sku })),
    tax,
    shippingAmount: shipping,
    total,
    payment: { ...base.payment, status: 'CAPTURED', authorizedAmount: total, capturedAmount: total },
    shipment: base.shipment && { ...base.shipment, deliveredAt: daysAfter(T0, 6) },
    returns: [],
  } as OrderRecord;
};

/** Opens a return on the order as the service does (check, quote, record), without the carrier. */
const open = (order: OrderRecord, request: OpenReturnRequest): OrderRecord => {
  const lines = checkReturn(order, request, NOW, policy);
  const quote = quoteRefund(order, lines, request.automatic === true);
  const record: ReturnRecord = {
    returnId: `ret_${(order.returns ?? []).length}`,
    status: 'label_created',
    reason: request.reason,
    items: lines,
    refundTo: request.refundTo,
    refundAmount: quote.amount,
    taxAmount: quote.taxAmount,
    includesShipping: request.automatic === true,
    automatic: request.automatic === true,
    shipmentId: 'shp',
    trackingNumber: 'SBX',
    labelUrl: 'https://labels.example/1',
    trackingStatus: 'label_created',
    createdAt: NOW.toISOString(),
    expiresAt: daysAfter(NOW.toISOString(), 30),
  };
  return { ...order, status: 'RETURN_REQUESTED', returns: [...(order.returns ?? []), record] };
};

/** The return's parcel arrived: the refund or credit is given. */
const complete = (order: OrderRecord, index: number): OrderRecord => {
  const ret = order.returns?.[index];
  if (!ret || ret.status === 'refunded' || ret.status === 'expired') return order;
  const payment =
    ret.refundTo === 'store_credit'
      ? { ...order.payment, creditedAmount: (order.payment.creditedAmount ?? 0) + ret.refundAmount }
      : { ...order.payment, refundedAmount: order.payment.refundedAmount + ret.refundAmount };
  return {
    ...order,
    payment,
    returns: order.returns?.map((r, i) => (i === index ? { ...r, status: 'refunded' as const } : r)),
  };
};

const expire = (order: OrderRecord, index: number): OrderRecord => ({
  ...order,
  returns: order.returns?.map((r, i) =>
    i === index && r.status !== 'refunded' ? { ...r, status: 'expired' as const } : r,
  ),
});

describe('quoteRefund', () => {
  it('refunds items at the price paid with their share of the tax, and no shipping', () => {
    const order = deliveredOrder(
      [
        { sku: 'A', quantity: 2, unitPrice: 1000 },
        { sku: 'B', quantity: 1, unitPrice: 500 },
      ],
      250,
      500,
    );

    const quote = quoteRefund(order, [{ sku: 'A', quantity: 1 }], false);

    expect(quote).toEqual({ amount: 1100, taxAmount: 100 });
  });

  it('gives the last return exactly the tax that is left, so rounding never loses or adds a cent', () => {
    let order = deliveredOrder([{ sku: 'A', quantity: 3, unitPrice: 333 }], 100, 0);
    for (let i = 0; i < 3; i += 1)
      order = complete(
        open(order, { reason: 'x', items: [{ sku: 'A', quantity: 1 }], refundTo: 'original_payment' }),
        i,
      );

    expect(order.payment.refundedAmount).toBe(999 + 100);
  });

  it('adds shipping for a return opened by a cancellation', () => {
    const order = deliveredOrder([{ sku: 'A', quantity: 1, unitPrice: 1000 }], 0, 700);

    expect(quoteRefund(order, [{ sku: 'A', quantity: 1 }], true).amount).toBe(1700);
  });
});

describe('checkReturn', () => {
  it('refuses a quantity beyond what is left once earlier returns are counted', () => {
    const order = open(deliveredOrder([{ sku: 'A', quantity: 2, unitPrice: 100 }], 0, 0), {
      reason: 'x',
      items: [{ sku: 'A', quantity: 2 }],
      refundTo: 'original_payment',
    });

    expect(() => checkReturn(order, { reason: 'y', refundTo: 'original_payment' }, NOW, policy)).toThrow(
      ConflictError,
    );
  });

  it('gives back what an expired return held', () => {
    const order = expire(
      open(deliveredOrder([{ sku: 'A', quantity: 2, unitPrice: 100 }], 0, 0), {
        reason: 'x',
        refundTo: 'original_payment',
      }),
      0,
    );

    expect(returnableLines(order)).toEqual([{ sku: 'A', quantity: 2 }]);
  });
});

describe('any sequence of returns', () => {
  const item = fc.record({
    quantity: fc.integer({ min: 1, max: 5 }),
    unitPrice: fc.integer({ min: 1, max: 20_000 }),
  });
  const step = fc.oneof(
    fc.record({
      kind: fc.constant('open' as const),
      picks: fc.array(fc.record({ line: fc.nat(), quantity: fc.integer({ min: 1, max: 5 }) }), {
        maxLength: 3,
      }),
      whole: fc.boolean(),
      credit: fc.boolean(),
      automatic: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('complete' as const), index: fc.nat({ max: 10 }) }),
    fc.record({ kind: fc.constant('expire' as const), index: fc.nat({ max: 10 }) }),
  );

  it('never refunds or credits more than was captured', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.array(step, { maxLength: 25 }),
        (items, tax, shipping, steps) => {
          let order = deliveredOrder(
            items.map((i, n) => ({ sku: `SKU-${n}`, ...i })),
            tax,
            shipping,
          );
          for (const s of steps) {
            if (s.kind === 'open') {
              const lines: ReturnLine[] = s.picks.map((p) => ({
                sku: `SKU-${p.line % items.length}`,
                quantity: p.quantity,
              }));
              const unique = [...new Map(lines.map((l) => [l.sku, l])).values()];
              try {
                order = open(order, {
                  reason: 'r',
                  items: s.whole || unique.length === 0 ? undefined : unique,
                  refundTo: s.credit ? 'store_credit' : 'original_payment',
                  automatic: s.automatic,
                });
              } catch (error) {
                if (!(error instanceof ConflictError || error instanceof InvalidRequestError)) throw error; // refused returns are fine; nothing else is
              }
            } else if (s.kind === 'complete') {
              order = complete(order, s.index);
            } else {
              order = expire(order, s.index);
            }
            const { capturedAmount, refundedAmount, creditedAmount = 0 } = order.payment;
            const promised = (order.returns ?? [])
              .filter((r) => r.status === 'label_created' || r.status === 'in_transit')
              .reduce((sum, r) => sum + r.refundAmount, 0);
            expect(refundedAmount + creditedAmount).toBeLessThanOrEqual(capturedAmount);
            expect(refundedAmount + creditedAmount + promised).toBeLessThanOrEqual(capturedAmount);
            expect(refundableAmount(order)).toBe(capturedAmount - refundedAmount - creditedAmount - promised);
            expect(order.returns?.every((r) => r.refundAmount >= 0)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
