// The messaging parts. `messagingPart`: customer email (SES) and SMS, operator alerts and order events (SNS), for
// the functions that send customer notices. `topicsPart`: the topics only (SNS), for functions that alert
// operators or publish order events but never write to a customer, so their bundles carry no SES client.
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { sesEmail } from '../../adapters/ses-email';
import { snsSms, snsTopics } from '../../adapters/sns-messaging';
import type { MessagingDeps, TopicDeps } from '../deps';
import { clientOf, type Part, type PartContext } from './part';

const topics = (context: PartContext) =>
  snsTopics({
    sns: clientOf(context, 'sns', () => new SNSClient({})),
    opsTopicArn: context.config.opsTopicArn,
    orderEventsTopicArn: context.config.orderEventsTopicArn,
  });

export const topicsPart: Part<TopicDeps> = (context) => ({ messaging: topics(context) });

export const messagingPart: Part<MessagingDeps> = (context) => ({
  messaging: {
    ...sesEmail({
      ses: clientOf(context, 'ses', () => new SESv2Client({})),
      senderEmail: context.config.senderEmail,
      configurationSet: context.config.sesConfigurationSet,
    }),
    ...snsSms(clientOf(context, 'sns', () => new SNSClient({}))),
    ...topics(context),
  },
});
