// Customer email through SES v2: what the SDK puts on the wire (both parts, the sender, the tags), and how planned
// notices become emails and SMS. The SES client is real; only its HTTP handler is replaced, so the request checked
// here is the one SES would receive.
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { sendNotices } from '../../../functions/adapters/messaging';
import { sesEmail } from '../../../functions/adapters/ses-email';
import type { EmailMessage, Messaging, SmsMessage } from '../../../functions/domain/notices';
import { planNotice } from '../../../functions/domain/notices';
import { anOrder, noticeContext, T0 } from '../helpers/orders';

interface SentRequest {
  path: string;
  body: Record<string, unknown>;
}

/** An SES client whose requests are kept instead of sent, each answered as SES answers a sent email. */
const recordingSes = (): { ses: SESv2Client; requests: SentRequest[] } => {
  const requests: SentRequest[] = [];
  const ses = new SESv2Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: (request: { path: string; body?: unknown }) => {
        const text =
          typeof request.body === 'string'
            ? request.body
            : new TextDecoder().decode(request.body as Uint8Array);
        requests.push({ path: request.path, body: JSON.parse(text) as Record<string, unknown> });
        const body = new TextEncoder().encode('{"MessageId":"msg-1"}');
        return Promise.resolve({
          response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body },
        });
      },
    },
  });
  return { ses, requests };
};

const anEmail = (): EmailMessage => ({
  to: 'ada@example.com',
  subject: 'Order 1001 confirmed',
  text: 'Hello Ada Lovelace,\n\nThank you for your order 1001.\n',
  html: '<!DOCTYPE html><html lang="en"><body><p>Thank you for your order 1001.</p></body></html>',
  template: 'order_confirmation',
  orderId: 'ord_1',
});

const messagingWith = (ses: SESv2Client): Pick<Messaging, 'sendEmail'> =>
  sesEmail({ ses, senderEmail: 'orders@shop.example', configurationSet: 'orderflow-email' });

describe('sesEmail.sendEmail', () => {
  it('sends SES both the text and the HTML part, as UTF-8', async () => {
    // Prepare
    const { ses, requests } = recordingSes();
    const email = anEmail();

    // Act
    await messagingWith(ses).sendEmail(email);

    // Assess
    expect(requests[0]?.path).toBe('/v2/email/outbound-emails');
    expect(requests[0]?.body.Content).toEqual({
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: email.text, Charset: 'UTF-8' },
          Html: { Data: email.html, Charset: 'UTF-8' },
        },
      },
    });
  });

  it('sends from the stage sender to the customer, tagged with the template and order', async () => {
    // Prepare
    const { ses, requests } = recordingSes();

    // Act
    await messagingWith(ses).sendEmail(anEmail());

    // Assess
    expect(requests[0]?.body).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'orderflow-email',
      EmailTags: [
        { Name: 'template', Value: 'order_confirmation' },
        { Name: 'orderId', Value: 'ord_1' },
      ],
    });
  });
});

describe('sendNotices', () => {
  const recording = () => {
    const emails: EmailMessage[] = [];
    const sms: SmsMessage[] = [];
    const messaging: Messaging = {
      sendEmail: (message) => Promise.resolve(void emails.push(message)),
      sendSms: (message) => Promise.resolve(void sms.push(message)),
      alertOps: () => Promise.resolve(),
      publishOrderEvent: () => Promise.resolve(),
    };
    return { messaging, emails, sms };
  };

  it("sends a planned email with the notice's text and HTML parts", async () => {
    // Prepare
    const { messaging, emails } = recording();
    const notices = planNotice(anOrder(), 'order_confirmation', 'order', noticeContext, T0);
    const planned = notices.find((notice) => notice.entry.channel === 'email')!;

    // Act
    await sendNotices(messaging, 'ord_1', notices);

    // Assess
    expect(emails).toEqual([
      {
        to: 'ada@example.com',
        subject: planned.subject,
        text: planned.text,
        html: planned.html,
        template: 'order_confirmation',
        orderId: 'ord_1',
      },
    ]);
    expect(planned.html).toContain('<html lang="en">');
  });

  it('sends a planned SMS as text only', async () => {
    // Prepare
    const { messaging, sms } = recording();
    const notices = planNotice(anOrder(), 'order_confirmation', 'order', noticeContext, T0);

    // Act
    await sendNotices(messaging, 'ord_1', notices);

    // Assess
    expect(sms).toEqual([
      {
        to: '+14155550100',
        text: notices.find((notice) => notice.entry.channel === 'sms')!.text,
        template: 'order_confirmation',
        orderId: 'ord_1',
      },
    ]);
  });
});
