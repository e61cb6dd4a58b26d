// Messaging over the AWS SDK: customer email through SES v2, SMS and topics through SNS, and the sending of a
// step's planned notices. The local engine passes the same clients, pointed at local parts, so this code runs
// unchanged on a laptop.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Messaging, NoticeTemplate, PlannedNotice } from '../domain/notices';

export interface SdkMessagingOptions {
  ses: SESv2Client;
  sns: SNSClient;
  senderEmail: string;
  configurationSet?: string | undefined;
  opsTopicArn: string;
  orderEventsTopicArn: string;
}

export const sdkMessaging = (options: SdkMessagingOptions): Messaging => ({
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
  async sendSms(message) {
    await options.sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: message.text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          template: { DataType: 'String', StringValue: message.template },
          orderId: { DataType: 'String', StringValue: message.orderId },
        },
      }),
    );
  },
  async alertOps(alert) {
    if (!options.opsTopicArn) return;
    await options.sns.send(
      new PublishCommand({
        TopicArn: options.opsTopicArn,
        Subject: alert.subject.slice(0, 99),
        Message: alert.text,
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: alert.kind },
          ...(alert.orderId ? { orderId: { DataType: 'String', StringValue: alert.orderId } } : {}),
        },
      }),
    );
  },
  async publishOrderEvent(event) {
    if (!options.orderEventsTopicArn) return;
    await options.sns.send(
      new PublishCommand({
        TopicArn: options.orderEventsTopicArn,
        Message: JSON.stringify(event),
        MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
      }),
    );
  },
});

/** Sends planned notices, one after the other (a failure leaves the rest for the step's retry). */
export const sendNotices = async (
  messaging: Messaging,
  orderId: string,
  notices: PlannedNotice[],
): Promise<void> => {
  for (const notice of notices) {
    const template = notice.entry.template as NoticeTemplate;
    if (notice.entry.channel === 'email') {
      await messaging.sendEmail({
        to: notice.entry.to,
        subject: notice.subject,
        text: notice.text,
        html: notice.html,
        template,
        orderId,
      });
    } else {
      await messaging.sendSms({ to: notice.entry.to, text: notice.text, template, orderId });
    }
  }
};
