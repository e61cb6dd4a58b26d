// BuyLabel, which buys the label and starts the shipment wait: invoked with the wait's task token it stores the
// token in the same write as the label (one write, nothing resumed); a ship call that came first resumes the token
// at once with `ship` and the delivery wait; a retry buys no second label; without a token it answers the wait.
import { describe, expect, it } from 'vitest';
import { buyLabel } from '../../../functions/buy-label/buy-label';
import { deliveryDeadline } from '../../../functions/domain/waits';
import { useStepWorld } from '../helpers/deps';
import { daysAfter, T0 } from '../helpers/orders';

const UNTIL = daysAfter(T0, 6);
const TOKEN = 'shipment-token';

describe('buyLabel', () => {
  const world = useStepWorld();

  const aConfirmedOrder = () => world.storeAuthorizedOrder({ status: 'CONFIRMED' });

  it('stores the label and parks the token in one write, resuming nothing', async () => {
    // Prepare
    const order = await aConfirmedOrder();

    // Act
    const answer = await buyLabel(world.deps, { orderId: order.orderId, token: TOKEN, until: UNTIL });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.status, stored.shipment?.status, stored.version]).toEqual([
      'LABEL_CREATED',
      'label_created',
      order.version + 1,
    ]);
    expect(stored.wait).toEqual({ stage: 'shipment', token: TOKEN, until: UNTIL });
    expect(answer).toBeUndefined();
    expect(world.workflow.resumed).toEqual([]);
  });

  it('resumes at once with ship and the delivery wait when the ship call came first', async () => {
    // Prepare
    const order = await world.storeAuthorizedOrder({
      status: 'CONFIRMED',
      inbox: { ship: { kind: 'ship', receivedAt: T0, occurredAt: T0, applied: false } },
    });

    // Act
    await buyLabel(world.deps, { orderId: order.orderId, token: TOKEN, until: UNTIL });

    // Assess
    const stored = await world.order(order.orderId);
    const { delayGraceDays } = world.deps.config.durations;
    const delivery = deliveryDeadline(stored, delayGraceDays, world.deps.config.daySeconds);
    expect(stored.wait).toBeUndefined();
    expect(world.workflow.resumed).toEqual([
      {
        token: TOKEN,
        output: {
          action: 'ship',
          wait: { until: delivery, seconds: (Date.parse(delivery) - Date.parse(T0)) / 1000 },
        },
      },
    ]);
  });

  it('buys one label however often it runs, and parks the token of the retry', async () => {
    // Prepare
    const order = await aConfirmedOrder();
    await buyLabel(world.deps, { orderId: order.orderId, token: TOKEN, until: UNTIL });
    const first = await world.order(order.orderId);

    // Act
    await buyLabel(world.deps, { orderId: order.orderId, token: 'retry-token', until: UNTIL });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.shipment).toEqual(first.shipment);
    expect(stored.wait?.token).toBe('retry-token');
  });

  it('answers with the shipment wait when invoked without a token', async () => {
    // Prepare
    const order = await aConfirmedOrder();

    // Act
    const answer = await buyLabel(world.deps, { orderId: order.orderId });

    // Assess
    const expiresAt = (await world.order(order.orderId)).payment.authorizationExpiresAt!;
    const until = daysAfter(expiresAt, -1);
    expect(answer).toEqual({
      action: 'wait',
      wait: { until, seconds: (Date.parse(until) - Date.parse(T0)) / 1000 },
    });
    expect((await world.order(order.orderId)).wait).toBeUndefined();
  });
});
