// AwaitShipment, which parks the workflow until the parcel ships: with nothing in the inbox it stores its task
// token with the order (where the ship call and the webhook find it) and resumes nothing; a ship call or a
// shipment scan already in the inbox resumes its own token with `ship` at once (carrying the delivery wait on), a
// pending cancellation with `cancel`, and the parcel leaving wins over a cancellation that came with it.
import { describe, expect, it } from 'vitest';
import { awaitShipment, type ParkInput } from '../../../functions/await-shipment/await-shipment';
import type { InboxEvent, OrderRecord } from '../../../functions/domain/order';
import { anOrderId, useStepWorld } from '../helpers/deps';
import {
  aCancellation,
  anOrder,
  aScan,
  aShipment,
  daysAfter,
  T0,
  withCancelRequest,
} from '../helpers/orders';

const NOW = daysAfter(T0, 0.5);
const UNTIL = daysAfter(T0, 6);
const TOKEN = 'task-token-await-shipment';

const shipCall: InboxEvent = { kind: 'ship', receivedAt: NOW, occurredAt: NOW, applied: false };

describe('awaitShipment', () => {
  const world = useStepWorld();

  /** A confirmed order with its label bought, its parcel not yet handed over; `change` applied before storing. */
  const aLabelledOrder = async (
    change: (order: OrderRecord) => OrderRecord = (o) => o,
  ): Promise<OrderRecord> => {
    world.clock.set(NOW);
    return world.storeOrder(
      change(
        anOrder({
          orderId: anOrderId(),
          status: 'LABEL_CREATED',
          shipment: aShipment({ shippedAt: undefined }),
        }),
      ),
    );
  };

  const park = (order: OrderRecord): ParkInput => ({ orderId: order.orderId, token: TOKEN, until: UNTIL });

  /** The resume the workflow got, with what the wait has left. */
  const resumedWith = (action: string) => [
    {
      token: TOKEN,
      output: { action, wait: { until: UNTIL, seconds: (Date.parse(UNTIL) - Date.parse(NOW)) / 1000 } },
    },
  ];

  describe('with nothing in the inbox', () => {
    it('stores the token and the deadline with the order', async () => {
      // Prepare
      const order = await aLabelledOrder();

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      const stored = await world.order(order.orderId);
      expect(stored.wait).toEqual({ stage: 'shipment', token: TOKEN, until: UNTIL });
    });

    it('resumes nothing: the workflow stays parked', async () => {
      // Prepare
      const order = await aLabelledOrder();

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual([]);
    });

    it('parks on a pre_transit scan: the parcel is not in the carrier hands yet', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({
        ...o,
        inbox: { 'carrier:evt_pre': aScan('pre_transit', NOW) },
      }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect([world.workflow.resumed, (await world.order(order.orderId)).wait?.token]).toEqual([[], TOKEN]);
    });

    it('parks when the ship call in the inbox was applied already', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({ ...o, inbox: { ship: { ...shipCall, applied: true } } }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect([world.workflow.resumed, (await world.order(order.orderId)).wait?.token]).toEqual([[], TOKEN]);
    });

    it('replaces the token of an earlier wait with the new one', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({
        ...o,
        wait: { stage: 'shipment', token: 'old-token', until: daysAfter(T0, 3) },
      }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect((await world.order(order.orderId)).wait).toEqual({
        stage: 'shipment',
        token: TOKEN,
        until: UNTIL,
      });
    });
  });

  describe('with the ship call already in the inbox', () => {
    it('resumes its own token with ship and what is left of the wait', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({ ...o, inbox: { ship: shipCall } }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual(resumedWith('ship'));
    });

    it('carries the delivery wait on: the carrier estimate plus the grace period', async () => {
      // Prepare
      const estimate = daysAfter(T0, 3);
      const order = await aLabelledOrder((o) => ({
        ...o,
        shipment: aShipment({ shippedAt: undefined, estimatedDelivery: estimate }),
        inbox: { ship: shipCall },
      }));
      const until = daysAfter(estimate, world.deps.config.durations.delayGraceDays);

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual([
        {
          token: TOKEN,
          output: { action: 'ship', wait: { until, seconds: (Date.parse(until) - Date.parse(NOW)) / 1000 } },
        },
      ]);
    });

    it('stores no token: nobody else must resume it', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({ ...o, inbox: { ship: shipCall } }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.version, stored.wait]).toEqual([1, undefined]);
    });
  });

  it.each(['in_transit', 'out_for_delivery', 'delivered'] as const)(
    'resumes with ship at once when a %s scan is already in the inbox',
    async (status) => {
      // Prepare
      const order = await aLabelledOrder((o) => ({ ...o, inbox: { 'carrier:evt_1': aScan(status, NOW) } }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual(resumedWith('ship'));
    },
  );

  it('resumes with cancel at once when a cancellation is pending', async () => {
    // Prepare
    const order = await aLabelledOrder((o) =>
      withCancelRequest({ ...o, status: 'CANCELLATION_REQUESTED' }, aCancellation({ requestedAt: NOW })),
    );

    // Act
    await awaitShipment(world.deps, park(order));

    // Assess
    expect(world.workflow.resumed).toEqual(resumedWith('cancel'));
    expect((await world.order(order.orderId)).wait).toBeUndefined();
  });

  it('resumes with ship when the parcel left together with a cancellation: the parcel is gone', async () => {
    // Prepare
    const order = await aLabelledOrder((o) => {
      const cancelled = withCancelRequest(o, aCancellation({ requestedAt: NOW }));
      return { ...cancelled, inbox: { ...cancelled.inbox, ship: shipCall } };
    });

    // Act
    await awaitShipment(world.deps, park(order));

    // Assess
    expect(world.workflow.resumed).toEqual(resumedWith('ship'));
  });

  it('parks when the cancellation was already acted on', async () => {
    // Prepare
    const order = await aLabelledOrder((o) => {
      const cancelled = withCancelRequest(o, aCancellation({ requestedAt: NOW }));
      return { ...cancelled, inbox: { cancel: { ...cancelled.inbox.cancel!, applied: true } } };
    });

    // Act
    await awaitShipment(world.deps, park(order));

    // Assess
    expect([world.workflow.resumed, (await world.order(order.orderId)).wait?.token]).toEqual([[], TOKEN]);
  });

  it('resumes when the ship call arrived while the token was being stored', async () => {
    // Prepare: the ship call lands between the step's read and its write, so the write loses the race.
    const order = await aLabelledOrder();
    const original = world.deps.db.doc.send.bind(world.deps.db.doc);
    let raced = false;
    const racing = async (...args: Parameters<typeof original>) => {
      if (!raced && args[0].constructor.name === 'PutCommand') {
        raced = true;
        await world.changeOrder(order.orderId, (current) => ({ ...current, inbox: { ship: shipCall } }));
      }
      return original(...args);
    };
    world.deps.db.doc.send = racing as typeof original;

    // Act
    try {
      await awaitShipment(world.deps, park(order));
    } finally {
      world.deps.db.doc.send = original;
    }

    // Assess
    expect(world.workflow.resumed).toEqual(resumedWith('ship'));
    expect((await world.order(order.orderId)).wait).toBeUndefined();
  });

  describe('with a lapse of the authorization recorded (payment-events.ts)', () => {
    /** The order with the payment authorized and a lapse of it pending in the inbox. */
    const lapsed = (order: OrderRecord): OrderRecord => ({
      ...order,
      payment: { ...order.payment, status: 'AUTHORIZED', paymentId: 'pi_lapsed' },
      inbox: {
        ...order.inbox,
        'payment:evt_lapse': {
          kind: 'payment',
          paymentId: 'pi_lapsed',
          receivedAt: NOW,
          occurredAt: NOW,
          applied: false,
        },
      },
    });

    it('resumes its own token with renew at once, and stores no token', async () => {
      // Prepare
      const order = await aLabelledOrder(lapsed);

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual(resumedWith('renew'));
      expect((await world.order(order.orderId)).wait).toBeUndefined();
    });

    it('renews before a ship call that came with it', async () => {
      // Prepare
      const order = await aLabelledOrder((o) => ({
        ...lapsed(o),
        inbox: { ...lapsed(o).inbox, ship: shipCall },
      }));

      // Act
      await awaitShipment(world.deps, park(order));

      // Assess
      expect(world.workflow.resumed).toEqual(resumedWith('renew'));
    });
  });
});
