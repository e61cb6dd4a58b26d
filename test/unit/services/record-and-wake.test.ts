// recordAndWake against dynalite: an outside event is stored in the order's inbox and the parked wait it matters
// to is resumed once, with its original deadline; an event that adds nothing, a refused one, or one that no parked
// wait cares about wakes nobody.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/domain/errors';
import { withCarrierEvent, withReturnEvent, withShipEvent } from '../../../functions/domain/inbox';
import type { OrderRecord } from '../../../functions/domain/order';
import { returnWake } from '../../../functions/domain/waits';
import { getOrder } from '../../../functions/adapters/order-store';
import { recordAndWake } from '../../../functions/services/record-and-wake';
import { useLocalDynamo } from '../helpers/dynamo';
import { recordingDeps, storeFresh } from '../helpers/recording-deps';
import {
  aCarrierEvent,
  aParkedOrderInTransit,
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShipment,
  daysAfter,
  RETURN_ID,
  SHIPPED_AT,
  withReturns,
} from '../helpers/orders';

const NOW = new Date(daysAfter(SHIPPED_AT, 1));
const UNTIL = daysAfter(SHIPPED_AT, 3);
const SECONDS_LEFT = (Date.parse(UNTIL) - NOW.getTime()) / 1000;

const store = useLocalDynamo();

describe('recordAndWake', () => {
  it('stores the event and wakes the parked wait with the time left until its deadline', async () => {
    // Prepare
    const order = await storeFresh(store.db, aParkedOrderInTransit(UNTIL));
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const event = aCarrierEvent('out_for_delivery', { trackingNumber: order.trackingNumber! });

    // Act
    const result = await recordAndWake(deps, order.orderId, (current) =>
      withCarrierEvent(current, event, NOW.toISOString()),
    );

    // Assess
    expect(result.changed).toBe(true);
    expect((await getOrder(store.db, order.orderId))?.inbox[`carrier:${event.eventId}`]?.status).toBe(
      'out_for_delivery',
    );
    expect(recorded.resumed).toEqual([
      {
        token: 'delivery-token',
        signal: { action: 'recheck', wait: { until: UNTIL, seconds: SECONDS_LEFT } },
      },
    ]);
  });

  it('wakes nobody when the event adds nothing', async () => {
    // Prepare
    const order = await storeFresh(store.db, aParkedOrderInTransit(UNTIL));
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    const result = await recordAndWake(deps, order.orderId, () => undefined);

    // Assess
    expect(result.changed).toBe(false);
    expect(result.order.version).toBe(order.version);
    expect(recorded.resumed).toEqual([]);
  });

  it('stores the event but wakes nobody when no execution is parked', async () => {
    // Prepare
    const order = await storeFresh(
      store.db,
      anOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }) }),
    );
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    const result = await recordAndWake(deps, order.orderId, (current) =>
      withShipEvent(current, NOW.toISOString()),
    );

    // Assess
    expect(result.changed).toBe(true);
    expect(result.order.inbox.ship?.applied).toBe(false);
    expect(recorded.resumed).toEqual([]);
  });

  it('wakes the wait the caller names: a return parcel scan wakes its return, not the order', async () => {
    // Prepare
    const order = await storeFresh(
      store.db,
      withReturns(
        { ...aDeliveredOrder(), wait: { stage: 'delivery', token: 'stale-order-token', until: UNTIL } },
        aReturn({ wait: { stage: 'return', token: 'return-token', until: UNTIL } }),
      ),
    );
    const { deps, recorded } = recordingDeps(store.db, NOW);

    // Act
    await recordAndWake(
      deps,
      order.orderId,
      (current) => withReturnEvent(current, RETURN_ID, aCarrierEvent('in_transit'), NOW.toISOString()),
      (stored) => returnWake(stored, RETURN_ID),
    );

    // Assess
    expect(recorded.resumed.map((resume) => [resume.token, resume.signal.action])).toEqual([
      ['return-token', 'recheck'],
    ]);
  });

  it('stores nothing and wakes nobody when the event is refused', async () => {
    // Prepare
    const order = await storeFresh(store.db, aParkedOrderInTransit(UNTIL));
    const { deps, recorded } = recordingDeps(store.db, NOW);
    const refuse = (): OrderRecord => {
      throw new ConflictError('NOT_SHIPPABLE', 'refused');
    };

    // Act
    const attempt = recordAndWake(deps, order.orderId, refuse);

    // Assess
    await expect(attempt).rejects.toThrow(ConflictError);
    expect((await getOrder(store.db, order.orderId))?.version).toBe(order.version);
    expect(recorded.resumed).toEqual([]);
  });
});
