// What goes through SNS: customer SMS, operator alerts (the ops topic) and order status events (the order-events
// topic). Alerts to an ops topic whose ARN the function was not given are not sent. The local engine passes a client
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
  // Only the order-events publisher (functions/publish-order-events/) calls this; without the topic it fails, so
  // the stream hands the record again rather than the event being dropped.
  async publishOrderEvent(event) {
    if (!options.orderEventsTopicArn) throw new Error('no order-events topic (ORDER_EVENTS_TOPIC_ARN)');
    await options.sns.send(
      new PublishCommand({
        TopicArn: options.orderEventsTopicArn,
        Message: JSON.stringify(event),
        // For subscription filter policies, and to de-duplicate without reading the body.
        MessageAttributes: {
          type: { DataType: 'String', StringValue: event.type },
          storefrontId: { DataType: 'String', StringValue: event.storefrontId },
          eventId: { DataType: 'String', StringValue: event.eventId },
        },
      }),
    );
  },
});
