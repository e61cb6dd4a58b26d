// Customer email over SES v2. Only the functions that send customer notices build it (functions/runtime/parts/),
// so only their bundles carry the SES client. The local engine passes a client pointed at aws-ses-v2-local.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { CustomerMessaging } from '../domain/notices';

export interface SesEmailOptions {
  ses: SESv2Client;
  senderEmail: string;
  configurationSet?: string | undefined;
}

export const sesEmail = (options: SesEmailOptions): Pick<CustomerMessaging, 'sendEmail'> => ({
  async sendEmail(message) {
    await options.ses.send(
      new SendEmailCommand({
        FromEmailAddress: options.senderEmail,
        Destination: { ToAddresses: [message.to] },
        // Both parts: mail clients show the HTML, and fall back to the text (as do screen readers and filters).
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
          },
        },
        ConfigurationSetName: options.configurationSet,
        EmailTags: [
          { Name: 'template', Value: message.template },
          { Name: 'orderId', Value: message.orderId },
        ],
      }),
    );
  },
});
