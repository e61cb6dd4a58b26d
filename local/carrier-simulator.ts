// The local carrier simulator: plays the sandbox carrier's tracking scans by POSTing signed sandbox webhooks to the
// local API, at the times each shipment's stored schedule says (see SandboxShipment.schedule). It is what makes a
// parcel move in `npm start` with ORDERFLOW_CARRIER_SIMULATION=auto; the local wiring passes
// `onLabelCreated: (s) => simulator.schedule(s)` and `onScheduleChanged: (s) => simulator.schedule(s)` to the
// SandboxCarrier and calls `resumeAll()` at start. Return labels are shipments like any other here.
//
// A schedule can change after it was armed (an accepted intercept replaces the scans still to come). The stored
// shipment is the truth: every entry is re-read just before it is sent and is sent only if it is still in the
// stored schedule, so a timer armed for a dropped entry sends nothing. schedule() with the changed shipment arms the
// new entries and clears the timers of the dropped ones.
//
// Delivery is at least once: an entry is marked sent (a conditional write on the shipment) only after its POST
// succeeded, so a crash between the two re-sends it at the next start, which webhooks tolerate (events are
// idempotent by eventId). A sent entry is never sent again, by this instance or another one. Entries of one shipment
// go out in schedule order; only an entry that exhausted its retries can be overtaken by a later one.
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  getSandboxShipment,
  parseSandboxShipment,
  sandboxScanEvent,
} from '../functions/adapters/carrier/sandbox-carrier';
import type { SandboxShipment, SandboxScheduleEntry } from '../functions/adapters/carrier/sandbox-carrier';
import { signSandboxWebhook } from '../functions/adapters/carrier/webhooks';

export interface CarrierSimulatorOptions {
  doc: DynamoDBDocumentClient;
  /** The Orders table, where the sandbox carrier keeps its shipments. */
  table: string;
  /** Where the webhooks go: the local API's `/webhooks/carrier/sandbox`. */
  webhookUrl: string;
  /** ORDERFLOW_WEBHOOK_SECRET: the HMAC key of `x-orderflow-signature`. */
  secret: string;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Pauses between attempts of a failed POST; one more attempt than pauses. */
  retryDelaysMs?: readonly number[];
  /** Told when an entry exhausted its retries (it stays unsent and is re-armed at the next start). */
  onDeliveryFailed?: (eventId: string, error: unknown) => void;
}

const SHIPMENT_KEY_PREFIX = 'SANDBOX#SHIPMENT#';
/** setTimeout overflows above 2^31−1 ms (24.8 days); longer waits are armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;
const POST_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_DELAYS_MS = [500, 2_000, 8_000] as const;

/** A pause that ends early when the simulator stops, so stop() never waits out a backoff. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Sends the sandbox carrier's scheduled tracking webhooks. */
export class CarrierSimulator {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly webhookUrl: string;
  private readonly secret: string;
  private readonly clock: () => Date;
  private readonly fetch: typeof fetch;
  private readonly retryDelaysMs: readonly number[];
  private readonly onDeliveryFailed: (eventId: string, error: unknown) => void;
  /** Armed timers by event id; an entry is in here or in `delivering` until it is sent or given up. */
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; shipmentId: string; n: number }>();
  private readonly delivering = new Set<string>();
  /** The tail of each shipment's delivery queue, which keeps one parcel's scans in order. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(options: CarrierSimulatorOptions) {
    this.doc = options.doc;
    this.table = options.table;
    this.webhookUrl = options.webhookUrl;
    this.secret = options.secret;
    this.clock = options.clock ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.onDeliveryFailed =
      options.onDeliveryFailed ??
      // Ids only: the shipment's address never goes to a log.
      ((eventId, error) =>
        console.warn(`carrier simulator: ${eventId} not delivered, retried at next start`, error));
  }

  /** Entries armed or being delivered right now (tests wait for this to reach zero). */
  get pending(): number {
    return this.timers.size + this.delivering.size;
  }

  /**
   * Arms a timer for every entry of the shipment not yet sent (and not already armed). Returns how many. Given a
   * changed schedule, it also clears the timers of this shipment's entries that are no longer in it.
   */
  schedule(shipment: SandboxShipment): number {
    if (this.stopping.signal.aborted) return 0;
    this.clearDropped(shipment);
    if (shipment.status === 'VOIDED') return 0;
    let armed = 0;
    for (const entry of shipment.schedule) {
      if (entry.sentAt || this.timers.has(entry.eventId) || this.delivering.has(entry.eventId)) continue;
      this.arm(shipment.shipmentId, entry);
      armed++;
    }
    return armed;
  }

  /** Re-arms every sandbox shipment with unsent entries (a start after a restart). Returns the entries armed. */
  async resumeAll(): Promise<number> {
    let armed = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      // A scan is fine here: this runs once per local start, over a laptop-sized table.
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': SHIPMENT_KEY_PREFIX },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        let shipment: SandboxShipment;
        try {
          shipment = parseSandboxShipment(item);
        } catch {
          // One unreadable record must not keep every other parcel from moving; its key says which (no PII).
          console.warn(`carrier simulator: skipping unreadable sandbox shipment ${String(item.pk)}`);
          continue;
        }
        armed += this.schedule(shipment);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return armed;
  }

  /** Clears every timer and ends pending backoffs. A POST already on the wire finishes (and is marked sent). */
  stop(): void {
    this.stopping.abort();
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves when no delivery is in flight. */
  async whenIdle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /**
   * Clears the armed timers of this shipment's entries that the given copy no longer lists. Only a copy at least as
   * new as what is armed may do so: a changed schedule numbers its new entries after every old one, so an armed
   * entry numbered above the copy's last means the copy is stale (its timers stay; the stored schedule decides).
   */
  private clearDropped(shipment: SandboxShipment): void {
    const listed = new Set(shipment.schedule.map((entry) => entry.eventId));
    const newest = Math.max(0, ...shipment.schedule.map((entry) => entry.n));
    const armed = [...this.timers.entries()].filter(
      ([, armedEntry]) => armedEntry.shipmentId === shipment.shipmentId,
    );
    if (armed.some(([, armedEntry]) => armedEntry.n > newest)) return;
    for (const [eventId, { timer }] of armed) {
      if (listed.has(eventId)) continue;
      clearTimeout(timer);
      this.timers.delete(eventId);
    }
  }

  private arm(shipmentId: string, entry: SandboxScheduleEntry): void {
    const delay = Math.max(0, Date.parse(entry.at) - this.clock().getTime());
    const timer = setTimeout(
      () => {
        this.timers.delete(entry.eventId);
        if (delay > MAX_TIMER_MS) {
          this.arm(shipmentId, entry);
          return;
        }
        this.enqueue(shipmentId, entry.eventId);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    // Never the reason a process stays alive: the HTTP server is.
    timer.unref();
    this.timers.set(entry.eventId, { timer, shipmentId, n: entry.n });
  }

  private enqueue(shipmentId: string, eventId: string): void {
    this.delivering.add(eventId);
    const previous = this.queues.get(shipmentId) ?? Promise.resolve();
    const next = previous
      .then(() => this.deliver(shipmentId, eventId))
      .catch((error: unknown) => this.onDeliveryFailed(eventId, error))
      .finally(() => {
        this.delivering.delete(eventId);
        if (this.queues.get(shipmentId) === next) this.queues.delete(shipmentId);
      });
    this.queues.set(shipmentId, next);
  }

  private async deliver(shipmentId: string, eventId: string): Promise<void> {
    if (this.stopping.signal.aborted) return;
    // Re-read: the label may have been voided, its schedule changed (an intercept drops the entries still to come),
    // or another instance may have sent this entry meanwhile. Only an entry still in the stored schedule goes out.
    const shipment = await getSandboxShipment(this.doc, this.table, shipmentId);
    const index = shipment?.schedule.findIndex((entry) => entry.eventId === eventId) ?? -1;
    const entry = shipment?.schedule[index];
    if (!shipment || !entry || entry.sentAt || shipment.status === 'VOIDED') return;

    const body = JSON.stringify(sandboxScanEvent(shipment, entry));
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (attempt > 0) {
        await pause(this.retryDelaysMs[attempt - 1] ?? 0, this.stopping.signal);
        // Stopped during the backoff: leave the entry unsent for the next start.
        if (this.stopping.signal.aborted) return;
      }
      try {
        const response = await this.fetch(this.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-orderflow-signature': signSandboxWebhook(body, this.secret),
          },
          body,
          signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        });
        // Drain the body so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          await this.markSent(shipmentId, eventId, index);
          return;
        }
        lastError = new Error(`webhook answered HTTP ${response.status}`);
      } catch (error) {
        lastError = error;
      }
    }
    this.onDeliveryFailed(eventId, lastError);
  }

  /**
   * Marks the entry sent. The entry is addressed by position, and the condition checks the position still holds it:
   * a schedule rewritten meanwhile moves entries, and then the position is looked up again.
   */
  private async markSent(shipmentId: string, eventId: string, index: number): Promise<void> {
    let position = index;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: `${SHIPMENT_KEY_PREFIX}${shipmentId}`, sk: 'SANDBOX' },
            UpdateExpression: `SET #schedule[${position}].sentAt = :now`,
            ConditionExpression: `#schedule[${position}].eventId = :eventId AND attribute_not_exists(#schedule[${position}].sentAt)`,
            ExpressionAttributeNames: { '#schedule': 'schedule' },
            ExpressionAttributeValues: { ':now': this.clock().toISOString(), ':eventId': eventId },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      }
      const shipment = await getSandboxShipment(this.doc, this.table, shipmentId);
      position = shipment?.schedule.findIndex((entry) => entry.eventId === eventId) ?? -1;
      // Another instance marked it first (it is sent either way), or the entry left the schedule (nothing to mark).
      if (position < 0 || shipment?.schedule[position]?.sentAt) return;
    }
  }
}
