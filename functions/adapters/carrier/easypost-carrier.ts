// The EasyPost carrier: labels bought through EasyPost's REST API over plain `fetch` (no SDK, to keep the Lambda
// bundle small). Buying a label is four documented calls: verify the recipient's address (`POST /v2/addresses` with
// `verify_strict`), create a shipment (`POST /v2/shipments`, which rates it), buy the cheapest rate of the ordered
// service level (`POST /v2/shipments/{id}/buy`). Voiding is `POST /v2/shipments/{id}/refund`.
//
// A return label is a shipment created with `is_return: true` and the addresses of the outbound shipment (to = the
// customer, from = the warehouse): EasyPost documents that it swaps them itself, so the label runs from the customer
// back to the warehouse. Its cheapest `standard` rate is bought like an outbound label's.
//
// Reconciliation reads a parcel's tracker (`GET /v2/trackers/{id}`, its id kept from the label purchase) and turns
// its `tracking_details` into CarrierEvents. A parcel labelled before tracker ids were kept is read through its
// shipment (`GET /v2/shipments/{id}`), which embeds the tracker EasyPost made at purchase. Where that gives no
// tracker (a shipment without one, or a shipment EasyPost does not know: a tracking number only), the tracker is
// created (`POST /v2/trackers` with the tracking code, and the carrier when the shipment names it): EasyPost answers
// a repeated create for the same code and carrier with the tracker it made before, so asking again creates nothing.
//
// Intercepting a parcel in transit is not something EasyPost's API offers for every carrier (it is a carrier-side
// service, e.g. UPS Delivery Intercept or USPS Package Intercept, requested outside EasyPost). intercept() therefore
// refuses without calling EasyPost, and the workflow's refused-intercept path takes over (a return once delivered).
//
// EasyPost takes no idempotency header, so the idempotency key goes into the shipment's `reference`, which EasyPost
// accepts in place of an id: a retried buyLabel first looks the reference up and returns (or finishes buying) the
// shipment it finds, so a retry never pays for a second label.
//
// Service levels map to these carrier services (the cheapest matching rate wins):
//   standard  — USPS GroundAdvantage, UPS Ground, FedEx FEDEX_GROUND / GROUND_HOME_DELIVERY
//   express   — USPS Priority, UPS 2ndDayAir, FedEx FEDEX_2_DAY
//   overnight — USPS Express, UPS NextDayAir / NextDayAirSaver, FedEx STANDARD_OVERNIGHT / PRIORITY_OVERNIGHT
import { AddressUndeliverableError, OrderflowError, TransientError } from '../../domain/errors';
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
import { serviceLevelDays } from '../../domain/providers';
import { isUnavailableStatus, PROVIDER_REQUEST_TIMEOUT_MS, requestJson } from '../provider-http';
import { easypostTrackerSchema, easypostTrackerScans } from './webhooks';

/** EasyPost answered with an error the workflow should not retry and that is not about the address. */
export class EasyPostRequestError extends OrderflowError {
  override name = 'EasyPostRequestError';
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Carrier services (EasyPost `carrier` / `service` words) that satisfy each service level. */
export const easypostServicesByLevel: Readonly<
  Record<ServiceLevel, ReadonlyArray<readonly [string, string]>>
> = {
  standard: [
    ['USPS', 'GroundAdvantage'],
    ['UPS', 'Ground'],
    ['FedEx', 'FEDEX_GROUND'],
    ['FedEx', 'GROUND_HOME_DELIVERY'],
  ],
  express: [
    ['USPS', 'Priority'],
    ['UPS', '2ndDayAir'],
    ['FedEx', 'FEDEX_2_DAY'],
  ],
  overnight: [
    ['USPS', 'Express'],
    ['UPS', 'NextDayAir'],
    ['UPS', 'NextDayAirSaver'],
    ['FedEx', 'STANDARD_OVERNIGHT'],
    ['FedEx', 'PRIORITY_OVERNIGHT'],
  ],
};

/** Why EasyPostCarrier.intercept refuses every parcel. */
export const EASYPOST_INTERCEPT_UNSUPPORTED = 'intercept is not supported through EasyPost';

export interface EasyPostCarrierOptions {
  /** API key, or a function returning it (Secrets Manager); a function is called per request, so cache inside. */
  apiKey: string | (() => Promise<string>);
  /** The warehouse the parcels leave from, and where return labels send them back to. */
  fromAddress: PostalAddress & { name: string };
  fetch?: typeof fetch;
  /** `https://api.easypost.com` unless overridden (tests, a proxy). */
  baseUrl?: string;
  clock?: () => Date;
  /** How long one request may take before it is abandoned as a TransientError; PROVIDER_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
}

const GRAMS_PER_OUNCE = 28.349523125;
const DAY_MS = 86_400_000;

/** The parts of EasyPost's documented objects this adapter reads. */
interface EasyPostRate {
  id: string;
  carrier: string;
  service: string;
  /** Decimal string in `currency`, e.g. "7.58". */
  rate: string;
  currency: string;
  /** Transit days EasyPost states for the service; null when the carrier gives none. */
  delivery_days?: number | null;
  delivery_date?: string | null;
}

interface EasyPostShipment {
  id: string;
  object: 'Shipment';
  reference?: string | null;
  is_return?: boolean | null;
  tracking_code?: string | null;
  rates?: EasyPostRate[];
  selected_rate?: EasyPostRate | null;
  postage_label?: { label_url?: string | null } | null;
  tracker?: { id?: string | null; public_url?: string | null; est_delivery_date?: string | null } | null;
  /** Set once a refund was asked for; `not_applicable` for bill-on-scan carriers, which bill no unused label. */
  refund_status?: 'submitted' | 'refunded' | 'rejected' | 'not_applicable' | null;
}

interface EasyPostAddress {
  id: string;
  object: 'Address';
}

interface EasyPostErrorBody {
  error?: { code?: string; message?: string; errors?: unknown[] };
}

class EasyPostApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: EasyPostErrorBody,
  ) {
    super(`EasyPost answered ${statusCode} ${body.error?.code ?? ''}`.trim());
  }
}

/** Converts a decimal money string ("7.58") to minor units, rounding half up, without floating-point error. */
export const decimalToMinorUnits = (amount: string): Money => {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match)
    throw new EasyPostRequestError(`EasyPost rate "${amount}" is not a decimal amount`, 200, undefined);
  const fraction = match[2] ?? '';
  const roundUp = Number(fraction[2] ?? '0') >= 5 ? 1 : 0;
  return Number(match[1]) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0')) + roundUp;
};

const toEasyPostAddress = (address: PostalAddress & { name: string }) => ({
  name: address.name,
  street1: address.line1,
  ...(address.line2 ? { street2: address.line2 } : {}),
  city: address.city,
  ...(address.region ? { state: address.region } : {}),
  zip: address.postalCode,
  country: address.country,
});

// EasyPost weighs in ounces (one decimal); round up so the label is never under-paid.
const parcelOf = (weightGrams: number) => ({
  weight: Math.max(0.1, Math.ceil((weightGrams / GRAMS_PER_OUNCE) * 10) / 10),
});

/** EasyPost CarrierProvider. */
export class EasyPostCarrier implements CarrierProvider {
  readonly name = 'easypost';
  private readonly apiKey: () => Promise<string>;
  private readonly fromAddress: PostalAddress & { name: string };
  private readonly fetch: typeof fetch;
  private readonly baseUrl: string;
  private readonly clock: () => Date;
  private readonly requestTimeoutMs: number;

  constructor(options: EasyPostCarrierOptions) {
    const { apiKey } = options;
    this.apiKey = typeof apiKey === 'string' ? () => Promise.resolve(apiKey) : apiKey;
    this.fromAddress = options.fromAddress;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.baseUrl = (options.baseUrl ?? 'https://api.easypost.com').replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
    this.requestTimeoutMs = options.requestTimeoutMs ?? PROVIDER_REQUEST_TIMEOUT_MS;
  }

  async buyLabel(request: LabelRequest): Promise<Label> {
    return this.purchase(request.idempotencyKey, request.service, false, () => this.createShipment(request));
  }

  /** A return label (`is_return: true`), customer to warehouse, at the cheapest standard rate. */
  async returnLabel(request: ReturnLabelRequest): Promise<Label> {
    return this.purchase(request.idempotencyKey, 'standard', true, () =>
      this.call<EasyPostShipment>('POST', '/v2/shipments', {
        shipment: {
          reference: request.idempotencyKey,
          is_return: true,
          // The outbound shipment's addresses, as EasyPost documents for returns: it swaps them itself. The
          // customer's address was verified when the outbound label was bought, so it is not verified again.
          to_address: toEasyPostAddress(request.from),
          from_address: toEasyPostAddress(this.fromAddress),
          parcel: parcelOf(request.weightGrams),
        },
      }),
    );
  }

  /**
   * Always refused, without calling EasyPost: EasyPost has no generic intercept API. An operator can still ask the
   * carrier directly; the order then follows the carrier's `return_to_sender` scans like any other.
   */
  intercept(_request: InterceptRequest): Promise<InterceptResult> {
    return Promise.resolve({ accepted: false, reason: EASYPOST_INTERCEPT_UNSUPPORTED });
  }

  /**
   * Finds the shipment of an earlier attempt by its reference (the idempotency key) or creates one, then buys its
   * cheapest rate of the level, unless it was bought already.
   */
  private async purchase(
    reference: string,
    service: ServiceLevel,
    isReturn: boolean,
    create: () => Promise<EasyPostShipment>,
  ): Promise<Label> {
    try {
      const earlier = await this.findByReference(reference);
      if (earlier && (earlier.is_return === true) !== isReturn) {
        // The key was used for a label in the other direction: answering with it would ship the wrong way.
        throw new EasyPostRequestError(
          'Idempotency key reused for a different label',
          409,
          'idempotency_key_reused',
        );
      }
      if (earlier?.postage_label?.label_url) return this.toLabel(earlier, service);
      const shipment = earlier ?? (await create());
      const rate = this.cheapestRate(shipment, service);
      const bought = await this.call<EasyPostShipment>(
        'POST',
        `/v2/shipments/${encodeURIComponent(shipment.id)}/buy`,
        {
          rate: { id: rate.id },
        },
      );
      return this.toLabel(bought, service);
    } catch (error) {
      throw mapped(error);
    }
  }

  async voidLabel(request: { shipmentId: string; idempotencyKey: string }): Promise<void> {
    const path = `/v2/shipments/${encodeURIComponent(request.shipmentId)}`;
    try {
      const shipment = await this.call<EasyPostShipment>('POST', `${path}/refund`, {});
      if (shipment.refund_status === 'rejected') {
        throw new EasyPostRequestError('The carrier rejected the label refund', 200, 'refund_rejected');
      }
    } catch (error) {
      if (!(error instanceof EasyPostApiError) || isUnavailableStatus(error.statusCode)) {
        throw mapped(error);
      }
      // Refused: when an earlier call already asked for the refund, voiding again is the documented no-op.
      const shipment = await this.call<EasyPostShipment>('GET', path).catch((lookupError: unknown) => {
        throw mapped(lookupError);
      });
      if (shipment.refund_status && shipment.refund_status !== 'rejected') return;
      throw mapped(error);
    }
  }

  /** The parcel's scans from its tracker, oldest first (see the header). */
  async trackingEvents(parcel: TrackedParcel): Promise<CarrierEvent[]> {
    let tracker: unknown;
    try {
      tracker = parcel.trackerId
        ? await this.call<unknown>('GET', `/v2/trackers/${encodeURIComponent(parcel.trackerId)}`)
        : await this.trackerWithoutId(parcel);
    } catch (error) {
      throw mapped(error);
    }
    const parsed = easypostTrackerSchema.safeParse(tracker);
    if (!parsed.success || parsed.data.tracking_code !== parcel.trackingNumber) {
      throw new EasyPostRequestError(
        `EasyPost answered no tracker of parcel ${parcel.trackingNumber}`,
        200,
        undefined,
      );
    }
    return easypostTrackerScans(parsed.data);
  }

  /**
   * The tracker of a parcel whose tracker id was not kept: the one its shipment embeds, else the one EasyPost creates
   * for its tracking code (or answers again: EasyPost keeps one tracker per tracking code and carrier).
   */
  private async trackerWithoutId(parcel: TrackedParcel): Promise<unknown> {
    let shipment: EasyPostShipment | undefined;
    try {
      shipment = await this.call<EasyPostShipment>(
        'GET',
        `/v2/shipments/${encodeURIComponent(parcel.shipmentId)}`,
      );
    } catch (error) {
      if (!(error instanceof EasyPostApiError && error.statusCode === 404)) throw error;
    }
    if (shipment?.tracker?.id) return shipment.tracker;
    const carrier = shipment?.selected_rate?.carrier;
    return this.call<unknown>('POST', '/v2/trackers', {
      // Without a carrier EasyPost detects it from the tracking code.
      tracker: { tracking_code: parcel.trackingNumber, ...(carrier ? { carrier } : {}) },
    });
  }

  /** The shipment an earlier attempt with this idempotency key created, if any. */
  private async findByReference(reference: string): Promise<EasyPostShipment | undefined> {
    try {
      return await this.call<EasyPostShipment>('GET', `/v2/shipments/${encodeURIComponent(reference)}`);
    } catch (error) {
      if (error instanceof EasyPostApiError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private async createShipment(request: LabelRequest): Promise<EasyPostShipment> {
    let address: EasyPostAddress;
    try {
      // verify_strict makes EasyPost refuse an address it cannot deliver to, instead of quietly rating it.
      address = await this.call<EasyPostAddress>('POST', '/v2/addresses', {
        address: toEasyPostAddress(request.to),
        verify_strict: true,
      });
    } catch (error) {
      // 422 is EasyPost's "could not process this data"; ADDRESS.* codes name verification failures.
      if (
        error instanceof EasyPostApiError &&
        (error.statusCode === 422 || (error.body.error?.code ?? '').startsWith('ADDRESS.'))
      ) {
        throw new AddressUndeliverableError(
          `EasyPost cannot verify the shipping address (${error.body.error?.code ?? 'ADDRESS.VERIFY.FAILURE'})`,
          { cause: error },
        );
      }
      throw error;
    }
    return this.call<EasyPostShipment>('POST', '/v2/shipments', {
      shipment: {
        reference: request.idempotencyKey,
        to_address: { id: address.id },
        from_address: toEasyPostAddress(this.fromAddress),
        parcel: parcelOf(request.weightGrams),
      },
    });
  }

  private cheapestRate(shipment: EasyPostShipment, service: ServiceLevel): EasyPostRate {
    const accepted = easypostServicesByLevel[service];
    const matching = (shipment.rates ?? []).filter((rate) =>
      accepted.some(
        ([carrier, name]) => carrier.toLowerCase() === rate.carrier.toLowerCase() && name === rate.service,
      ),
    );
    const cheapest = matching
      .map((rate) => ({ rate, amount: decimalToMinorUnits(rate.rate) }))
      .sort((a, b) => a.amount - b.amount)[0];
    if (!cheapest) {
      // No carrier will take this parcel at this level to this address: for the order, it is undeliverable.
      throw new AddressUndeliverableError(`No ${service} rate is available for this address`);
    }
    return cheapest.rate;
  }

  private toLabel(shipment: EasyPostShipment, service: ServiceLevel): Label {
    const rate = shipment.selected_rate;
    const labelUrl = shipment.postage_label?.label_url;
    if (!rate || !labelUrl || !shipment.tracking_code) {
      throw new EasyPostRequestError(
        `EasyPost shipment ${shipment.id} has no label after buying`,
        200,
        undefined,
      );
    }
    const now = this.clock().getTime();
    const estimate =
      rate.delivery_date ??
      shipment.tracker?.est_delivery_date ??
      new Date(now + (rate.delivery_days ?? serviceLevelDays[service]) * DAY_MS).toISOString();
    return {
      shipmentId: shipment.id,
      carrier: 'easypost',
      service,
      trackingNumber: shipment.tracking_code,
      labelUrl,
      // EasyPost's public tracking page; absent only if EasyPost created no tracker, which it does on every buy.
      trackingUrl: shipment.tracker?.public_url ?? '',
      rateAmount: decimalToMinorUnits(rate.rate),
      estimatedDelivery: new Date(estimate).toISOString(),
      ...(shipment.tracker?.id ? { trackerId: shipment.tracker.id } : {}),
    };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const apiKey = await this.apiKey();
    // A request that never got its answer is retried: the retry finds a shipment already created by its reference.
    return (await requestJson(
      'EasyPost',
      this.fetch,
      `${this.baseUrl}${path}`,
      {
        method,
        headers: {
          // Basic auth with the key as user name and an empty password, as EasyPost documents.
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.requestTimeoutMs,
      {
        notJson: (message, status) => new EasyPostRequestError(message, status, undefined),
        failed: (status, parsed) =>
          new EasyPostApiError(status, typeof parsed === 'object' && parsed !== null ? parsed : {}),
      },
    )) as T;
  }
}

/** Turns a raw EasyPost failure into the workflow's error types; typed errors pass through. */
const mapped = (error: unknown): Error => {
  if (error instanceof OrderflowError) return error;
  if (error instanceof EasyPostApiError) {
    const { statusCode } = error;
    if (isUnavailableStatus(statusCode)) {
      return new TransientError(`EasyPost is unavailable (HTTP ${statusCode})`, { cause: error });
    }
    const code = error.body.error?.code;
    return new EasyPostRequestError(
      `EasyPost refused the request (HTTP ${statusCode}${code ? `, ${code}` : ''})`,
      statusCode,
      code,
    );
  }
  return new TransientError('EasyPost could not be reached', { cause: error });
};
