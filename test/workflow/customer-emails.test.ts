// Customer emails on the real local engine: each goes through SES to the local mail viewer with its HTML and text
// parts, the outbox keeps both, and a customer's name full of markup arrives escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import type { OutboxMessage } from '../../local/outbox';
import { Api, anOrderRequest, hasStatus, startTestSystem, waitForOrder } from '../helpers/local-system';

/** An email as the SES emulator keeps it for its mail viewer (`GET /store`). */
interface ViewerEmail {
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
}

const HOSTILE_NAME = `Ada <script>alert("x")</script> O'Brien & Co`;

describe('customer emails', () => {
  let system: LocalSystem;
  let api: Api;
  let orderId: string;
  let externalId: string;

  const emailOf = async (template: string): Promise<OutboxMessage> => {
    const email = (await api.outbox(orderId)).find((m) => m.channel === 'email' && m.template === template);
    if (!email) throw new Error(`no ${template} email for ${orderId}`);
    return email;
  };

  const viewerEmail = async (subject: string): Promise<ViewerEmail | undefined> => {
    const store = (await (await fetch(`${system.mailUrl}/store`)).json()) as { emails: ViewerEmail[] };
    return store.emails.find((email) => email.subject === subject);
  };

  beforeAll(async () => {
    system = await startTestSystem({ simulation: 'off', daySeconds: 5 });
    api = new Api(system);
    const request = anOrderRequest();
    request.customer.name = HOSTILE_NAME;
    externalId = request.externalId!;
    ({ orderId } = (await api.postOrder(request)).body);
    await waitForOrder(api, system, orderId, hasStatus('LABEL_CREATED'));
    await api.ship(orderId);
    await waitForOrder(api, system, orderId, hasStatus('SHIPPED'));
  });
  afterAll(() => system.stop());

  it('keeps the HTML part of each email beside its text in the outbox, with the same tracking link', async () => {
    const email = await emailOf('order_confirmation');

    const link = /https?:\/\/\S+\/track\/\S+/.exec(email.text)?.[0];
    expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(link).toBeDefined();
    expect(email.html).toContain(`href="${link}"`);
  });

  it('names the local store and its support address in both parts', async () => {
    const email = await emailOf('shipping_confirmation');

    for (const part of [email.text, email.html!]) {
      expect(part).toContain('Orderflow Demo Store');
      expect(part).toContain('support@example.com');
      expect(part).toContain('$44.98');
    }
  });

  it('keeps no HTML with an SMS', async () => {
    const sms = (await api.outbox(orderId)).filter((m) => m.channel === 'sms');

    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((m) => m.html === undefined)).toBe(true);
  });

  it('hands both parts to the mail viewer, as the outbox has them', async () => {
    const email = await emailOf('shipping_confirmation');

    const shown = await viewerEmail(`Order ${externalId} has shipped`);

    expect(shown?.destination.to).toEqual(['ada@example.com']);
    expect(shown?.body).toEqual({ html: email.html, text: email.text });
  });

  it("shows the customer's name in the mail viewer escaped, never as markup", async () => {
    const shown = await viewerEmail(`Order ${externalId} confirmed`);

    expect(shown?.body.html).toContain(
      'Hello Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co,',
    );
    expect(shown?.body.html).not.toContain('<script');
    expect(shown?.body.text).toContain(`Hello ${HOSTILE_NAME},`);
  });
});
