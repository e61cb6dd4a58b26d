// The sandbox payment provider: a real, deterministic and persistent PaymentProvider whose state lives in the
// Orders table (`pk = SANDBOX#PAYMENT#<paymentId>`, `sk = SANDBOX`). It is the local default and the provider of
// every test stage, so it keeps the promises a real processor keeps: idempotent calls, capture at most once, voids
// and refunds that cannot contradict a capture, authorizations that lapse. Behaviour users can rely on (the magic
// tokens, validity, ids) is documented in docs/sandbox.md.
//
// Every state change is one conditional write on one item (dynalite has no transactions), so concurrent steps and
// retries cannot double-capture or over-refund.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { OrderflowError, PaymentDeclinedError, TransientError } from '../../domain/errors';
import { sha256Hex } from '../../domain/hash';
import { LOST_RACE, retryLostRaces, writeIf } from '../dynamo';
import type { Authorization, AuthorizeRequest, Money, PaymentProvider } from '../../domain/providers';

/** A call the sandbox refuses because the payment is in the wrong state (not a decline: a caller's mistake). */
export class SandboxPaymentStateError extends OrderflowError {
  override name = 'SandboxPaymentStateError';
}

/** The magic tokens of the contract, with the decline code each one produces (`null` = approved). */
const tokenOutcomes: Readonly<Record<string, { declineCode: string | null; reauthorizable: boolean }>> = {
  tok_visa: { declineCode: null, reauthorizable: true },
  tok_mastercard: { declineCode: null, reauthorizable: true },
  tok_chargeDeclined: { declineCode: 'generic_decline', reauthorizable: false },
  tok_insufficientFunds: { declineCode: 'insufficient_funds', reauthorizable: false },
  tok_reauthDeclined: { declineCode: null, reauthorizable: false },
  tok_unavailableOnce: { declineCode: null, reauthorizable: true },
};

/** The token whose first authorization per idempotency key meets an unreachable processor (docs/sandbox.md). */
const UNAVAILABLE_ONCE_TOKEN = 'tok_unavailableOnce';

/** Sandbox payment ids look like Stripe's (`pi_...`) so logs and dashboards read the same for both providers. */
const PAYMENT_ID_PREFIX = 'pi_sbx_';
const REFUND_ID_PREFIX = 're_sbx_';
const SORT_KEY = 'SANDBOX';
/** How often a write that lost a race re-reads and tries again before giving up. */
const MAX_ATTEMPTS = 5;

const paymentRecordSchema = z.object({
  paymentId: z.string(),
  orderId: z.string(),
  token: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(['AUTHORIZED', 'CAPTURED', 'VOIDED']),
  authorizedAt: z.string(),
  authorizationExpiresAt: z.string(),
  idempotencyKey: z.string(),
  capturedAmount: z.number().int(),
  capturedAt: z.string().optional(),
  voidedAt: z.string().optional(),
  refundedAmount: z.number().int(),
  /** captured − refunded, kept as its own attribute so a refund can be one condition (`refundable >= :amount`). */
  refundableAmount: z.number().int(),
  refunds: z.record(z.string(), z.object({ refundId: z.string(), amount: z.number().int(), at: z.string() })),
  reauthorizations: z.record(z.string(), z.object({ expiresAt: z.string(), at: z.string() })),
});
type PaymentRecord = z.infer<typeof paymentRecordSchema>;

export interface SandboxPaymentProviderOptions {
  doc: DynamoDBDocumentClient;
  /** The Orders table. */
  table: string;
  /** Seconds in a business day: 86,400 in AWS, ORDERFLOW_DAY_SECONDS locally. */
  daySeconds: number;
  /** Days an authorization stays capturable (the contract says 7). */
  authorizationValidityDays: number;
  clock?: () => Date;
}

const assertPositiveAmount = (amount: Money, what: string): void => {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new SandboxPaymentStateError(`${what} must be a positive integer amount in minor units`);
  }
};

/** The payment id an authorization with this idempotency key gets: the same key always names the same payment. */
export const sandboxPaymentId = (idempotencyKey: string): string =>
  PAYMENT_ID_PREFIX + sha256Hex(`authorize:${idempotencyKey}`).slice(0, 24);

/**
 * Sandbox PaymentProvider. Ids: the payment id derives from the authorize idempotency key; a re-authorization keeps
 * the payment id and moves its expiry (a real processor issues a new one; callers must store whatever comes back).
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly validityMs: number;
  private readonly clock: () => Date;

  constructor(options: SandboxPaymentProviderOptions) {
    this.doc = options.doc;
    this.table = options.table;
    this.validityMs = options.authorizationValidityDays * options.daySeconds * 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The first call per key records the outage and throws, as a processor that timed out would; later calls pass. */
  private async unavailableOnce(idempotencyKey: string): Promise<void> {
    const first = await writeIf(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `SANDBOX#OUTAGE#${sandboxPaymentId(idempotencyKey)}`,
          sk: SORT_KEY,
          kind: 'sandbox-outage',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (first) throw new TransientError('the sandbox payment processor did not answer (tok_unavailableOnce)');
  }

  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    assertPositiveAmount(request.amount, 'authorize amount');
    const outcome = tokenOutcomes[request.token];
    // Declines write nothing: the outcome depends only on the token, so a retry declines again all the same.
    if (!outcome)
      throw new PaymentDeclinedError('Payment declined by the sandbox (decline code: invalid_token)');
    if (outcome.declineCode) {
      throw new PaymentDeclinedError(
        `Payment declined by the sandbox (decline code: ${outcome.declineCode})`,
      );
    }
    if (request.token === UNAVAILABLE_ONCE_TOKEN) await this.unavailableOnce(request.idempotencyKey);
    const now = this.clock();
    const record: PaymentRecord = {
      paymentId: sandboxPaymentId(request.idempotencyKey),
      orderId: request.orderId,
      token: request.token,
      amount: request.amount,
      currency: request.currency,
      status: 'AUTHORIZED',
      authorizedAt: now.toISOString(),
      authorizationExpiresAt: new Date(now.getTime() + this.validityMs).toISOString(),
      idempotencyKey: request.idempotencyKey,
      capturedAmount: 0,
      refundedAmount: 0,
      refundableAmount: 0,
      refunds: {},
      reauthorizations: {},
    };
    const created = await writeIf(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { pk: paymentKey(record.paymentId), sk: SORT_KEY, kind: 'sandbox-payment', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (created) return toAuthorization(record);
    // The key was used before: answer with the first authorization, unless the request is a different one.
    const existing = await this.mustLoad(record.paymentId);
    if (
      existing.orderId !== request.orderId ||
      existing.amount !== request.amount ||
      existing.currency !== request.currency ||
      existing.token !== request.token
    ) {
      throw new SandboxPaymentStateError('Idempotency key reused for a different authorization');
    }
    return toAuthorization(existing);
  }

  async reauthorize(request: AuthorizeRequest & { paymentId: string }): Promise<Authorization> {
    assertPositiveAmount(request.amount, 'reauthorize amount');
    return retryLostRaces(
      MAX_ATTEMPTS,
      async () => {
        const current = await this.mustLoad(request.paymentId);
        const previous = current.reauthorizations[request.idempotencyKey];
        if (previous) return { ...toAuthorization(current), expiresAt: previous.expiresAt };
        if (current.status !== 'AUTHORIZED') {
          throw new SandboxPaymentStateError(`Cannot re-authorize a payment that is ${current.status}`);
        }
        // The stored token decides, not the request's: the card on file is the one being re-authorized.
        if (!tokenOutcomes[current.token]?.reauthorizable) {
          throw new PaymentDeclinedError(
            'Re-authorization declined by the sandbox (decline code: generic_decline)',
          );
        }
        const now = this.clock();
        const expiresAt = new Date(now.getTime() + this.validityMs).toISOString();
        const written = await this.updateIf(request.paymentId, {
          UpdateExpression:
            'SET authorizationExpiresAt = :expiresAt, amount = :amount, reauthorizations.#key = :reauth',
          ConditionExpression: '#status = :authorized AND attribute_not_exists(reauthorizations.#key)',
          ExpressionAttributeNames: { '#status': 'status', '#key': request.idempotencyKey },
          ExpressionAttributeValues: {
            ':expiresAt': expiresAt,
            ':amount': request.amount,
            ':reauth': { expiresAt, at: now.toISOString() },
            ':authorized': 'AUTHORIZED',
          },
        });
        return written ? { ...toAuthorization(current), amount: request.amount, expiresAt } : LOST_RACE;
      },
      () => new SandboxPaymentStateError('Re-authorization kept losing races; giving up'),
    );
  }

  async capture(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ capturedAmount: Money }> {
    assertPositiveAmount(request.amount, 'capture amount');
    return retryLostRaces(
      MAX_ATTEMPTS,
      async () => {
        const now = this.clock().toISOString();
        const captured = await this.updateIf(request.paymentId, {
          UpdateExpression:
            'SET #status = :captured, capturedAmount = :amount, refundableAmount = :amount, capturedAt = :now, captureKey = :key',
          // Only an unexpired authorization of at least this amount can be captured, and only once: the
          // status moves away from AUTHORIZED in the same write, so a concurrent second capture fails here.
          ConditionExpression:
            '#status = :authorized AND authorizationExpiresAt > :now AND amount >= :amount',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':captured': 'CAPTURED',
            ':authorized': 'AUTHORIZED',
            ':amount': request.amount,
            ':now': now,
            ':key': request.idempotencyKey,
          },
        });
        if (captured) return { capturedAmount: request.amount };
        const current = await this.mustLoad(request.paymentId);
        // Whoever captured first wins; every later capture answers with that result and changes nothing.
        if (current.status === 'CAPTURED') return { capturedAmount: current.capturedAmount };
        if (current.status === 'VOIDED')
          throw new PaymentDeclinedError('Capture declined: the authorization was voided');
        if (current.authorizationExpiresAt <= now) {
          throw new PaymentDeclinedError('Capture declined: the authorization has expired');
        }
        if (current.amount < request.amount) {
          throw new SandboxPaymentStateError('Capture amount exceeds the authorized amount');
        }
        // Still capturable: the condition failed on a write that has since changed (a re-authorization); retry.
        return LOST_RACE;
      },
      () => new SandboxPaymentStateError('Capture kept losing races; giving up'),
    );
  }

  async void(request: { paymentId: string; idempotencyKey: string }): Promise<void> {
    const voided = await this.updateIf(request.paymentId, {
      UpdateExpression: 'SET #status = :voided, voidedAt = :now, voidKey = :key',
      // An expired authorization is voided too: releasing a lapsed hold is harmless and keeps void a no-op.
      ConditionExpression: '#status = :authorized',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':voided': 'VOIDED',
        ':authorized': 'AUTHORIZED',
        ':now': this.clock().toISOString(),
        ':key': request.idempotencyKey,
      },
    });
    if (voided) return;
    const current = await this.mustLoad(request.paymentId);
    if (current.status === 'VOIDED') return;
    throw new SandboxPaymentStateError('Cannot void a captured payment; refund it instead');
  }

  async refund(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ refundId: string; amount: Money }> {
    assertPositiveAmount(request.amount, 'refund amount');
    const refundId =
      REFUND_ID_PREFIX + sha256Hex(`${request.paymentId}:refund:${request.idempotencyKey}`).slice(0, 24);
    return retryLostRaces(
      MAX_ATTEMPTS,
      async () => {
        const refunded = await this.updateIf(request.paymentId, {
          UpdateExpression:
            'SET refunds.#key = :refund, refundableAmount = refundableAmount - :amount, refundedAmount = refundedAmount + :amount',
          // DynamoDB conditions cannot add, so "refunded + amount <= captured" is kept as "refundable >= amount".
          ConditionExpression:
            '#status = :captured AND refundableAmount >= :amount AND attribute_not_exists(refunds.#key)',
          ExpressionAttributeNames: { '#status': 'status', '#key': request.idempotencyKey },
          ExpressionAttributeValues: {
            ':refund': { refundId, amount: request.amount, at: this.clock().toISOString() },
            ':amount': request.amount,
            ':captured': 'CAPTURED',
          },
        });
        if (refunded) return { refundId, amount: request.amount };
        const current = await this.mustLoad(request.paymentId);
        const previous = current.refunds[request.idempotencyKey];
        if (previous) return { refundId: previous.refundId, amount: previous.amount };
        if (current.status !== 'CAPTURED') {
          throw new SandboxPaymentStateError(`Cannot refund a payment that is ${current.status}`);
        }
        if (current.refundableAmount < request.amount) {
          throw new SandboxPaymentStateError(
            `Refund of ${request.amount} exceeds the ${current.refundableAmount} left of the capture`,
          );
        }
        return LOST_RACE;
      },
      () => new SandboxPaymentStateError('Refund kept losing races; giving up'),
    );
  }

  /** One conditional update of the payment's item: true when it was written, false when the condition failed. */
  private updateIf(
    paymentId: string,
    update: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
  ): Promise<boolean> {
    return writeIf(
      this.doc,
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: paymentKey(paymentId), sk: SORT_KEY },
        ...update,
      }),
    );
  }

  private async mustLoad(paymentId: string): Promise<PaymentRecord> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentKey(paymentId), sk: SORT_KEY },
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new SandboxPaymentStateError(`Unknown sandbox payment ${paymentId}`);
    return paymentRecordSchema.parse(Item);
  }
}

const paymentKey = (paymentId: string): string => `SANDBOX#PAYMENT#${paymentId}`;

const toAuthorization = (record: PaymentRecord): Authorization => ({
  paymentId: record.paymentId,
  amount: record.amount,
  currency: record.currency,
  expiresAt: record.authorizationExpiresAt,
});
