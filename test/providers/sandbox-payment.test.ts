// The sandbox payment provider against dynalite: magic tokens, idempotency, capture-once, void rules and the
// refund invariant (never more than was captured), the last as a fast-check property over refund sequences.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentDeclinedError } from '../../functions/domain/errors';
import {
  SandboxPaymentProvider,
  SandboxPaymentStateError,
  sandboxPaymentId,
} from '../../functions/adapters/payment/sandbox-payment';
import type { AuthorizeRequest } from '../../functions/domain/providers';
import { startOrdersTable } from './dynalite-table';
import type { TestTable } from './dynalite-table';

const DAY_SECONDS = 0.02;
const T0 = new Date('2030-01-01T00:00:00.000Z');

let store: TestTable;
let now: Date;
let provider: SandboxPaymentProvider;
let sequence = 0;

/** A fresh authorize request (unique key) so tests never share a payment. */
const authorizeRequest = (overrides: Partial<AuthorizeRequest> = {}): AuthorizeRequest => {
  sequence += 1;
  return {
    orderId: `order-${sequence}`,
    amount: 4498,
    currency: 'USD',
    token: 'tok_visa',
    idempotencyKey: `order-${sequence}:authorize`,
    ...overrides,
  };
};

const storedPayment = async (paymentId: string): Promise<Record<string, unknown> | undefined> =>
  (
    await store.doc.send(
      new GetCommand({ TableName: store.table, Key: { pk: `SANDBOX#PAYMENT#${paymentId}`, sk: 'SANDBOX' } }),
    )
  ).Item;

const advanceDays = (days: number): void => {
  now = new Date(now.getTime() + days * DAY_SECONDS * 1000);
};

beforeAll(async () => {
  store = await startOrdersTable();
  now = T0;
  provider = new SandboxPaymentProvider({
    doc: store.doc,
    table: store.table,
    daySeconds: DAY_SECONDS,
    authorizationValidityDays: 7,
    clock: () => now,
  });
});

afterAll(async () => {
  await store.close();
});

describe('SandboxPaymentProvider', () => {
  describe('authorize', () => {
    it.each(['tok_visa', 'tok_mastercard'])(
      'authorizes %s for the amount, valid for 7 scaled days',
      async (token) => {
        // Prepare
        const request = authorizeRequest({ token });

        // Act
        const authorization = await provider.authorize(request);

        // Assess
        expect(authorization).toEqual({
          paymentId: sandboxPaymentId(request.idempotencyKey),
          amount: 4498,
          currency: 'USD',
          expiresAt: new Date(now.getTime() + 7 * DAY_SECONDS * 1000).toISOString(),
        });
        expect(authorization.paymentId).toMatch(/^pi_sbx_[0-9a-f]{24}$/);
        expect(await storedPayment(authorization.paymentId)).toMatchObject({
          status: 'AUTHORIZED',
          amount: 4498,
        });
      },
    );

    it.each([
      ['tok_chargeDeclined', 'generic_decline'],
      ['tok_insufficientFunds', 'insufficient_funds'],
      ['tok_somethingElse', 'invalid_token'],
    ])(
      'declines %s with a message naming the decline code, and stores nothing',
      async (token, declineCode) => {
        // Prepare
        const request = authorizeRequest({ token });

        // Act
        const attempt = provider.authorize(request);

        // Assess
        await expect(attempt).rejects.toThrow(PaymentDeclinedError);
        await expect(attempt).rejects.toThrow(declineCode);
        expect(await storedPayment(sandboxPaymentId(request.idempotencyKey))).toBeUndefined();
      },
    );

    it('answers a repeated authorize with the same key with the first authorization', async () => {
      // Prepare
      const request = authorizeRequest();
      const first = await provider.authorize(request);
      advanceDays(1);

      // Act
      const second = await provider.authorize(request);

      // Assess
      expect(second).toEqual(first);
    });

    it('refuses an idempotency key reused for a different amount', async () => {
      // Prepare
      const request = authorizeRequest();
      await provider.authorize(request);

      // Act
      const attempt = provider.authorize({ ...request, amount: request.amount + 1 });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxPaymentStateError);
    });
  });

  describe('reauthorize', () => {
    it('keeps the payment id and moves the expiry to a full validity from now', async () => {
      // Prepare
      const request = authorizeRequest();
      const first = await provider.authorize(request);
      advanceDays(6);

      // Act
      const renewed = await provider.reauthorize({
        ...request,
        paymentId: first.paymentId,
        idempotencyKey: `${request.orderId}:reauthorize:1`,
      });

      // Assess
      expect(renewed.paymentId).toBe(first.paymentId);
      expect(renewed.expiresAt).toBe(new Date(now.getTime() + 7 * DAY_SECONDS * 1000).toISOString());
      advanceDays(3);
      await expect(
        provider.capture({ paymentId: first.paymentId, amount: 4498, idempotencyKey: 'capture' }),
      ).resolves.toEqual({ capturedAmount: 4498 });
    });

    it('declines tok_reauthDeclined, which authorized once', async () => {
      // Prepare
      const request = authorizeRequest({ token: 'tok_reauthDeclined' });
      const first = await provider.authorize(request);

      // Act
      const attempt = provider.reauthorize({
        ...request,
        paymentId: first.paymentId,
        idempotencyKey: 'reauth',
      });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      expect(await storedPayment(first.paymentId)).toMatchObject({ authorizationExpiresAt: first.expiresAt });
    });

    it('answers a repeated re-authorization with its first result', async () => {
      // Prepare
      const request = authorizeRequest();
      const { paymentId } = await provider.authorize(request);
      const reauth = { ...request, paymentId, idempotencyKey: `${request.orderId}:reauthorize:1` };
      const first = await provider.reauthorize(reauth);
      advanceDays(1);

      // Act
      const second = await provider.reauthorize(reauth);

      // Assess
      expect(second.expiresAt).toBe(first.expiresAt);
    });
  });

  describe('capture', () => {
    it('captures up to the authorized amount', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());

      // Act
      const result = await provider.capture({ paymentId, amount: 4000, idempotencyKey: 'capture-1' });

      // Assess
      expect(result).toEqual({ capturedAmount: 4000 });
      expect(await storedPayment(paymentId)).toMatchObject({ status: 'CAPTURED', capturedAmount: 4000 });
    });

    it('captures exactly once when two captures race, and both answer with that capture', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());

      // Act
      const results = await Promise.all([
        provider.capture({ paymentId, amount: 4498, idempotencyKey: 'ship-api' }),
        provider.capture({ paymentId, amount: 4000, idempotencyKey: 'first-scan' }),
      ]);

      // Assess
      const stored = await storedPayment(paymentId);
      expect(results[0]).toEqual(results[1]);
      expect(stored).toMatchObject({ status: 'CAPTURED', capturedAmount: results[0].capturedAmount });
      expect([4498, 4000]).toContain(results[0].capturedAmount);
    });

    it('answers a second capture with the first capture and captures nothing more', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      await provider.capture({ paymentId, amount: 3000, idempotencyKey: 'capture-1' });

      // Act
      const second = await provider.capture({ paymentId, amount: 4498, idempotencyKey: 'capture-2' });

      // Assess
      expect(second).toEqual({ capturedAmount: 3000 });
      expect(await storedPayment(paymentId)).toMatchObject({ capturedAmount: 3000 });
    });

    it('declines a capture after the authorization expired', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      advanceDays(7);

      // Act
      const attempt = provider.capture({ paymentId, amount: 4498, idempotencyKey: 'late' });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      await expect(attempt).rejects.toThrow(/expired/);
    });

    it('declines a capture after a void', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      await provider.void({ paymentId, idempotencyKey: 'void' });

      // Act
      const attempt = provider.capture({ paymentId, amount: 4498, idempotencyKey: 'capture' });

      // Assess
      await expect(attempt).rejects.toThrow(PaymentDeclinedError);
      expect(await storedPayment(paymentId)).toMatchObject({ status: 'VOIDED', capturedAmount: 0 });
    });

    it('refuses a capture above the authorized amount', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());

      // Act
      const attempt = provider.capture({ paymentId, amount: 4499, idempotencyKey: 'too-much' });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxPaymentStateError);
      expect(await storedPayment(paymentId)).toMatchObject({ status: 'AUTHORIZED' });
    });
  });

  describe('void', () => {
    it('voids an authorization, and voiding again is a no-op', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      await provider.void({ paymentId, idempotencyKey: 'void-1' });
      const firstVoid = await storedPayment(paymentId);

      // Act
      await provider.void({ paymentId, idempotencyKey: 'void-2' });

      // Assess
      expect(await storedPayment(paymentId)).toEqual(firstVoid);
      expect(firstVoid).toMatchObject({ status: 'VOIDED' });
    });

    it('is a no-op on an expired authorization', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      advanceDays(8);

      // Act
      const attempt = provider.void({ paymentId, idempotencyKey: 'void' });

      // Assess
      await expect(attempt).resolves.toBeUndefined();
    });

    it('refuses to void a captured payment (it needs a refund)', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      await provider.capture({ paymentId, amount: 4498, idempotencyKey: 'capture' });

      // Act
      const attempt = provider.void({ paymentId, idempotencyKey: 'void' });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxPaymentStateError);
      expect(await storedPayment(paymentId)).toMatchObject({ status: 'CAPTURED' });
    });
  });

  describe('refund', () => {
    it('refunds part of a capture and answers a repeated key with the first refund', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());
      await provider.capture({ paymentId, amount: 4498, idempotencyKey: 'capture' });
      const first = await provider.refund({ paymentId, amount: 1000, idempotencyKey: 'return-1' });

      // Act
      const repeated = await provider.refund({ paymentId, amount: 1000, idempotencyKey: 'return-1' });

      // Assess
      expect(repeated).toEqual(first);
      expect(first.refundId).toMatch(/^re_sbx_[0-9a-f]{24}$/);
      expect(await storedPayment(paymentId)).toMatchObject({ refundedAmount: 1000, refundableAmount: 3498 });
    });

    it('refuses a refund of a payment that was never captured', async () => {
      // Prepare
      const { paymentId } = await provider.authorize(authorizeRequest());

      // Act
      const attempt = provider.refund({ paymentId, amount: 100, idempotencyKey: 'refund' });

      // Assess
      await expect(attempt).rejects.toThrow(SandboxPaymentStateError);
    });

    it('never refunds more than was captured, whatever the sequence of refunds', async () => {
      // Prepare: a capture, then refunds with keys from a small pool so that repeats happen.
      const scenario = fc.record({
        captured: fc.integer({ min: 1, max: 5000 }),
        refunds: fc.array(
          fc.record({ key: fc.integer({ min: 0, max: 5 }), amount: fc.integer({ min: 1, max: 3000 }) }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
      });

      await fc.assert(
        fc.asyncProperty(scenario, async ({ captured, refunds }) => {
          const { paymentId } = await provider.authorize(authorizeRequest({ amount: captured }));
          await provider.capture({ paymentId, amount: captured, idempotencyKey: 'capture' });
          const firstByKey = new Map<number, number>();
          let remaining = captured;

          // Act: the refunds one after another, against a model of what must happen.
          for (const { key, amount } of refunds) {
            const attempt = provider.refund({ paymentId, amount, idempotencyKey: `refund-${key}` });
            const first = firstByKey.get(key);

            // Assess
            if (first !== undefined) {
              await expect(attempt).resolves.toMatchObject({ amount: first });
            } else if (amount <= remaining) {
              await expect(attempt).resolves.toMatchObject({ amount });
              firstByKey.set(key, amount);
              remaining -= amount;
            } else {
              await expect(attempt).rejects.toThrow(SandboxPaymentStateError);
            }
          }
          expect(await storedPayment(paymentId)).toMatchObject({
            refundedAmount: captured - remaining,
            refundableAmount: remaining,
          });
        }),
        { numRuns: 20 },
      );
    });

    it('never refunds more than was captured when refunds race', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5000 }),
          fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 2, maxLength: 8 }),
          async (captured, amounts) => {
            // Prepare
            const { paymentId } = await provider.authorize(authorizeRequest({ amount: captured }));
            await provider.capture({ paymentId, amount: captured, idempotencyKey: 'capture' });

            // Act
            const outcomes = await Promise.allSettled(
              amounts.map((amount, i) =>
                provider.refund({ paymentId, amount, idempotencyKey: `refund-${i}` }),
              ),
            );

            // Assess
            const refunded = outcomes
              .filter((outcome) => outcome.status === 'fulfilled')
              .reduce((sum, outcome) => sum + outcome.value.amount, 0);
            expect(refunded).toBeLessThanOrEqual(captured);
            expect(await storedPayment(paymentId)).toMatchObject({ refundedAmount: refunded });
          },
        ),
        { numRuns: 10 },
      );
    });
  });
});
