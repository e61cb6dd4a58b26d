// The order's timeline reads in time order, whatever order its entries were recorded in: a carrier scan recorded
// late carries the time it happened, and orders stored before entries were kept sorted show sorted too.
import { describe, expect, it } from 'vitest';
import { inTimeOrder, toOrderView, withTimeline } from '../../../functions/domain/order';
import { anOrder } from '../helpers/orders';

const types = (timeline: { type: string }[]) => timeline.map((entry) => entry.type);

describe('the order timeline', () => {
  it('places an entry that happened earlier than the last one recorded before it', () => {
    const order = anOrder({
      timeline: [
        { at: '2026-03-02T10:00:00.000Z', type: 'ORDER_RECEIVED', detail: {} },
        { at: '2026-03-02T12:00:00.000Z', type: 'SHIPPED', detail: {} },
        { at: '2026-03-03T09:00:00.000Z', type: 'OUT_FOR_DELIVERY', detail: {} },
      ],
    });

    // A scan that happened before the parcel went out for delivery, received after it.
    const next = withTimeline(order, '2026-03-02T18:30:00Z', 'IN_TRANSIT');

    expect(types(next.timeline)).toEqual(['ORDER_RECEIVED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY']);
  });

  it('keeps entries of the same instant in the order they were recorded', () => {
    const at = '2026-03-02T10:00:00.000Z';
    const timeline = [
      { at, type: 'A', detail: {} },
      { at, type: 'B', detail: {} },
      { at: '2026-03-02T09:00:00.000Z', type: 'EARLIER', detail: {} },
      { at, type: 'C', detail: {} },
    ];

    expect(types(inTimeOrder(timeline))).toEqual(['EARLIER', 'A', 'B', 'C']);
  });

  it('compares times, not strings, when entries differ in precision', () => {
    const timeline = [
      { at: '2026-03-02T10:00:00.500Z', type: 'LATER', detail: {} },
      { at: '2026-03-02T10:00:00Z', type: 'EARLIER', detail: {} },
    ];

    expect(types(inTimeOrder(timeline))).toEqual(['EARLIER', 'LATER']);
  });

  it('shows a stored timeline out of order in time order in the order view', () => {
    const order = anOrder({
      timeline: [
        { at: '2026-03-02T12:00:00.000Z', type: 'CONFIRMED', detail: {} },
        { at: '2026-03-02T10:00:00.000Z', type: 'ORDER_RECEIVED', detail: {} },
      ],
    });

    expect(types(toOrderView(order).timeline)).toEqual(['ORDER_RECEIVED', 'CONFIRMED']);
  });
});
