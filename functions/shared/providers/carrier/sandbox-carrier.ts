// The sandbox carrier: a deterministic, persistent CarrierProvider whose shipments live in the Orders table
// (`pk = SANDBOX#SHIPMENT#<shipmentId>`, `sk = SANDBOX`). Each shipment stores its simulated tracking schedule, so
// the local carrier simulator (local/carrier-simulator.ts) can send the tracking webhooks and pick up where it left
// off after a restart. What users can rely on (services, rates, magic addresses, schedule) is in docs/sandbox.md.
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AddressUndeliverableError, OrderflowError } from '../../errors';
import { trackingStatuses } from '../types';
import type { CarrierProvider, Label, LabelRequest, Money, ServiceLevel } from '../types';

/** A call the sandbox carrier refuses (an unknown shipment, an idempotency key reused for another label). */
export class SandboxCarrierError extends OrderflowError {}

/** Business days from label purchase to delivery, per service level (the contract's figures). */
export const sandboxServiceDays: Readonly<Record<ServiceLevel, number>> = {
  standard: 5,
  express: 2,
  overnight: 1,
};

/** What each service level costs, in minor units (USD cents), whatever the weight: simple enough to assert. */
export const sandboxRates: Readonly<Record<ServiceLevel, Money>> = {
  standard: 500,
  express: 1500,
  overnight: 3000,
};

/** Days a parcel runs late when its address asks for it (`DELAY` in line 1 or 2). */
export const SANDBOX_DELAY_DAYS = 2;
/** The postal code the sandbox cannot deliver to. */
export const SANDBOX_UNDELIVERABLE_POSTAL_CODE = '00000';

const SHIPMENT_ID_PREFIX = 'shp_sbx_';
const TRACKING_PREFIX = 'SBX';
const SORT_KEY = 'SANDBOX';

const shipmentKey = (shipmentId: string) => ({ pk: `SANDBOX#SHIPMENT#${shipmentId}`, sk: SORT_KEY });

const scheduleEntrySchema = z.object({
  /** 1-based position; also the suffix of the event id. */
  n: z.number().int(),
  eventId: z.string(),
  status: z.enum(trackingStatuses),
  /** When the scan happens (ISO timestamp). */
  at: z.string(),
  estimatedDelivery: z.string().optional(),
  location: z.string().optional(),
  message: z.string().optional(),
  /** Set once the webhook for this entry was delivered; a set entry is never sent again. */
  sentAt: z.string().optional(),
});
export type SandboxScheduleEntry = z.infer<typeof scheduleEntrySchema>;

const sandboxShipmentSchema = z.object({
  shipmentId: z.string(),
  trackingNumber: z.string(),
  orderId: z.string(),
  idempotencyKey: z.string(),
  service: z.enum(['standard', 'express', 'overnight']),
  rateAmount: z.number().int(),
  labelUrl: z.string(),
  trackingUrl: z.string(),
  /** Label purchase, the t0 of the schedule. */
  createdAt: z.string(),
  /** The estimate given at purchase (t0 + service days). */
  promisedDelivery: z.string(),
  /** The estimate the parcel will actually meet (later than promised for a delayed parcel). */
  estimatedDelivery: z.string(),
  delayDays: z.number(),
  status: z.enum(['LABEL_CREATED', 'VOIDED']),
  voidedAt: z.string().optional(),
  /** Only what a label needs: a real carrier has the recipient's name and address, and nothing more. */
  to: z.object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postalCode: z.string(),
    country: z.string(),
  }),
  weightGrams: z.number(),
  schedule: z.array(scheduleEntrySchema),
});
/** A sandbox shipment (what the simulator and the local label and tracking pages read). */
export type SandboxShipment = z.infer<typeof sandboxShipmentSchema>;

// Stored as `trackingCode`, not `trackingNumber`: the Orders table indexes `trackingNumber` (byTracking) to find
// the order of a webhook, and a sandbox record must not show up there next to the order.
const storedShipmentSchema = sandboxShipmentSchema
  .omit({ trackingNumber: true })
  .extend({ trackingCode: z.string() });

const toItem = ({ trackingNumber, ...rest }: SandboxShipment): Record<string, unknown> => ({
  ...shipmentKey(rest.shipmentId),
  kind: 'sandbox-shipment',
  ...rest,
  trackingCode: trackingNumber,
});

/** Parses a stored item as a sandbox shipment (the simulator's table scan uses it). */
export const parseSandboxShipment = (item: Record<string, unknown>): SandboxShipment => {
  const { trackingCode, ...rest } = storedShipmentSchema.parse(item);
  return { ...rest, trackingNumber: trackingCode };
};

export interface SandboxCarrierOptions {
  doc: DynamoDBDocumentClient;
  /** The Orders table. */
  table: string;
  /** Seconds in a business day: 86,400 in AWS, ORDERFLOW_DAY_SECONDS locally. */
  daySeconds: number;
  /** Base URL of the local HTTP server, for the label and tracking links. */
  baseUrl: string;
  clock?: () => Date;
  /** Called once per newly bought label (not on an idempotent replay); local auto mode arms the simulator here. */
  onLabelCreated?: (shipment: SandboxShipment) => void;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The shipment id and tracking number a label bought with this idempotency key gets. */
export const sandboxShipmentIdentity = (
  idempotencyKey: string,
): { shipmentId: string; trackingNumber: string } => {
  const digest = sha256Hex(`label:${idempotencyKey}`);
  // 60 bits of the digest, reduced to 12 decimal digits: collisions need ~10^6 labels, fine for a sandbox.
  const digits = (BigInt(`0x${digest.slice(24, 39)}`) % 10n ** 12n).toString().padStart(12, '0');
  return { shipmentId: SHIPMENT_ID_PREFIX + digest.slice(0, 24), trackingNumber: TRACKING_PREFIX + digits };
};

/** True when the address asks the sandbox to deliver late. */
const asksForDelay = (address: { line1: string; line2?: string | undefined }): boolean =>
  /delay/i.test(address.line1) || /delay/i.test(address.line2 ?? '');

/** Reads a sandbox shipment, or undefined when there is none. */
export const getSandboxShipment = async (
  doc: DynamoDBDocumentClient,
  table: string,
  shipmentId: string,
): Promise<SandboxShipment | undefined> => {
  const { Item } = await doc.send(
    new GetCommand({ TableName: table, Key: shipmentKey(shipmentId), ConsistentRead: true }),
  );
  return Item ? parseSandboxShipment(Item) : undefined;
};

/** Sandbox CarrierProvider: one flat rate per service level, labels and schedules derived from the idempotency key. */
export class SandboxCarrier implements CarrierProvider {
  readonly name = 'sandbox';
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly dayMs: number;
  private readonly baseUrl: string;
  private readonly clock: () => Date;
  private readonly onLabelCreated: ((shipment: SandboxShipment) => void) | undefined;

  constructor(options: SandboxCarrierOptions) {
    this.doc = options.doc;
    this.table = options.table;
    this.dayMs = options.daySeconds * 1000;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
    this.onLabelCreated = options.onLabelCreated;
  }

  async buyLabel(request: LabelRequest): Promise<Label> {
    if (request.to.postalCode.trim() === SANDBOX_UNDELIVERABLE_POSTAL_CODE) {
      throw new AddressUndeliverableError('The sandbox carrier cannot deliver to this address');
    }
    const shipment = this.newShipment(request);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(shipment),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Bought before with this key: the first label is the answer (a retry must not buy a second parcel).
      const existing = await getSandboxShipment(this.doc, this.table, shipment.shipmentId);
      if (!existing) throw new SandboxCarrierError(`Sandbox shipment ${shipment.shipmentId} vanished`);
      if (existing.orderId !== request.orderId || existing.service !== request.service) {
        throw new SandboxCarrierError('Idempotency key reused for a different label');
      }
      return toLabel(existing);
    }
    this.onLabelCreated?.(shipment);
    return toLabel(shipment);
  }

  async voidLabel(request: { shipmentId: string; idempotencyKey: string }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: shipmentKey(request.shipmentId),
          UpdateExpression: 'SET #status = :voided, voidedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :voided',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':voided': 'VOIDED', ':now': this.clock().toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Either already voided (a no-op, keeping the first void time) or no such shipment (a caller's bug).
      const existing = await getSandboxShipment(this.doc, this.table, request.shipmentId);
      if (!existing) throw new SandboxCarrierError(`Unknown sandbox shipment ${request.shipmentId}`);
    }
  }

  private newShipment(request: LabelRequest): SandboxShipment {
    const { shipmentId, trackingNumber } = sandboxShipmentIdentity(request.idempotencyKey);
    const t0 = this.clock().getTime();
    const serviceDays = sandboxServiceDays[request.service];
    const delayDays = asksForDelay(request.to) ? SANDBOX_DELAY_DAYS : 0;
    const at = (days: number): string => new Date(t0 + days * this.dayMs).toISOString();
    const promisedDelivery = at(serviceDays);
    const estimatedDelivery = at(serviceDays + delayDays);
    const destination = [request.to.city, request.to.region, request.to.country].filter(Boolean).join(', ');
    const entry = (n: number, fields: Omit<SandboxScheduleEntry, 'n' | 'eventId'>): SandboxScheduleEntry => ({
      n,
      eventId: `${shipmentId}-${n}`,
      ...fields,
    });
    return {
      shipmentId,
      trackingNumber,
      orderId: request.orderId,
      idempotencyKey: request.idempotencyKey,
      service: request.service,
      rateAmount: sandboxRates[request.service],
      labelUrl: `${this.baseUrl}/_local/carrier/labels/${shipmentId}`,
      trackingUrl: `${this.baseUrl}/_local/carrier/tracking/${trackingNumber}`,
      createdAt: new Date(t0).toISOString(),
      promisedDelivery,
      estimatedDelivery,
      delayDays,
      status: 'LABEL_CREATED',
      // Optional parts are left out rather than stored as undefined: not every DocumentClient drops undefined.
      to: {
        name: request.to.name,
        line1: request.to.line1,
        ...(request.to.line2 ? { line2: request.to.line2 } : {}),
        city: request.to.city,
        ...(request.to.region ? { region: request.to.region } : {}),
        postalCode: request.to.postalCode,
        country: request.to.country,
      },
      weightGrams: request.weightGrams,
      schedule: [
        entry(1, {
          status: 'pre_transit',
          at: at(0.1),
          location: 'Sandbox Hub',
          message: 'Shipping label created',
        }),
        entry(2, {
          status: 'in_transit',
          at: at(0.5),
          estimatedDelivery,
          location: 'Sandbox Hub',
          message: delayDays > 0 ? 'In transit, running late (weather delay)' : 'Departed sandbox hub',
        }),
        entry(3, {
          status: 'out_for_delivery',
          at: at(serviceDays + delayDays - 0.25),
          estimatedDelivery,
          location: destination,
          message: 'Out for delivery',
        }),
        entry(4, {
          status: 'delivered',
          at: at(serviceDays + delayDays),
          location: destination,
          message: 'Delivered',
        }),
      ],
    };
  }
}

const toLabel = (shipment: SandboxShipment): Label => ({
  shipmentId: shipment.shipmentId,
  carrier: 'sandbox',
  service: shipment.service,
  trackingNumber: shipment.trackingNumber,
  labelUrl: shipment.labelUrl,
  trackingUrl: shipment.trackingUrl,
  rateAmount: shipment.rateAmount,
  estimatedDelivery: shipment.promisedDelivery,
});
