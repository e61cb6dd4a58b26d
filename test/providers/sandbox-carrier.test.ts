// The sandbox carrier against dynalite: deterministic labels, services and rates, the undeliverable and delay
// magic, the stored tracking schedule, voiding, return labels, intercepts, and what the schedule says has happened.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AddressUndeliverableError } from '../../functions/domain/errors';
import {
  SANDBOX_WAREHOUSE_ADDRESS,
  SandboxCarrier,
  SandboxCarrierError,
  getSandboxShipment,
  sandboxReturnShipmentIdentity,
  sandboxShipmentIdentity,
} from '../../functions/adapters/carrier/sandbox-carrier';
import type { SandboxShipment } from '../../functions/adapters/carrier/sandbox-carrier';
import type { Label, LabelRequest, ReturnLabelRequest, ServiceLevel } from '../../functions/domain/providers';
import { startOrdersTable } from './dynalite-table';
import type { TestTable } from './dynalite-table';

const DAY_SECONDS = 0.02;
const DAY_MS = DAY_SECONDS * 1000;
const T0 = new Date('2030-01-01T00:00:00.000Z');
const BASE_URL = 'http://localhost:3000';

let store: TestTable;
let now: Date;
let created: SandboxShipment[];
let changed: SandboxShipment[];
let carrier: SandboxCarrier;
let sequence = 0;

const labelRequest = (overrides: Partial<LabelRequest> = {}): LabelRequest => {
  sequence += 1;
  return {
    orderId: `order-${sequence}`,
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
    idempotencyKey: `order-${sequence}:label`,
    ...overrides,
  };
};

const returnLabelRequest = (overrides: Partial<ReturnLabelRequest> = {}): ReturnLabelRequest => {
  sequence += 1;
  return {
    orderId: `order-${sequence}`,
    returnId: `ret-${sequence}`,
    from: {
      name: 'Ada Lovelace',
      line1: '1 Main St',
      line2: '',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      country: 'US',
    },
    weightGrams: 400,
    idempotencyKey: `order-${sequence}:return-label:ret-${sequence}`,
    ...overrides,
  };
};

const at = (days: number): string => new Date(T0.getTime() + days * DAY_MS).toISOString();

const storedItem = async (shipmentId: string) =>
  (
    await store.doc.send(
      new GetCommand({
        TableName: store.table,
        Key: { pk: `SANDBOX#SHIPMENT#${shipmentId}`, sk: 'SANDBOX' },
      }),
    )
  ).Item;

const interceptOf = (label: Label, idempotencyKey = 'intercept-1') =>
  carrier.intercept({ shipmentId: label.shipmentId, trackingNumber: label.trackingNumber, idempotencyKey });

beforeAll(async () => {
  store = await startOrdersTable();
  now = T0;
  created = [];
  changed = [];
  carrier = new SandboxCarrier({
    doc: store.doc,
    table: store.table,
    daySeconds: DAY_SECONDS,
    baseUrl: `${BASE_URL}/`,
    clock: () => now,
    onLabelCreated: (shipment) => created.push(shipment),
    onScheduleChanged: (shipment) => changed.push(shipment),
  });
});

beforeEach(() => {
  now = T0;
});

afterAll(async () => {
  await store.close();
});

describe('SandboxCarrier', () => {
  describe('buyLabel', () => {
    it('derives the shipment id and tracking number from the idempotency key', async () => {
      // Prepare
      const request = labelRequest();

      // Act
      const label = await carrier.buyLabel(request);

      // Assess
      const identity = sandboxShipmentIdentity(request.idempotencyKey);
      expect(label).toEqual({
        shipmentId: identity.shipmentId,
        carrier: 'sandbox',
        service: 'standard',
        trackingNumber: identity.trackingNumber,
        labelUrl: `${BASE_URL}/_local/carrier/labels/${identity.shipmentId}`,
        trackingUrl: `${BASE_URL}/_local/carrier/tracking/${identity.trackingNumber}`,
        rateAmount: 500,
        estimatedDelivery: at(5),
      });
      expect(label.trackingNumber).toMatch(/^SBX\d{12}$/);
      expect(sandboxShipmentIdentity(request.idempotencyKey)).toEqual(identity);
    });

    it('answers a repeated purchase with the same key with the first label, announcing it once', async () => {
      // Prepare
      const request = labelRequest();
      const first = await carrier.buyLabel(request);
      const announced = created.length;
      now = new Date(now.getTime() + DAY_MS);

      // Act
      const second = await carrier.buyLabel(request);

      // Assess
      expect(second).toEqual(first);
      expect(created.length).toBe(announced);
      expect(created.at(-1)?.shipmentId).toBe(first.shipmentId);
      now = T0;
    });

    it.each([
      ['standard', 5, 500],
      ['express', 2, 1500],
      ['overnight', 1, 3000],
    ] as const)('sells %s for its rate, delivered in its days', async (service: ServiceLevel, days, rate) => {
      // Prepare
      const request = labelRequest({ service });

      // Act
      const label = await carrier.buyLabel(request);

      // Assess
      expect(label).toMatchObject({ service, rateAmount: rate, estimatedDelivery: at(days) });
    });

    it('refuses postal code 00000 as undeliverable and stores nothing', async () => {
      // Prepare
      const request = labelRequest({ to: { ...labelRequest().to, postalCode: '00000' } });

      // Act
      const attempt = carrier.buyLabel(request);

      // Assess
      await expect(attempt).rejects.toThrow(AddressUndeliverableError);
      const { shipmentId } = sandboxShipmentIdentity(request.idempotencyKey);
      expect(await getSandboxShipment(store.doc, store.table, shipmentId)).toBeUndefined();
    });

    it('stores the schedule of an on-time parcel', async () => {
      // Prepare
      const request = labelRequest({ service: 'express' });

      // Act
      const label = await carrier.buyLabel(request);

      // Assess
      const shipment = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      expect(
        shipment?.schedule.map(({ eventId, status, at: when }) => ({ eventId, status, at: when })),
      ).toEqual([
        { eventId: `${label.shipmentId}-1`, status: 'pre_transit', at: at(0.1) },
        { eventId: `${label.shipmentId}-2`, status: 'in_transit', at: at(0.5) },
        { eventId: `${label.shipmentId}-3`, status: 'out_for_delivery', at: at(1.75) },
        { eventId: `${label.shipmentId}-4`, status: 'delivered', at: at(2) },
      ]);
      expect(shipment?.schedule[1]?.estimatedDelivery).toBe(at(2));
      expect(shipment?.schedule.every((entry) => entry.sentAt === undefined)).toBe(true);
    });

    it.each(['line1', 'line2'] as const)('runs a parcel 2 days late when %s says "delay"', async (line) => {
      // Prepare
      const base = labelRequest();
      const request = { ...base, to: { ...base.to, [line]: 'Please Delay me, Apt 4' } };

      // Act
      const label = await carrier.buyLabel(request);

      // Assess
      const shipment = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      expect(label.estimatedDelivery).toBe(at(5));
      expect(shipment).toMatchObject({ promisedDelivery: at(5), estimatedDelivery: at(7), delayDays: 2 });
      expect(shipment?.schedule.map((entry) => [entry.status, entry.at, entry.estimatedDelivery])).toEqual([
        ['pre_transit', at(0.1), undefined],
        ['in_transit', at(0.5), at(7)],
        ['out_for_delivery', at(6.75), at(7)],
        ['delivered', at(7), undefined],
      ]);
    });

    it('stores the recipient name and address and nothing else about them, outside the tracking index', async () => {
      // Prepare
      const request = labelRequest();

      // Act
      const label = await carrier.buyLabel(request);

      // Assess
      const { Item } = await store.doc.send(
        new GetCommand({
          TableName: store.table,
          Key: { pk: `SANDBOX#SHIPMENT#${label.shipmentId}`, sk: 'SANDBOX' },
        }),
      );
      expect(Item?.to).toEqual({
        name: 'Ada Lovelace',
        line1: '1 Main St',
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        country: 'US',
      });
      // The Orders table's byTracking index is keyed on `trackingNumber`; a sandbox record must stay out of it.
      expect(Item).not.toHaveProperty('trackingNumber');
    });
  });

  describe('voidLabel', () => {
    it('marks the label voided, and voiding again changes nothing', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      await carrier.voidLabel({ shipmentId: label.shipmentId, idempotencyKey: 'void-1' });
      const first = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      now = new Date(now.getTime() + DAY_MS);

      // Act
      await carrier.voidLabel({ shipmentId: label.shipmentId, idempotencyKey: 'void-2' });

      // Assess
      expect(first?.status).toBe('VOIDED');
      expect(await getSandboxShipment(store.doc, store.table, label.shipmentId)).toEqual(first);
      now = T0;
    });

    it('refuses an unknown shipment', async () => {
      // Act
      const attempt = carrier.voidLabel({ shipmentId: 'shp_sbx_nope', idempotencyKey: 'void' });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxCarrierError);
    });
  });
  describe('returnLabel', () => {
    it('derives the return label from the idempotency key, apart from the outbound label of the same key', async () => {
      // Prepare
      const request = returnLabelRequest();
      const outbound = await carrier.buyLabel(labelRequest({ idempotencyKey: request.idempotencyKey }));

      // Act
      const label = await carrier.returnLabel(request);

      // Assess
      const identity = sandboxReturnShipmentIdentity(request.idempotencyKey);
      expect(label).toEqual({
        shipmentId: identity.shipmentId,
        carrier: 'sandbox',
        service: 'standard',
        trackingNumber: identity.trackingNumber,
        labelUrl: `${BASE_URL}/_local/carrier/labels/${identity.shipmentId}`,
        trackingUrl: `${BASE_URL}/_local/carrier/tracking/${identity.trackingNumber}`,
        rateAmount: 500,
        estimatedDelivery: at(3),
      });
      expect(label.trackingNumber).toMatch(/^SBX\d{12}$/);
      expect(label.shipmentId).not.toBe(outbound.shipmentId);
      expect(label.trackingNumber).not.toBe(outbound.trackingNumber);
    });

    it('answers a repeated return label with the same key with the first label, announcing it once', async () => {
      // Prepare
      const request = returnLabelRequest();
      const first = await carrier.returnLabel(request);
      const announced = created.length;
      now = new Date(now.getTime() + DAY_MS);

      // Act
      const second = await carrier.returnLabel(request);

      // Assess
      expect(second).toEqual(first);
      expect(created.length).toBe(announced);
      expect(created.at(-1)).toMatchObject({ shipmentId: first.shipmentId, direction: 'return' });
    });

    it('refuses a key reused for another return', async () => {
      // Prepare
      const request = returnLabelRequest();
      await carrier.returnLabel(request);

      // Act
      const attempt = carrier.returnLabel({ ...request, returnId: 'ret-other' });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxCarrierError);
    });

    it('stores the return schedule: dropped off after a day, at the warehouse after three', async () => {
      // Prepare
      const request = returnLabelRequest();

      // Act
      const label = await carrier.returnLabel(request);

      // Assess
      const shipment = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      expect(shipment).toMatchObject({
        direction: 'return',
        returnId: request.returnId,
        orderId: request.orderId,
        service: 'standard',
        promisedDelivery: at(3),
        estimatedDelivery: at(3),
      });
      expect(shipment?.schedule).toEqual([
        {
          n: 1,
          eventId: `${label.shipmentId}-1`,
          status: 'in_transit',
          at: at(1),
          estimatedDelivery: at(3),
          location: 'San Francisco, CA, US',
          message: 'Dropped off by the customer',
        },
        {
          n: 2,
          eventId: `${label.shipmentId}-2`,
          status: 'delivered',
          at: at(3),
          location: 'Orderflow Sandbox Warehouse, Oakland, CA, US',
          message: 'Delivered to the warehouse',
        },
      ]);
    });

    it('stores the warehouse as recipient, the customer only as the label’s sender, outside the tracking index', async () => {
      // Prepare
      const request = returnLabelRequest();

      // Act
      const label = await carrier.returnLabel(request);

      // Assess
      const item = await storedItem(label.shipmentId);
      expect(item?.to).toEqual(SANDBOX_WAREHOUSE_ADDRESS);
      expect(item?.from).toEqual({
        name: 'Ada Lovelace',
        line1: '1 Main St',
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        country: 'US',
      });
      expect(item?.trackingCode).toBe(label.trackingNumber);
      // The Orders table's byTracking index is keyed on `trackingNumber`; a sandbox record must stay out of it.
      expect(item).not.toHaveProperty('trackingNumber');
    });
  });

  describe('intercept', () => {
    it('accepts before the parcel is out for delivery and replaces the scans still to come', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest({ service: 'standard' }));
      now = new Date(T0.getTime() + DAY_MS);
      const announced = changed.length;

      // Act
      const result = await interceptOf(label);

      // Assess
      expect(result).toEqual({ accepted: true });
      const shipment = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      expect(shipment?.intercept).toEqual({ requestedAt: at(1), accepted: true });
      // The scans whose time came stay; out_for_delivery (#3) and delivered (#4) make room for #5 and #6.
      expect(
        shipment?.schedule.map(({ eventId, status, at: when }) => ({ eventId, status, at: when })),
      ).toEqual([
        { eventId: `${label.shipmentId}-1`, status: 'pre_transit', at: at(0.1) },
        { eventId: `${label.shipmentId}-2`, status: 'in_transit', at: at(0.5) },
        { eventId: `${label.shipmentId}-5`, status: 'return_to_sender', at: at(1.5) },
        { eventId: `${label.shipmentId}-6`, status: 'delivered', at: at(3) },
      ]);
      expect(shipment?.schedule.slice(2)).toEqual([
        expect.objectContaining({
          n: 5,
          location: 'Sandbox Hub',
          message: 'Intercepted; returning to sender',
        }),
        expect.objectContaining({ n: 6, location: 'Sandbox Hub', message: 'Returned to sender' }),
      ]);
      expect(changed.slice(announced)).toEqual([shipment]);
    });

    it('answers a repeated intercept with the first answer and changes nothing, whatever the key', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      now = new Date(T0.getTime() + DAY_MS);
      const first = await interceptOf(label, 'intercept-1');
      const afterFirst = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      const announced = changed.length;
      now = new Date(T0.getTime() + 2 * DAY_MS);

      // Act
      const second = await interceptOf(label, 'intercept-2');

      // Assess
      expect(second).toEqual(first);
      expect(await getSandboxShipment(store.doc, store.table, label.shipmentId)).toEqual(afterFirst);
      expect(changed.length).toBe(announced);
    });

    it.each([
      ['out_for_delivery', 1.75],
      ['delivered', 2],
    ] as const)('refuses once the parcel is %s, keeping its schedule', async (reason, days) => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest({ service: 'express' }));
      const before = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      now = new Date(T0.getTime() + days * DAY_MS);
      const announced = changed.length;

      // Act
      const result = await interceptOf(label);

      // Assess
      expect(result).toEqual({ accepted: false, reason });
      const after = await getSandboxShipment(store.doc, store.table, label.shipmentId);
      expect(after?.schedule).toEqual(before?.schedule);
      expect(after?.intercept).toEqual({ requestedAt: at(days), accepted: false, reason });
      expect(changed.length).toBe(announced);
    });

    it('answers a refused intercept the same way later, even if asked again', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest({ service: 'express' }));
      now = new Date(T0.getTime() + 1.8 * DAY_MS);
      await interceptOf(label);
      now = new Date(T0.getTime() + 3 * DAY_MS);

      // Act
      const result = await interceptOf(label, 'intercept-2');

      // Assess
      expect(result).toEqual({ accepted: false, reason: 'out_for_delivery' });
    });

    it('refuses a voided label', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      await carrier.voidLabel({ shipmentId: label.shipmentId, idempotencyKey: 'void' });

      // Act
      const result = await interceptOf(label);

      // Assess
      expect(result).toEqual({ accepted: false, reason: 'voided' });
    });

    it('refuses an unknown shipment or a tracking number of another one', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());

      // Act
      const unknown = carrier.intercept({
        shipmentId: 'shp_sbx_nope',
        trackingNumber: label.trackingNumber,
        idempotencyKey: 'intercept',
      });
      const mismatched = carrier.intercept({
        shipmentId: label.shipmentId,
        trackingNumber: 'SBX000000000000',
        idempotencyKey: 'intercept',
      });

      // Assess
      await expect(unknown).rejects.toThrow(SandboxCarrierError);
      await expect(mismatched).rejects.toThrow(SandboxCarrierError);
    });
  });

  describe('trackingEvents', () => {
    const parcelOf = (label: Label) => ({
      shipmentId: label.shipmentId,
      trackingNumber: label.trackingNumber,
    });

    it('answers the scans of the schedule whose time has come, with their webhook event ids, sent or not', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      now = new Date(at(5 - 0.1));

      // Act
      const events = await carrier.trackingEvents(parcelOf(label));

      // Assess
      expect(events.map((event) => [event.eventId, event.status])).toEqual([
        [`${label.shipmentId}-1`, 'pre_transit'],
        [`${label.shipmentId}-2`, 'in_transit'],
        [`${label.shipmentId}-3`, 'out_for_delivery'],
      ]);
      expect(events[1]).toMatchObject({
        trackingNumber: label.trackingNumber,
        occurredAt: at(0.5),
        estimatedDelivery: at(5),
      });
    });

    it('answers delivered once its time has come', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      now = new Date(at(5));

      // Act
      const events = await carrier.trackingEvents(parcelOf(label));

      // Assess
      expect(events.at(-1)).toMatchObject({ eventId: `${label.shipmentId}-4`, status: 'delivered' });
    });

    it('answers the scans of an intercepted parcel coming back', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      now = new Date(at(1));
      await interceptOf(label);
      now = new Date(at(3.5));

      // Act
      const events = await carrier.trackingEvents(parcelOf(label));

      // Assess
      expect(events.map((event) => event.status)).toEqual([
        'pre_transit',
        'in_transit',
        'return_to_sender',
        'delivered',
      ]);
    });

    it('answers nothing for a voided label, and refuses an unknown shipment', async () => {
      // Prepare
      const label = await carrier.buyLabel(labelRequest());
      await carrier.voidLabel({ shipmentId: label.shipmentId, idempotencyKey: 'void-1' });
      now = new Date(at(10));

      // Act
      const voided = await carrier.trackingEvents(parcelOf(label));
      const unknown = carrier.trackingEvents({ shipmentId: 'shp_sbx_unknown', trackingNumber: 'SBX000' });

      // Assess
      expect(voided).toEqual([]);
      await expect(unknown).rejects.toThrow(SandboxCarrierError);
    });
  });
});
