// What goes through SNS: customer SMS, operator alerts (the ops topic) and order status events (the order-events
// topic). A topic whose ARN the function was not given is not published to. The local engine passes a client
// answered in-process (messages land in the outbox).
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CustomerMessaging, TopicMessaging } from '../domain/notices';

export const snsSms = (sns: SNSClient): Pick<CustomerMessaging, 'sendSms'> => ({
  async sendSms(message) {
    await sns.send(
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
});

export interface SnsTopicsOptions {
  sns: SNSClient;
  opsTopicArn: string;
  orderEventsTopicArn: string;
}

export const snsTopics = (options: SnsTopicsOptions): TopicMessaging => ({
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
