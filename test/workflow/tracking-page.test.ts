// The link in every customer message opens the order's tracking page without a key; the page shows where the
// order is and nothing about who it is for, and a tampered link shows nothing at all. Real cancelled and returned
// orders say so, with what it meant for the money, and show no stale parcel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import { Api, anOrderRequest, hasStatus, scan, startTestSystem, waitForOrder } from '../helpers/local-system';

describe('the customer tracking page', () => {
  let system: LocalSystem;
  let api: Api;
  let link: string;
  let orderId: string;

  /** The tracking link of the order's confirmation email. */
  const trackingLink = async (id: string): Promise<string> => {
    const email = (await api.outbox(id)).find(
      (m) => m.template === 'order_confirmation' && m.channel === 'email',
    );
    return /https?:\/\/\S+\/track\/\S+/.exec(email?.text ?? '')?.[0] ?? '';
  };
  const pageOf = async (id: string): Promise<string> => (await fetch(await trackingLink(id))).text();
  const cancel = (id: string) =>
    api.request('POST', `/orders/${id}/cancel`, { body: { reason: 'changed_mind' } });
  /** A new order with its label bought; its parcel's tracking number. */
  const aLabelledOrder = async (): Promise<{ id: string; tracking: string }> => {
    const { body } = await api.postOrder(anOrderRequest());
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    return { id: body.orderId, tracking: labelled.shipment!.trackingNumber };
  };

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
    ({ orderId } = (await api.postOrder(anOrderRequest())).body);
    await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    link = await trackingLink(orderId);
  });
  afterAll(() => system.stop());

  it('opens from the link in the confirmation email and shows the status and the parcel', async () => {
    const response = await fetch(link);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(page).toContain('packed and waiting for the carrier');
    expect(page).toContain((await api.order(orderId)).shipment!.trackingNumber);
  });

  it('shows no customer data', async () => {
    const page = await (await fetch(link)).text();

    for (const secret of ['Ada Lovelace', 'ada@example.com', '+14155550100', '1 Main St', '94105']) {
      expect(page).not.toContain(secret);
    }
  });

  it('answers 404 for a tampered token or another order id', async () => {
    // Another first character of the token, whatever it was.
    const tampered = await fetch(
      link.replace(/t=(\w)/, (_all, first: string) => `t=${first === '0' ? '1' : '0'}`),
    );
    const otherOrder = await fetch(link.replace(orderId, 'ord_000000000000000000000000'));
    const noToken = await fetch(link.replace(/\?t=\w+/, ''));

    expect([tampered.status, otherOrder.status, noToken.status]).toEqual([404, 404, 404]);
  });

  it('says a cancelled order was not charged, and shows neither its voided tracking number nor an estimate', async () => {
    const { id, tracking } = await aLabelledOrder();

    await cancel(id);
    await waitForOrder(api, system, id, hasStatus('CANCELLED'));
    const page = await pageOf(id);

    expect(page).toContain('Your order was cancelled.');
    expect(page).toContain('You have not been charged.');
    expect(page).not.toContain(tracking);
    expect(page).not.toContain('Expected by');
    expect(page).toContain('<main data-final="true"');
  });

  it('says an order cancelled after shipment is coming back, links the carrier page, then says refunded with the amount', async () => {
    const { id, tracking } = await aLabelledOrder();
    await api.ship(id);
    await api.carrierEvent(scan(tracking, 'in_transit'));
    await waitForOrder(api, system, id, hasStatus('IN_TRANSIT'));

    await cancel(id);
    await waitForOrder(api, system, id, hasStatus('INTERCEPT_REQUESTED'));
    const intercepting = await pageOf(id);
    const carrierLink = /href="([^"]+)"/.exec(intercepting)?.[1] ?? '';
    const carrierPage = await (await fetch(carrierLink)).text();
    await api.carrierEvent(scan(tracking, 'return_to_sender'));
    await api.carrierEvent(scan(tracking, 'delivered'));
    await waitForOrder(api, system, id, hasStatus('CANCELLED'));
    const cancelled = await pageOf(id);

    expect(intercepting).toContain('the carrier is bringing the parcel back to us');
    expect(intercepting).toContain('Once it is back we refund $44.98 to your original payment method.');
    expect(carrierLink).toContain(`/_local/carrier/tracking/${tracking}`);
    expect(carrierPage).toContain(`<h1>Tracking ${tracking}</h1>`);
    expect(carrierPage).toContain('<td>In transit</td><td>Oakland, CA</td>');
    expect(cancelled).toContain('Your order was cancelled and the parcel is back with us.');
    expect(cancelled).toContain('We refunded $44.98 to your original payment method.');
    expect(cancelled).not.toContain(tracking);
    expect(cancelled).not.toContain('Expected by');
  });

  it('follows a return: its tracking number while it travels, then returned and refunded with the amount', async () => {
    const { id, tracking } = await aLabelledOrder();
    await api.carrierEvent(scan(tracking, 'delivered'));
    await waitForOrder(api, system, id, hasStatus('DELIVERED'));

    const opened = await api.request<{ trackingNumber: string }>('POST', `/orders/${id}/returns`, {
      body: { reason: 'too small' },
    });
    const returning = await pageOf(id);
    await api.carrierEvent(scan(opened.body.trackingNumber, 'in_transit'));
    await api.carrierEvent(scan(opened.body.trackingNumber, 'delivered'));
    await waitForOrder(api, system, id, hasStatus('RETURNED'));
    const returned = await pageOf(id);

    expect(returning).toContain(`Return tracking number <code>${opened.body.trackingNumber}</code>`);
    expect(returned).toContain('Your order was returned and refunded.');
    expect(returned).toContain('We refunded $39.98 to your original payment method.');
    expect(returned).not.toContain('Your order was delivered');
    expect(returned).not.toContain(opened.body.trackingNumber);
  });
});
