// The EasyPost adapter against recorded EasyPost exchanges (test/fixtures/easypost), replayed by a fake fetch that
// checks each request's method, path, Basic auth and JSON body: labels, return labels, voiding, the intercept
// EasyPost cannot do, and reading (or creating) a parcel's tracker for reconciliation. The recordings themselves are
// held to EasyPost's documented objects in test/providers/easypost-shapes.test.ts.
import { describe, expect, it } from 'vitest';
import { AddressUndeliverableError, TransientError } from '../../functions/domain/errors';
import {
  EASYPOST_INTERCEPT_UNSUPPORTED,
  EasyPostCarrier,
  EasyPostRequestError,
  decimalToMinorUnits,
} from '../../functions/adapters/carrier/easypost-carrier';
import type { LabelRequest, ReturnLabelRequest } from '../../functions/domain/providers';
import { replay, replayFixture } from './recorded-fetch';
import { recordedWarehouse } from './fixtures';

const API_KEY = 'EZTK_test_orderflow';
const BASE_URL = 'https://api.easypost.test';
const SHIPMENT_ID = 'shp_6a1f2e3d4c5b4a69887766554433221a';
const NOW = new Date('2030-01-01T10:00:00.000Z');
const TRACKER_ID = 'trk_0c3f1a9e2b7d4e6f8a1b2c3d4e5f6a7b';
const TRACKING_NUMBER = '9400100109361129278357';

const carrierFor = (fixture: string) => {
  const recording = replayFixture(`easypost/${fixture}`, {
    baseUrl: BASE_URL,
    authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`,
  });
  const carrier = new EasyPostCarrier({
    apiKey: () => Promise.resolve(API_KEY),
    fromAddress: recordedWarehouse,
    fetch: recording.fetch,
    baseUrl: BASE_URL,
    clock: () => NOW,
  });
  return { carrier, recording };
};

const labelRequest: LabelRequest = {
  orderId: 'order-1001',
  service: 'standard',
  to: {
    name: 'Ada Lovelace',
    line1: '1 Main St',
    line2: '',
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    country: 'US',
  },
  weightGrams: 400,
  idempotencyKey: 'order-1001:label',
};

const returnLabelRequest: ReturnLabelRequest = {
  orderId: 'order-1001',
  returnId: 'ret-1',
  from: labelRequest.to,
  weightGrams: 400,
  idempotencyKey: 'order-1001:return-label:ret-1',
};

describe('EasyPostCarrier', () => {
  describe('buyLabel', () => {
    it('verifies the address, rates the shipment and buys the cheapest standard rate', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('buy-label-standard.json');

      // Act
      const label = await carrier.buyLabel(labelRequest);

      // Assess
      expect(label).toEqual({
        shipmentId: SHIPMENT_ID,
        carrier: 'easypost',
        service: 'standard',
        trackingNumber: '9400100109361129278357',
        labelUrl:
          'https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20300101/e8f1c2a3b4d5.png',
        trackingUrl: 'https://track.easypost.com/djE6dHJrXzBjM2YxYTllMmI3ZDRlNmY4YTFiMmMzZDRlNWY2YTdi',
        rateAmount: 593,
        // The rate has no delivery date: purchase time + its 3 delivery days.
        estimatedDelivery: '2030-01-04T10:00:00.000Z',
        // Kept, so that reconciliation can read the parcel's tracker.
        trackerId: TRACKER_ID,
      });
      recording.expectAllUsed();
    });

    it('buys the cheapest rate of the express services, dated by the rate’s delivery date', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('buy-label-express.json');

      // Act
      const label = await carrier.buyLabel({ ...labelRequest, service: 'express' });

      // Assess
      expect(label).toMatchObject({
        service: 'express',
        rateAmount: 820,
        estimatedDelivery: '2030-01-03T18:00:00.000Z',
      });
      recording.expectAllUsed();
    });

    it('answers a retried purchase with the shipment bought before, buying nothing', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('buy-label-replay.json');

      // Act
      const label = await carrier.buyLabel(labelRequest);

      // Assess
      expect(label).toMatchObject({ shipmentId: SHIPMENT_ID, trackingNumber: '9400100109361129278357' });
      recording.expectAllUsed();
    });

    it('reports an address EasyPost cannot verify as AddressUndeliverableError', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('buy-label-unverifiable.json');

      // Act
      const attempt = carrier.buyLabel(labelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(AddressUndeliverableError);
      recording.expectAllUsed();
    });

    it('reports a shipment without a rate for the level as AddressUndeliverableError, buying nothing', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('buy-label-no-rate.json');

      // Act
      const attempt = carrier.buyLabel(labelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(AddressUndeliverableError);
      recording.expectAllUsed();
    });

    it('reports throttling (HTTP 429) as TransientError', async () => {
      // Prepare
      const { carrier } = carrierFor('buy-label-rate-limited.json');

      // Act
      const attempt = carrier.buyLabel(labelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });

    it('gives up on a slow answer within its request timeout, as a TransientError', async () => {
      // Prepare
      const recording = replay(
        [
          {
            request: {
              method: 'GET',
              path: `/v2/shipments/${encodeURIComponent(labelRequest.idempotencyKey)}`,
            },
            response: { status: 200, body: {}, delayMs: 1_000 },
          },
        ],
        { baseUrl: BASE_URL, authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}` },
      );
      const carrier = new EasyPostCarrier({
        apiKey: API_KEY,
        fromAddress: {
          name: 'Warehouse',
          line1: '1 Dock',
          city: 'Oakland',
          postalCode: '94607',
          country: 'US',
        },
        fetch: recording.fetch,
        baseUrl: BASE_URL,
        requestTimeoutMs: 20,
      });

      // Act
      const attempt = carrier.buyLabel(labelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
      await expect(attempt).rejects.toThrow('EasyPost did not answer within 20 ms');
    });

    it('reports a network failure as TransientError', async () => {
      // Prepare
      const carrier = new EasyPostCarrier({
        apiKey: API_KEY,
        fromAddress: {
          name: 'Warehouse',
          line1: '1 Dock',
          city: 'Oakland',
          postalCode: '94607',
          country: 'US',
        },
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      });

      // Act
      const attempt = carrier.buyLabel(labelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(TransientError);
    });
  });

  describe('voidLabel', () => {
    it('asks EasyPost to refund the unused label', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('void-label.json');

      // Act
      await carrier.voidLabel({ shipmentId: SHIPMENT_ID, idempotencyKey: 'order-1001:void-label' });

      // Assess
      recording.expectAllUsed();
    });

    it.each([
      ['the refund was submitted before', 'void-label-again.json'],
      ['the refund was paid out before', 'void-label-already-refunded.json'],
      ['the carrier bills on scan only (refund not_applicable)', 'void-label-not-applicable.json'],
    ])('is a no-op when %s', async (_case, fixture) => {
      // Prepare
      const { carrier, recording } = carrierFor(fixture);

      // Act
      const attempt = carrier.voidLabel({ shipmentId: SHIPMENT_ID, idempotencyKey: 'order-1001:void-label' });

      // Assess
      await expect(attempt).resolves.toBeUndefined();
      recording.expectAllUsed();
    });

    it.each([
      ['the carrier rejects the refund', 'void-label-rejected.json'],
      ['a refused request finds the earlier refund rejected', 'void-label-rejected-before.json'],
    ])('fails when %s: the label is still not refunded', async (_case, fixture) => {
      // Prepare
      const { carrier, recording } = carrierFor(fixture);

      // Act
      const attempt = carrier.voidLabel({ shipmentId: SHIPMENT_ID, idempotencyKey: 'order-1001:void-label' });

      // Assess
      await expect(attempt).rejects.toThrow(EasyPostRequestError);
      recording.expectAllUsed();
    });
  });
});

describe('EasyPostCarrier returns and intercepts', () => {
  describe('returnLabel', () => {
    it('buys an is_return shipment with the outbound addresses at the cheapest standard rate', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('return-label.json');

      // Act
      const label = await carrier.returnLabel(returnLabelRequest);

      // Assess
      expect(label).toEqual({
        shipmentId: 'shp_9c8b7a6f5e4d4c3b2a1f0e9d8c7b6a5f',
        carrier: 'easypost',
        service: 'standard',
        trackingNumber: '1Z999AA10123456784',
        labelUrl:
          'https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20300101/r9a8b7c6d5e4.png',
        trackingUrl: 'https://track.easypost.com/djE6dHJrXzFkNGEyYjBmM2M4ZTRmN2E5YjJjM2Q0ZTVmNmE3Yjhj',
        trackerId: 'trk_1d4a2b0f3c8e4f7a9b2c3d4e5f6a7b8c',
        // UPS Ground at 5.80 beats USPS GroundAdvantage; the cheaper USPS First is not a standard service.
        rateAmount: 580,
        // No delivery date on the rate: purchase time + its 4 delivery days.
        estimatedDelivery: '2030-01-05T10:00:00.000Z',
      });
      recording.expectAllUsed();
    });

    it('answers a retried return label with the return shipment bought before, buying nothing', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('return-label-replay.json');

      // Act
      const label = await carrier.returnLabel(returnLabelRequest);

      // Assess
      expect(label).toMatchObject({
        shipmentId: 'shp_9c8b7a6f5e4d4c3b2a1f0e9d8c7b6a5f',
        trackingNumber: '1Z999AA10123456784',
        rateAmount: 580,
      });
      recording.expectAllUsed();
    });

    it('refuses a key that already bought an outbound label, buying nothing', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('return-label-key-reused.json');

      // Act
      const attempt = carrier.returnLabel(returnLabelRequest);

      // Assess
      await expect(attempt).rejects.toThrow(EasyPostRequestError);
      recording.expectAllUsed();
    });
  });

  describe('intercept', () => {
    it('refuses every intercept without calling EasyPost', async () => {
      // Prepare
      const { carrier, recording } = carrierFor('return-label-replay.json');

      // Act
      const result = await carrier.intercept({
        shipmentId: SHIPMENT_ID,
        trackingNumber: '9400100109361129278357',
        idempotencyKey: 'order-1001:intercept',
      });

      // Assess
      expect(result).toEqual({ accepted: false, reason: EASYPOST_INTERCEPT_UNSUPPORTED });
      expect(EASYPOST_INTERCEPT_UNSUPPORTED).toBe('intercept is not supported through EasyPost');
      expect(recording.requests).toBe(0);
    });
  });
});

describe('EasyPostCarrier trackingEvents', () => {
  const parcel = { shipmentId: SHIPMENT_ID, trackingNumber: TRACKING_NUMBER, trackerId: TRACKER_ID };

  it("turns the tracker's tracking details into events, oldest first, the newest with the estimate", async () => {
    // Prepare
    const { carrier, recording } = carrierFor('tracker-delivered.json');

    // Act
    const events = await carrier.trackingEvents(parcel);

    // Assess
    expect(events.map((event) => [event.status, event.occurredAt])).toEqual([
      ['pre_transit', '2030-01-01T10:00:00.000Z'],
      ['in_transit', '2030-01-03T09:10:00.000Z'],
      ['out_for_delivery', '2030-01-04T07:05:00.000Z'],
      ['delivered', '2030-01-04T15:40:00.000Z'],
    ]);
    expect(events.at(-1)).toEqual({
      eventId: `${TRACKER_ID}:2030-01-04T15:40:00.000Z:delivered`,
      trackingNumber: TRACKING_NUMBER,
      status: 'delivered',
      occurredAt: '2030-01-04T15:40:00.000Z',
      estimatedDelivery: '2030-01-04T15:40:00.000Z',
      location: 'SAN FRANCISCO, CA, US',
      message: 'Delivered, In/At Mailbox',
    });
    expect(events.slice(0, -1).every((event) => event.estimatedDelivery === undefined)).toBe(true);
    recording.expectAllUsed();
  });

  it('gives a scan the same event id every time the tracker is read, so it is recorded once', async () => {
    // Prepare
    const first = carrierFor('tracker-delivered.json');
    const second = carrierFor('tracker-delivered.json');

    // Act
    const [a, b] = [await first.carrier.trackingEvents(parcel), await second.carrier.trackingEvents(parcel)];

    // Assess
    expect(a.map((event) => event.eventId)).toEqual(b.map((event) => event.eventId));
    expect(new Set(a.map((event) => event.eventId)).size).toBe(4);
  });

  it('reads a parcel labelled before tracker ids were kept through its shipment', async () => {
    // Prepare
    const { carrier, recording } = carrierFor('shipment-tracker-in-transit.json');

    // Act
    const events = await carrier.trackingEvents({ shipmentId: SHIPMENT_ID, trackingNumber: TRACKING_NUMBER });

    // Assess
    expect(events.map((event) => event.status)).toEqual(['pre_transit', 'in_transit']);
    expect(events.at(-1)).toMatchObject({
      location: 'OAKLAND, CA, US',
      estimatedDelivery: '2030-01-06T00:00:00.000Z',
    });
    recording.expectAllUsed();
  });

  it('creates the tracker of a parcel whose shipment embeds none, naming the carrier of its rate', async () => {
    // Prepare
    const { carrier, recording } = carrierFor('tracker-create-for-shipment.json');

    // Act
    const events = await carrier.trackingEvents({ shipmentId: SHIPMENT_ID, trackingNumber: TRACKING_NUMBER });

    // Assess
    expect(events.map((event) => [event.eventId, event.status])).toEqual([
      [`${TRACKER_ID}:2030-01-01T10:00:00.000Z:pre_transit`, 'pre_transit'],
      [`${TRACKER_ID}:2030-01-03T09:10:00.000Z:in_transit`, 'in_transit'],
    ]);
    recording.expectAllUsed();
  });

  it('creates the tracker of a tracking number EasyPost knows no shipment for, by the code alone', async () => {
    // Prepare
    const { carrier, recording } = carrierFor('tracker-create-by-tracking-code.json');

    // Act
    const events = await carrier.trackingEvents({ shipmentId: SHIPMENT_ID, trackingNumber: TRACKING_NUMBER });

    // Assess
    expect(events.map((event) => event.status)).toEqual(['pre_transit', 'in_transit']);
    expect(events.at(-1)).toMatchObject({
      trackingNumber: TRACKING_NUMBER,
      eventId: 'trk_7e2d4c6b8a0f4e1d9c3b5a7f9e1d3c5b:2030-01-03T09:10:00.000Z:in_transit',
      location: 'OAKLAND, CA, US',
    });
    recording.expectAllUsed();
  });

  it('reports EasyPost being unavailable as TransientError', async () => {
    // Prepare
    const { carrier } = carrierFor('tracker-unavailable.json');

    // Act
    const attempt = carrier.trackingEvents(parcel);

    // Assess
    await expect(attempt).rejects.toThrow(TransientError);
  });

  it("refuses a tracker of another parcel's tracking number", async () => {
    // Prepare
    const { carrier } = carrierFor('tracker-delivered.json');

    // Act
    const attempt = carrier.trackingEvents({ ...parcel, trackingNumber: '1Z999AA10123456784' });

    // Assess
    await expect(attempt).rejects.toThrow(EasyPostRequestError);
  });
});

describe('decimalToMinorUnits', () => {
  it.each([
    ['5.93', 593],
    ['21.4', 2140],
    ['7', 700],
    ['0.015', 2],
    ['3.994', 399],
  ])('reads %s as %i minor units', (amount, minor) => {
    // Assess
    expect(decimalToMinorUnits(amount)).toBe(minor);
  });
});
