// Orders the workflow turns away: each ends REJECTED with its contract code and an order_rejected notice, and
// whatever it had taken (stock, authorization, label) is given back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  waitForExecutionEnd,
  waitForOrder,
  withTotal,
} from '../helpers/local-system';

describe('a rejected order', () => {
  let system: LocalSystem;
  let api: Api;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off' });
    api = new Api(system);
  });
  afterAll(() => system.stop());

  const rejectedWith = async (request: ReturnType<typeof anOrderRequest>) => {
    const posted = await api.postOrder(request);
    expect(posted.status).toBe(202);
    const order = await waitForOrder(api, system, posted.body.orderId, hasStatus('REJECTED', 'FAILED'));
    const templates = (await api.outbox(order.orderId)).map((m) => `${m.channel}:${m.template}`);
    return { order, templates };
  };

  // Postal codes, countries and phone numbers are refused at intake already (test/workflow/intake.test.ts).
  it('is VALIDATION_FAILED for an unknown SKU, with the order_rejected notice', async () => {
    const request = withTotal(
      anOrderRequest({ items: [{ sku: 'SKU-NOPE', name: 'Nope', quantity: 1, unitPrice: 100 }] }),
    );

    const { order, templates } = await rejectedWith(request);

    expect(order.rejection).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(order.rejection?.message).toContain('SKU-NOPE');
    expect(order.payment.status).toBe('PENDING');
    expect(templates).toEqual(['email:order_rejected', 'sms:order_rejected']);
  });

  it('is OUT_OF_STOCK when one line is short, with the other lines released', async () => {
    await api.setStock('SKU-RARE', 1);
    const mugsBefore = await api.stock('SKU-MUG');
    const request = withTotal(
      anOrderRequest({
        items: [
          { sku: 'SKU-MUG', name: 'Mug', quantity: 3, unitPrice: 1299 },
          { sku: 'SKU-RARE', name: 'Rare', quantity: 2, unitPrice: 9900 },
        ],
      }),
    );

    const { order, templates } = await rejectedWith(request);

    expect(order.rejection).toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(await api.stock('SKU-MUG')).toEqual(mugsBefore);
    expect(await api.stock('SKU-RARE')).toEqual({ sku: 'SKU-RARE', available: 1, reserved: 0 });
    expect(templates).toContain('email:order_rejected');
  });

  it('is PAYMENT_DECLINED for a declined card, with the stock released', async () => {
    const before = await api.stock('SKU-TSHIRT');

    const { order } = await rejectedWith(
      anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_chargeDeclined' } }),
    );

    expect(order.rejection).toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(order.payment.status).toBe('DECLINED');
    expect(await api.stock('SKU-TSHIRT')).toEqual(before);
  });

  it('is ADDRESS_UNDELIVERABLE when the carrier refuses the address, with authorization voided and stock released', async () => {
    const before = await api.stock('SKU-TSHIRT');
    const request = anOrderRequest();
    request.shippingAddress.postalCode = '00000';

    const { order } = await rejectedWith(request);

    expect(order.rejection).toMatchObject({ code: 'ADDRESS_UNDELIVERABLE' });
    expect(order.payment.status).toBe('VOIDED');
    expect(order.payment.capturedAmount).toBe(0);
    expect(await api.stock('SKU-TSHIRT')).toEqual(before);
  });

  it('is FRAUD_SUSPECTED when the risk rules add up, with the reasons kept', async () => {
    const request = withTotal(
      anOrderRequest({
        customer: { name: 'Mallory', email: 'mallory@mailinator.com', smsOptIn: false },
        billingAddress: { line1: '1 Rue X', city: 'Paris', postalCode: '75001', country: 'FR' },
        items: [{ sku: 'SKU-HOODIE', name: 'Hoodie', quantity: 25, unitPrice: 4999 }],
        shipping: { service: 'overnight', amount: 2500 },
      }),
    );

    const { order, templates } = await rejectedWith(request);

    expect(order.rejection).toMatchObject({ code: 'FRAUD_SUSPECTED' });
    expect(order.risk?.decision).toBe('reject');
    expect(order.risk?.reasons).toEqual(
      expect.arrayContaining(['disposable_email', 'billing_shipping_country_mismatch']),
    );
    expect(templates).toEqual(['email:order_rejected']);
  });

  it('ends its execution successfully: a rejection is an outcome, not a failure', async () => {
    const request = anOrderRequest({ payment: { provider: 'sandbox', token: 'tok_insufficientFunds' } });
    const { order } = await rejectedWith(request);

    expect((await waitForExecutionEnd(system, order.orderId)).status).toBe('SUCCEEDED');
  });
});
