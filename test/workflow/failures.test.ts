// What happens when things go wrong in ways the happy path never shows: a step that keeps failing, an
// authorization that lapses before shipment, a ship call that comes before the workflow waits for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
} from '../helpers/local-system';

describe('an unexpected error in a step', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('compensates what was done, ends FAILED and alerts operators', async () => {
    const before = await api.stock('SKU-TSHIRT');
    system.lambdas.register('BuyLabel', () => Promise.reject(new Error('carrier API unreachable')));
    try {
      const { body } = await api.postOrder(anOrderRequest());

      const failed = await waitForOrder(api, system, body.orderId, hasStatus('FAILED'));
      const execution = await waitForExecutionEnd(system, body.orderId);

      expect(failed.payment.status).toBe('VOIDED');
      expect(await api.stock('SKU-TSHIRT')).toEqual(before);
      const messages = await api.outbox(body.orderId);
      expect(messages.filter((m) => m.channel === 'ops').map((m) => m.template)).toEqual(['workflow_failed']);
      expect(messages.filter((m) => m.channel === 'email').map((m) => m.template)).toEqual([
        'order_confirmation',
      ]);
      expect(execution).toMatchObject({ status: 'FAILED', error: 'OrderFailed' });
    } finally {
      const { createHandler } = await import('../../functions/buy-label/handler');
      system.lambdas.register(
        'BuyLabel',
        createHandler(() => system.deps),
      );
    }
  });
});

describe('an order waiting for shipment', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    // One business day = 0.25 s: the 7-day authorization lapses in under 2 s.
    system = await startTestSystem({ simulation: 'off', daySeconds: 0.25 });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  it('renews the authorization before it lapses and keeps waiting', async () => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));

    const renewed = await waitForOrder(api, system, body.orderId, (o) =>
      o.timeline.some((t) => t.type === 'PAYMENT_REAUTHORIZED'),
    );

    expect(renewed.status).toBe('LABEL_CREATED');
    expect(renewed.payment.status).toBe('AUTHORIZED');
    expect(renewed.payment.authorizationExpiresAt! > labelled.payment.authorizationExpiresAt!).toBe(true);
  });

  it('is cancelled, label voided and stock released, when the renewal is declined', async () => {
    const before = await api.stock('SKU-TSHIRT');
    const { body } = await api.postOrder(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_reauthDeclined' } }),
    );

    const cancelled = await waitForOrder(api, system, body.orderId, hasStatus('CANCELLED', 'FAILED'));

    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancellation?.reason).toBe('authorization_expired');
    // The renewal is declined a business day before the hold lapses: the compensation releases it.
    expect(cancelled.payment.status).toBe('VOIDED');
    expect(cancelled.timeline.map((t) => t.type)).toEqual(
      expect.arrayContaining(['PAYMENT_AUTHORIZATION_EXPIRED', 'PAYMENT_VOIDED']),
    );
    expect(cancelled.shipment?.status).toBe('voided');
    expect(await api.stock('SKU-TSHIRT')).toEqual(before);
    const emails = (await api.outbox(body.orderId))
      .filter((m) => m.channel === 'email')
      .map((m) => m.template);
    expect(emails).toEqual(['order_confirmation', 'cancellation_confirmation']);
  });

  it('keeps a ship call that came before the label and ships as soon as the workflow waits', async () => {
    const { body } = await api.postOrder(anOrderRequest());

    const early = await api.ship(body.orderId);
    const shipped = await waitForOrder(api, system, body.orderId, hasStatus('SHIPPED'));

    expect(early.status).toBe(202);
    expect(shipped.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: shipped.total });
    const types = shipped.timeline.map((t) => t.type);
    expect(types.indexOf('LABEL_CREATED')).toBeLessThan(types.indexOf('PAYMENT_CAPTURED'));
  });
});
