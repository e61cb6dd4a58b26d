// The sandbox carrier: a deterministic, persistent CarrierProvider whose shipments live in the Orders table
// (`pk = SANDBOX#SHIPMENT#<shipmentId>`, `sk = SANDBOX`). Each shipment stores its simulated tracking schedule, so
// the local carrier simulator (local/carrier-simulator.ts) can send the tracking webhooks and pick up where it left
// off after a restart. Return labels are shipments too (`direction: 'return'`), and an accepted intercept rewrites
// the rest of a shipment's schedule (back to the sender). What users can rely on (services, rates, magic addresses,
// schedules, intercept rules) is in docs/sandbox.md.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AddressUndeliverableError, ConcurrentUpdateError, OrderflowError } from '../../domain/errors';
import { sha256Hex } from '../../domain/hash';
import { LOST_RACE, retryLostRaces, writeIf } from '../dynamo';
import { serviceLevelDays, trackingStatuses } from '../../domain/providers';
import type {
  CarrierEvent,
  CarrierProvider,
  InterceptRequest,
  InterceptResult,
  Label,
  LabelRequest,
  Money,
  PostalAddress,
  ReturnLabelRequest,
  ServiceLevel,
  TrackedParcel,
} from '../../domain/providers';

/** A call the sandbox carrier refuses (an unknown shipment, an idempotency key reused for another label). */
export class SandboxCarrierError extends OrderflowError {
  override name = 'SandboxCarrierError';
}

/** Business days from label purchase to delivery, per service level (the contract's figures). */
export const sandboxServiceDays: Readonly<Record<ServiceLevel, number>> = serviceLevelDays;

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

/** Where sandbox return labels go: the sandbox's own warehouse (a real deployment ships from `config.shipFrom`). */
export const SANDBOX_WAREHOUSE_ADDRESS: Readonly<PostalAddress & { name: string }> = {
  name: 'Orderflow Sandbox Warehouse',
  line1: '1 Warehouse Way',
  city: 'Oakland',
  region: 'CA',
  postalCode: '94607',
  country: 'US',
};

/** Business days from buying a return label to the parcel's arrival at the warehouse (standard service). */
export const SANDBOX_RETURN_DAYS = 3;
/** Business days from buying a return label to the customer's drop-off (the first scan). */
const RETURN_DROP_OFF_DAYS = 1;
/** Business days from an accepted intercept to the `return_to_sender` scan, and to the parcel's arrival back. */
const INTERCEPT_RETURN_SCAN_DAYS = 0.5;
const INTERCEPT_BACK_AT_SENDER_DAYS = 2;
/** Where the sandbox's own scans happen (pick-up, sorting, an intercepted parcel coming back). */
const SANDBOX_HUB = 'Sandbox Hub';
/** Attempts of an intercept whose conditional write keeps losing to concurrent scans being marked sent. */
const INTERCEPT_ATTEMPTS = 5;

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

/** Only what a label needs: a real carrier has these names and addresses, and nothing more about the customer. */
const labelAddressSchema = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  region: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
});

const interceptRecordSchema = z.object({
  /** When the (first) intercept request arrived. */
  requestedAt: z.string(),
  accepted: z.boolean(),
  /** Why it was refused: `voided`, `out_for_delivery` or `delivered`. */
  reason: z.string().optional(),
});
/** The first answer to an intercept request; every later request for the shipment gets the same. */
export type SandboxInterceptRecord = z.infer<typeof interceptRecordSchema>;

const sandboxShipmentSchema = z.object({
  shipmentId: z.string(),
  trackingNumber: z.string(),
  orderId: z.string(),
  idempotencyKey: z.string(),
  /** `outbound`: warehouse to customer (buyLabel); `return`: customer to warehouse (returnLabel). */
  direction: z.enum(['outbound', 'return']).default('outbound'),
  /** The return a return label was bought for. */
  returnId: z.string().optional(),
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
  /** The recipient: the customer on an outbound label, the sandbox warehouse on a return label. */
  to: labelAddressSchema,
  /** The sender of a return label (the customer); outbound labels leave from the warehouse and store none. */
  from: labelAddressSchema.optional(),
  weightGrams: z.number(),
  /** In time order. An accepted intercept replaces the entries still to come (new entries get new numbers). */
  schedule: z.array(scheduleEntrySchema),
  intercept: interceptRecordSchema.optional(),
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
  /**
   * Called once per newly bought label, outbound or return (not on an idempotent replay); local auto mode arms the
   * simulator here.
   */
  onLabelCreated?: (shipment: SandboxShipment) => void;
  /** Called after an accepted intercept replaced a shipment's schedule; local auto mode re-arms the simulator. */
  onScheduleChanged?: (shipment: SandboxShipment) => void;
}

const identityOf = (seed: string): { shipmentId: string; trackingNumber: string } => {
  const digest = sha256Hex(seed);
  // 60 bits of the digest, reduced to 12 decimal digits: collisions need ~10^6 labels, fine for a sandbox.
  const digits = (BigInt(`0x${digest.slice(24, 39)}`) % 10n ** 12n).toString().padStart(12, '0');
  return { shipmentId: SHIPMENT_ID_PREFIX + digest.slice(0, 24), trackingNumber: TRACKING_PREFIX + digits };
};

/** The shipment id and tracking number a label bought with this idempotency key gets. */
export const sandboxShipmentIdentity = (
  idempotencyKey: string,
): { shipmentId: string; trackingNumber: string } => identityOf(`label:${idempotencyKey}`);

/**
 * The shipment id and tracking number of a return label bought with this idempotency key. A different seed than
 * outbound labels, so a key reused across the two can never make a return label answer with the outbound parcel.
 */
export const sandboxReturnShipmentIdentity = (
  idempotencyKey: string,
): { shipmentId: string; trackingNumber: string } => identityOf(`return:${idempotencyKey}`);

/** The parts of an address a label prints; optional parts are left out rather than stored as undefined or ''. */
const labelAddress = (address: PostalAddress & { name: string }): SandboxShipment['to'] => ({
  name: address.name,
  line1: address.line1,
  ...(address.line2 ? { line2: address.line2 } : {}),
  city: address.city,
  ...(address.region ? { region: address.region } : {}),
  postalCode: address.postalCode,
  country: address.country,
});

/** A scan location naming the town, never the street. */
const townOf = (address: { city: string; region?: string | undefined; country: string }): string =>
  [address.city, address.region, address.country].filter(Boolean).join(', ');

/** Why the sandbox refuses to intercept this shipment now, or undefined when it can. */
const interceptRefusal = (shipment: SandboxShipment, now: number): string | undefined => {
  if (shipment.status === 'VOIDED') return 'voided';
  const reached = (status: SandboxScheduleEntry['status']) =>
    shipment.schedule.some((entry) => entry.status === status && Date.parse(entry.at) <= now);
  // A parcel on the van (or at the door) cannot be stopped any more.
  if (reached('delivered')) return 'delivered';
  if (reached('out_for_delivery')) return 'out_for_delivery';
  return undefined;
};

const toInterceptResult = (record: SandboxInterceptRecord): InterceptResult => ({
  accepted: record.accepted,
  ...(record.reason ? { reason: record.reason } : {}),
});

/** A schedule entry of the shipment: its event id is the shipment id and the entry's number. */
const scheduleEntry = (
  shipmentId: string,
  n: number,
  fields: Omit<SandboxScheduleEntry, 'n' | 'eventId'>,
): SandboxScheduleEntry => ({ n, eventId: `${shipmentId}-${n}`, ...fields });

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

/**
 * The tracking event of a schedule entry: what the simulator posts as a webhook and what `trackingEvents` answers.
 * The scan's own time, not the sending time, is `occurredAt`: a late webhook reports the scan as it happened.
 */
export const sandboxScanEvent = (shipment: SandboxShipment, entry: SandboxScheduleEntry): CarrierEvent => ({
  eventId: entry.eventId,
  trackingNumber: shipment.trackingNumber,
  status: entry.status,
  occurredAt: entry.at,
  ...(entry.estimatedDelivery ? { estimatedDelivery: entry.estimatedDelivery } : {}),
  ...(entry.location ? { location: entry.location } : {}),
  ...(entry.message ? { message: entry.message } : {}),
});

/** Sandbox CarrierProvider: one flat rate per service level, labels and schedules derived from the idempotency key. */
export class SandboxCarrier implements CarrierProvider {
  readonly name = 'sandbox';
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly dayMs: number;
  private readonly baseUrl: string;
  private readonly clock: () => Date;
  private readonly onLabelCreated: ((shipment: SandboxShipment) => void) | undefined;
  private readonly onScheduleChanged: ((shipment: SandboxShipment) => void) | undefined;

  constructor(options: SandboxCarrierOptions) {
    this.doc = options.doc;
    this.table = options.table;
    this.dayMs = options.daySeconds * 1000;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
    this.onLabelCreated = options.onLabelCreated;
    this.onScheduleChanged = options.onScheduleChanged;
  }

  async buyLabel(request: LabelRequest): Promise<Label> {
    if (request.to.postalCode.trim() === SANDBOX_UNDELIVERABLE_POSTAL_CODE) {
      throw new AddressUndeliverableError('The sandbox carrier cannot deliver to this address');
    }
    return this.store(
      this.newShipment(request),
      (existing) =>
        existing.direction === 'outbound' &&
        existing.orderId === request.orderId &&
        existing.service === request.service,
    );
  }

  /**
   * A prepaid standard label from the customer back to the sandbox warehouse. Its id and tracking number derive from
   * the idempotency key (another seed than outbound labels); buying again with the key returns the first label.
   */
  async returnLabel(request: ReturnLabelRequest): Promise<Label> {
    return this.store(
      this.newReturnShipment(request),
      (existing) =>
        existing.direction === 'return' &&
        existing.orderId === request.orderId &&
        existing.returnId === request.returnId,
    );
  }

  /**
   * Stops a parcel and brings it back to the sender, unless it is voided, out for delivery or delivered (by its
   * schedule, at the clock's now). The first answer is recorded on the shipment and is the answer to every later
   * request for it, whatever the idempotency key: a carrier intercepts a parcel once.
   */
  async intercept(request: InterceptRequest): Promise<InterceptResult> {
    return retryLostRaces(
      INTERCEPT_ATTEMPTS,
      async () => {
        const shipment = await getSandboxShipment(this.doc, this.table, request.shipmentId);
        if (!shipment) throw new SandboxCarrierError(`Unknown sandbox shipment ${request.shipmentId}`);
        if (shipment.trackingNumber !== request.trackingNumber) {
          throw new SandboxCarrierError(
            `Tracking number does not match sandbox shipment ${request.shipmentId}`,
          );
        }
        if (shipment.intercept) return toInterceptResult(shipment.intercept);

        const now = this.clock().getTime();
        const reason = interceptRefusal(shipment, now);
        const record: SandboxInterceptRecord = {
          requestedAt: new Date(now).toISOString(),
          accepted: reason === undefined,
          ...(reason ? { reason } : {}),
        };
        const schedule = reason === undefined ? this.interceptedSchedule(shipment, now) : undefined;
        // Conditions: nobody answered first, the label was not voided meanwhile, and no entry was marked sent since
        // the read (the simulator marks entries by position; rewriting the list must not lose such a mark).
        const unsent = shipment.schedule.flatMap((entry, index) => (entry.sentAt ? [] : [index]));
        const written = await writeIf(
          this.doc,
          new UpdateCommand({
            TableName: this.table,
            Key: shipmentKey(shipment.shipmentId),
            UpdateExpression: schedule
              ? 'SET #intercept = :intercept, #schedule = :schedule'
              : 'SET #intercept = :intercept',
            ConditionExpression: [
              'attribute_exists(pk)',
              'attribute_not_exists(#intercept)',
              '#status = :status',
              ...unsent.map((index) => `attribute_not_exists(#schedule[${index}].sentAt)`),
            ].join(' AND '),
            ExpressionAttributeNames: {
              '#intercept': 'intercept',
              '#status': 'status',
              ...(schedule || unsent.length > 0 ? { '#schedule': 'schedule' } : {}),
            },
            ExpressionAttributeValues: {
              ':intercept': record,
              ':status': shipment.status,
              ...(schedule ? { ':schedule': schedule } : {}),
            },
          }),
        );
        // Something changed since the read (an answer, a void, a scan marked sent): decide again on fresh state.
        if (!written) return LOST_RACE;
        if (schedule) this.onScheduleChanged?.({ ...shipment, intercept: record, schedule });
        return toInterceptResult(record);
      },
      () =>
        new ConcurrentUpdateError(
          `Sandbox shipment ${request.shipmentId} kept changing during the intercept`,
        ),
    );
  }

  /**
   * What the stored schedule says has happened by the clock's now, oldest first, whether or not the simulator sent
   * it (with the simulation off it sends nothing): the scans of the schedule whose time has come, with their event
   * ids, so that a scan also delivered as a webhook counts once. A voided label has no scans.
   */
  async trackingEvents(parcel: TrackedParcel): Promise<CarrierEvent[]> {
    const shipment = await getSandboxShipment(this.doc, this.table, parcel.shipmentId);
    if (!shipment) throw new SandboxCarrierError(`Unknown sandbox shipment ${parcel.shipmentId}`);
    if (shipment.trackingNumber !== parcel.trackingNumber) {
      throw new SandboxCarrierError(`Tracking number does not match sandbox shipment ${parcel.shipmentId}`);
    }
    if (shipment.status === 'VOIDED') return [];
    const now = this.clock().getTime();
    return shipment.schedule
      .filter((entry) => Date.parse(entry.at) <= now)
      .map((entry) => sandboxScanEvent(shipment, entry));
  }

  async voidLabel(request: { shipmentId: string; idempotencyKey: string }): Promise<void> {
    const voided = await writeIf(
      this.doc,
      new UpdateCommand({
        TableName: this.table,
        Key: shipmentKey(request.shipmentId),
        UpdateExpression: 'SET #status = :voided, voidedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :voided',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':voided': 'VOIDED', ':now': this.clock().toISOString() },
      }),
    );
    if (voided) return;
    // Either already voided (a no-op, keeping the first void time) or no such shipment (a caller's bug).
    const existing = await getSandboxShipment(this.doc, this.table, request.shipmentId);
    if (!existing) throw new SandboxCarrierError(`Unknown sandbox shipment ${request.shipmentId}`);
  }

  /**
   * Stores a new shipment, or answers with the one stored before under the same id (the same idempotency key), which
   * must be for the same request. Announces only a new one.
   */
  private async store(
    shipment: SandboxShipment,
    sameRequest: (existing: SandboxShipment) => boolean,
  ): Promise<Label> {
    const stored = await writeIf(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: toItem(shipment),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!stored) {
      // Bought before with this key: the first label is the answer (a retry must not buy a second parcel).
      const existing = await getSandboxShipment(this.doc, this.table, shipment.shipmentId);
      if (!existing) throw new SandboxCarrierError(`Sandbox shipment ${shipment.shipmentId} vanished`);
      if (!sameRequest(existing))
        throw new SandboxCarrierError('Idempotency key reused for a different label');
      return toLabel(existing);
    }
    this.onLabelCreated?.(shipment);
    return toLabel(shipment);
  }

  /**
   * The schedule after an accepted intercept at `now`: the scans whose time has come stay (they happened, sent or
   * not yet), every later one is replaced by `return_to_sender` and the arrival back at the sender. New entries
   * continue the numbering, so their event ids never collide with a dropped entry's.
   */
  private interceptedSchedule(shipment: SandboxShipment, now: number): SandboxScheduleEntry[] {
    const kept = shipment.schedule.filter((entry) => entry.sentAt || Date.parse(entry.at) <= now);
    const last = Math.max(0, ...shipment.schedule.map((entry) => entry.n));
    const at = (days: number): string => new Date(now + days * this.dayMs).toISOString();
    return [
      ...kept,
      scheduleEntry(shipment.shipmentId, last + 1, {
        status: 'return_to_sender',
        at: at(INTERCEPT_RETURN_SCAN_DAYS),
        location: SANDBOX_HUB,
        message: 'Intercepted; returning to sender',
      }),
      scheduleEntry(shipment.shipmentId, last + 2, {
        status: 'delivered',
        at: at(INTERCEPT_BACK_AT_SENDER_DAYS),
        location: SANDBOX_HUB,
        message: 'Returned to sender',
      }),
    ];
  }

  private newReturnShipment(request: ReturnLabelRequest): SandboxShipment {
    const { shipmentId, trackingNumber } = sandboxReturnShipmentIdentity(request.idempotencyKey);
    const t0 = this.clock().getTime();
    const at = (days: number): string => new Date(t0 + days * this.dayMs).toISOString();
    const arrival = at(SANDBOX_RETURN_DAYS);
    const warehouse = SANDBOX_WAREHOUSE_ADDRESS;
    return {
      shipmentId,
      trackingNumber,
      orderId: request.orderId,
      idempotencyKey: request.idempotencyKey,
      direction: 'return',
      returnId: request.returnId,
      service: 'standard',
      rateAmount: sandboxRates.standard,
      labelUrl: `${this.baseUrl}/_local/carrier/labels/${shipmentId}`,
      trackingUrl: `${this.baseUrl}/_local/carrier/tracking/${trackingNumber}`,
      createdAt: new Date(t0).toISOString(),
      promisedDelivery: arrival,
      estimatedDelivery: arrival,
      delayDays: 0,
      status: 'LABEL_CREATED',
      to: labelAddress(warehouse),
      from: labelAddress(request.from),
      weightGrams: request.weightGrams,
      schedule: [
        scheduleEntry(shipmentId, 1, {
          status: 'in_transit',
          at: at(RETURN_DROP_OFF_DAYS),
          estimatedDelivery: arrival,
          location: townOf(request.from),
          message: 'Dropped off by the customer',
        }),
        scheduleEntry(shipmentId, 2, {
          status: 'delivered',
          at: arrival,
          location: `${warehouse.name}, ${townOf(warehouse)}`,
          message: 'Delivered to the warehouse',
        }),
      ],
    };
  }

  private newShipment(request: LabelRequest): SandboxShipment {
    const { shipmentId, trackingNumber } = sandboxShipmentIdentity(request.idempotencyKey);
    const t0 = this.clock().getTime();
    const serviceDays = sandboxServiceDays[request.service];
    const delayDays = asksForDelay(request.to) ? SANDBOX_DELAY_DAYS : 0;
    const at = (days: number): string => new Date(t0 + days * this.dayMs).toISOString();
    const promisedDelivery = at(serviceDays);
    const estimatedDelivery = at(serviceDays + delayDays);
    const destination = townOf(request.to);
    const entry = (n: number, fields: Omit<SandboxScheduleEntry, 'n' | 'eventId'>) =>
      scheduleEntry(shipmentId, n, fields);
    return {
      shipmentId,
      trackingNumber,
      orderId: request.orderId,
      idempotencyKey: request.idempotencyKey,
      direction: 'outbound',
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
      to: labelAddress(request.to),
      weightGrams: request.weightGrams,
      schedule: [
        entry(1, {
          status: 'pre_transit',
          at: at(0.1),
          location: SANDBOX_HUB,
          message: 'Shipping label created',
        }),
        entry(2, {
          status: 'in_transit',
          at: at(0.5),
          estimatedDelivery,
          location: SANDBOX_HUB,
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
