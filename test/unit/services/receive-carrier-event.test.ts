// Receiving a carrier event (from a webhook or from parcel reconciliation) against dynalite: a scan of a known
// parcel is recorded and wakes the parked delivery wait, a repeated event is ignored, an event for a tracking number
// of no order is kept once and operators are alerted once, and a return parcel's scan wakes that return's wait.
// While the delivery wait is parked to its deadline, a milestone the workflow need not decide on is applied in the
// write that records it: out for delivery leaves the wait parked, delivered ends it; each notice goes out once,
// also when the same scan reaches two receivers at once, and one that cannot be sent is handed to the workflow.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { receiveCarrierEvent } from '../../../functions/services/receive-carrier-event';
import { getOrder, putReturnTracking } from '../../../functions/adapters/order-store';
import { useLocalDynamo } from '../helpers/dynamo';
import { recordingDeps, storeFresh } from '../helpers/recording-deps';
import type { OrderRecord } from '../../../functions/domain/order';
import { deliveryDeadline } from '../../../functions/domain/waits';
import {
  aCarrierEvent,
  aParkedOrderInTransit,
  aDeliveredOrder,
  aReturn,
  daysAfter,
  RETURN_ID,
  SHIPPED_AT,
  withCancelRequest,
  withReturns,
} from '../helpers/orders';

const NOW = new Date(daysAfter(SHIPPED_AT, 1));
const UNTIL = daysAfter(SHIPPED_AT, 3);

const store = useLocalDynamo();

describe('receiveCarrierEvent', () => {
  it('records a scan of a known parcel and wakes the delivery wait', async () => {
    // Prepare
    const order = await storeFresh(store.db, aParkedOrderInTransit(UNTIL));
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

    // Act
    const outcome = await receiveCarrierEvent(deps, event);

    // Assess
    expect(outcome).toBe('recorded');
    const stored = await getOrder(store.db, order.orderId);
    expect(stored?.inbox[`carrier:${event.eventId}`]).toMatchObject({
      kind: 'carrier',
      status: 'out_for_delivery',
      applied: false,
    });
    expect(recorded.resumed.map((resume) => [resume.token, resume.signal.action])).toEqual([
      ['delivery-token', 'recheck'],
    ]);
  });

  it('ignores a repeated event: nothing is written and the wait is woken once', async () => {
    // Prepare
    const order = await storeFresh(store.db, aParkedOrderInTransit(UNTIL));
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });
    await receiveCarrierEvent(deps, event);
    const afterFirst = await getOrder(store.db, order.orderId);

    // Act
    const outcome = await receiveCarrierEvent(deps, event);

    // Assess
    expect(outcome).toBe('ignored');
    expect((await getOrder(store.db, order.orderId))?.version).toBe(afterFirst?.version);
    expect(recorded.resumed).toHaveLength(1);
  });

  it('keeps an event of an unknown tracking number once and alerts operators once', async () => {
    // Prepare
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const trackingNumber = 'SBX_NOBODYS_PARCEL';

    // Act
    const outcomes = [
      await receiveCarrierEvent(deps, aCarrierEvent('in_transit', { trackingNumber })),
      await receiveCarrierEvent(deps, aCarrierEvent('delivered', { trackingNumber })),
    ];

    // Assess
    expect(outcomes).toEqual(['unmatched', 'unmatched']);
    const { Item } = await store.db.doc.send(
      new GetCommand({
        TableName: store.db.tables.orders,
        Key: { pk: `UNMATCHED#${trackingNumber}`, sk: 'UNMATCHED' },
      }),
    );
    expect(Item?.event).toMatchObject({ trackingNumber, status: 'in_transit' });
    expect(recorded.alerts.map((alert) => alert.kind)).toEqual(['unknown_tracking']);
    expect(recorded.resumed).toEqual([]);
  });

  it("records a return parcel's scan with its return and wakes that return's wait", async () => {
    // Prepare
    const returnTracking = 'SBX_RETURN_PARCEL_1';
    const order = await storeFresh(
      store.db,
      withReturns(
        aDeliveredOrder(),
        aReturn({
          trackingNumber: returnTracking,
          wait: { stage: 'return', token: 'return-token', until: UNTIL },
        }),
      ),
    );
    await putReturnTracking(store.db, order.orderId, RETURN_ID, returnTracking);
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const event = aCarrierEvent('in_transit', { trackingNumber: returnTracking });

    // Act
    const outcome = await receiveCarrierEvent(deps, event);

    // Assess
    expect(outcome).toBe('recorded');
    expect((await getOrder(store.db, order.orderId))?.inbox[`return:${event.eventId}`]).toMatchObject({
      kind: 'return',
      returnId: RETURN_ID,
      status: 'in_transit',
    });
    expect(recorded.resumed.map((resume) => [resume.token, resume.signal.action])).toEqual([
      ['return-token', 'recheck'],
    ]);
  });

  describe('while the delivery wait is parked until its deadline', () => {
    /** The parked order as CapturePayment leaves it: the wait's deadline is the estimate plus the grace period. */
    const aParkedOrder = async (change: (order: OrderRecord) => OrderRecord = (order) => order) => {
      const { deps } = recordingDeps(store.db, NOW);
      const { delayGraceDays } = deps.config.durations;
      const until = deliveryDeadline(aParkedOrderInTransit(UNTIL), delayGraceDays, deps.config.daySeconds);
      return storeFresh(store.db, change(aParkedOrderInTransit(until)));
    };

    it('applies out for delivery in the write that records it, tells the customer and wakes nobody', async () => {
      // Prepare
      const order = await aParkedOrder();
      const { deps, recorded } = recordingDeps(store.db, NOW);
      const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

      // Act
      const outcome = await receiveCarrierEvent(deps, event);

      // Assess
      expect(outcome).toBe('recorded');
      const stored = await getOrder(store.db, order.orderId);
      expect([stored?.status, stored?.shipment?.status, stored?.version]).toEqual([
        'OUT_FOR_DELIVERY',
        'out_for_delivery',
        order.version + 1,
      ]);
      expect(stored?.inbox[`carrier:${event.eventId}`]?.applied).toBe(true);
      expect(stored?.wait).toEqual(order.wait);
      expect(recorded.notices).toEqual(['out_for_delivery by email', 'out_for_delivery by sms']);
      expect(Object.keys(stored?.notices ?? {})).toContain('out_for_delivery:first:email');
      expect(recorded.resumed).toEqual([]);
    });

    it('applies delivered, tells the customer and wakes the wait with delivered', async () => {
      // Prepare
      const order = await aParkedOrder();
      const { deps, recorded } = recordingDeps(store.db, NOW);
      const event = aCarrierEvent('delivered', { trackingNumber: order.trackingNumber! });

      // Act
      await receiveCarrierEvent(deps, event);

      // Assess
      const stored = await getOrder(store.db, order.orderId);
      expect([stored?.status, stored?.shipment?.status, stored?.wait]).toEqual([
        'DELIVERED',
        'delivered',
        undefined,
      ]);
      expect(recorded.notices).toEqual(['delivered by email', 'delivered by sms']);
      expect(recorded.resumed.map((resume) => [resume.token, resume.signal.action])).toEqual([
        ['delivery-token', 'delivered'],
      ]);
    });

    it('sends one notice when the same scan reaches two receivers at once', async () => {
      // Prepare
      const order = await aParkedOrder();
      const { deps, recorded } = recordingDeps(store.db, NOW);
      const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

      // Act
      const outcomes = await Promise.all([
        receiveCarrierEvent(deps, event),
        receiveCarrierEvent(deps, event),
      ]);

      // Assess
      expect(outcomes.sort()).toEqual(['ignored', 'recorded']);
      expect(recorded.notices).toEqual(['out_for_delivery by email', 'out_for_delivery by sms']);
      expect((await getOrder(store.db, order.orderId))?.version).toBe(order.version + 1);
    });

    it('hands a notice it cannot send to the workflow: no longer recorded as sent, the wait woken', async () => {
      // Prepare
      const order = await aParkedOrder();
      const { deps, recorded } = recordingDeps(store.db, NOW);
      deps.messaging.sendEmail = () => Promise.reject(new Error('SES is unavailable'));
      const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

      // Act
      const outcome = await receiveCarrierEvent(deps, event);

      // Assess
      expect(outcome).toBe('recorded');
      const stored = await getOrder(store.db, order.orderId);
      expect(stored?.status).toBe('OUT_FOR_DELIVERY');
      expect(Object.keys(stored?.notices ?? {})).not.toContain('out_for_delivery:first:email');
      expect(Object.keys(stored?.notices ?? {})).toContain('out_for_delivery:first:sms');
      expect(recorded.resumed.map((resume) => [resume.token, resume.signal.action])).toEqual([
        ['delivery-token', 'recheck'],
      ]);
    });

    it('leaves a scan of a parcel being cancelled to the workflow', async () => {
      // Prepare
      const order = await aParkedOrder((parked) => withCancelRequest(parked));
      const { deps, recorded } = recordingDeps(store.db, NOW);
      const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

      // Act
      await receiveCarrierEvent(deps, event);

      // Assess
      const stored = await getOrder(store.db, order.orderId);
      expect(stored?.inbox[`carrier:${event.eventId}`]?.applied).toBe(false);
      expect(stored?.status).toBe(order.status);
      expect(recorded.notices).toEqual([]);
      expect(recorded.resumed.map((resume) => resume.signal.action)).toEqual(['recheck']);
    });
  });
});
