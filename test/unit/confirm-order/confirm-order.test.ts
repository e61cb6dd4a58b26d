// ConfirmOrder, once stock is held and the payment authorized: the order becomes CONFIRMED with its risk
// assessment, the customer is told once per order (email, and SMS when they opted in) with a working tracking
// link, an order that has moved on is left alone, and a cancelled order is not confirmed.
import { describe, expect, it } from 'vitest';
import { confirmOrder } from '../../../functions/confirm-order/confirm-order';
import { OrderCancelledError } from '../../../functions/domain/errors';
import { trackingPageUrl } from '../../../functions/domain/notices';
import type { OrderRecord, RiskAssessment } from '../../../functions/domain/order';
import { anOrderId, sentTemplates, timelineTypes, useStepWorld } from '../helpers/deps';
import { anOrder, daysAfter, noticeContext, T0, withCancelRequest, withCustomer } from '../helpers/orders';

const AT = daysAfter(T0, 0.1);
const risk: RiskAssessment = { score: 10, decision: 'approve', reasons: ['new_customer'] };

describe('confirmOrder', () => {
  const world = useStepWorld();

  /** Stores the example order, changed by `change`, with the clock at AT. */
  const stored = async (change: (order: OrderRecord) => OrderRecord = (o) => o): Promise<OrderRecord> => {
    world.clock.set(AT);
    return world.storeOrder(change(anOrder({ orderId: anOrderId() })));
  };

  const confirm = (order: OrderRecord) => confirmOrder(world.deps, { orderId: order.orderId, risk });

  it('confirms the order with its risk assessment', async () => {
    // Prepare
    const order = await stored();

    // Act
    await confirm(order);

    // Assess
    const after = await world.order(order.orderId);
    expect([after.status, after.risk]).toEqual(['CONFIRMED', risk]);
    expect(after.timeline.at(-1)).toEqual({ at: AT, type: 'ORDER_CONFIRMED', detail: {} });
  });

  it('confirms an order that was held for review', async () => {
    // Prepare
    const order = await stored((o) => ({ ...o, status: 'IN_REVIEW' }));

    // Act
    await confirm(order);

    // Assess
    expect((await world.order(order.orderId)).status).toBe('CONFIRMED');
  });

  it('emails and texts a customer who opted in to SMS', async () => {
    // Prepare
    const order = await stored();

    // Act
    await confirm(order);

    // Assess
    expect(sentTemplates(world.messaging)).toEqual([
      'order_confirmation by email',
      'order_confirmation by sms',
    ]);
    expect([world.messaging.emails[0]?.to, world.messaging.sms[0]?.to]).toEqual([
      'ada@example.com',
      '+14155550100',
    ]);
  });

  it('only emails a customer who did not opt in', async () => {
    // Prepare
    const order = await stored((o) => withCustomer(o, { smsOptIn: false }));

    // Act
    await confirm(order);

    // Assess
    expect(sentTemplates(world.messaging)).toEqual(['order_confirmation by email']);
  });

  it("names the order by the storefront's reference and links its tracking page", async () => {
    // Prepare
    const order = await stored();

    // Act
    await confirm(order);

    // Assess
    const email = world.messaging.emails[0];
    expect(email?.subject).toBe('Order 1001 confirmed');
    expect(email?.text).toContain(trackingPageUrl(order, noticeContext));
  });

  it('records what it sent on the order', async () => {
    // Prepare
    const order = await stored();

    // Act
    await confirm(order);

    // Assess
    expect(Object.keys((await world.order(order.orderId)).notices).sort()).toEqual([
      'order_confirmation:order:email',
      'order_confirmation:order:sms',
    ]);
  });

  it('publishes no order event itself: the move to CONFIRMED reaches the topic from the stream', async () => {
    // Prepare
    const order = await stored();

    // Act
    await confirm(order);

    // Assess
    expect((await world.order(order.orderId)).status).toBe('CONFIRMED');
    expect(world.messaging.events).toEqual([]);
  });

  it('tells the customer once when run a second time', async () => {
    // Prepare
    const order = await stored();
    await confirm(order);
    const first = await world.order(order.orderId);

    // Act
    await confirm(order);

    // Assess
    const after = await world.order(order.orderId);
    expect(sentTemplates(world.messaging)).toEqual([
      'order_confirmation by email',
      'order_confirmation by sms',
    ]);
    expect([after.version, timelineTypes(after)]).toEqual([first.version, timelineTypes(first)]);
  });

  it.each(['LABEL_CREATED', 'SHIPPED', 'REJECTED'] as const)(
    'leaves an order that is %s as it is, and sends nothing',
    async (status) => {
      // Prepare
      const order = await stored((o) => ({ ...o, status }));

      // Act
      await confirm(order);

      // Assess
      const after = await world.order(order.orderId);
      expect([after.status, after.version, after.risk]).toEqual([status, 1, undefined]);
      expect(sentTemplates(world.messaging)).toEqual([]);
    },
  );

  describe('an order cancelled on request', () => {
    it('throws OrderCancelledError', async () => {
      // Prepare
      const order = await stored((o) => withCancelRequest(o));

      // Act
      const confirming = confirm(order);

      // Assess
      await expect(confirming).rejects.toBeInstanceOf(OrderCancelledError);
    });

    it('is neither confirmed nor confirmed to the customer', async () => {
      // Prepare
      const order = await stored((o) => withCancelRequest(o));

      // Act
      await confirm(order).catch(() => undefined);

      // Assess
      const after = await world.order(order.orderId);
      expect([after.status, after.version]).toEqual(['RECEIVED', 1]);
      expect(sentTemplates(world.messaging)).toEqual([]);
    });
  });
});
