// The link in every customer message opens the order's tracking page without a key; the page shows where the
// order is and nothing about who it is for, and a tampered link shows nothing at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import { Api, anOrderRequest, hasStatus, startTestSystem, waitForOrder } from '../helpers/local-system';

describe('the customer tracking page', () => {
  let system: LocalSystem;
  let api: Api;
  let link: string;
  let orderId: string;

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
    ({ orderId } = (await api.postOrder(anOrderRequest())).body);
    await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    const email = (await api.outbox(orderId)).find(
      (m) => m.template === 'order_confirmation' && m.channel === 'email',
    );
    link = /https?:\/\/\S+\/track\/\S+/.exec(email?.text ?? '')?.[0] ?? '';
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
});
