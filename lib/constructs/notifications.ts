// Everything that carries a message out of Orderflow: the ops topic (alarms and operator alerts, e-mailed to the
// stage's ops address), the order-events topic (every status change, with a `type` message attribute for
// subscription filters), the SES configuration set customer e-mail goes through, and SMS via SNS. Topics are
// encrypted with a customer managed key because CloudWatch alarms and EventBridge can only publish to topics whose
// key policy lets them; the AWS managed SNS key cannot be shared that way.
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  CloudWatchDimensionSource,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

export interface NotificationsProps {
  stage: string;
  /** E-mail address subscribed to the ops topic; none in stages without an on-call. */
  opsAlertEmail?: string | undefined;
  /** From address of customer e-mail and the verified SES identity it belongs to. */
  sender: string;
  senderIdentity: string;
  /** Verified recipients while the account is in the SES sandbox. */
  sandboxRecipients: readonly string[];
  retain: boolean;
}

/** SES dimension the e-mail metrics are split by; the handlers tag every e-mail with its template. */
export const EMAIL_TEMPLATE_DIMENSION = 'template';

export class Notifications extends Construct {
  readonly key: Key;
  readonly opsTopic: Topic;
  readonly orderEventsTopic: Topic;
  readonly emailConfigurationSet: ConfigurationSet;
  /** Holds alerts that could not be delivered (ops e-mail, workflow-failure events). Alarmed on depth. */
  readonly alertDeadLetters: Queue;
  private readonly senderIdentity: string;
  private readonly sender: string;
  private readonly sandboxRecipients: readonly string[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.sender = props.sender;
    this.senderIdentity = props.senderIdentity;
    this.sandboxRecipients = props.sandboxRecipients;

    this.key = new Key(this, 'TopicKey', {
      description: `Orderflow ${props.stage}: encrypts the ops and order-events topics`,
      enableKeyRotation: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // Alarms (CloudWatch) and workflow-failure rules (EventBridge) publish to the encrypted ops topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmAndEventPublishers',
        principals: [
          new ServicePrincipal('cloudwatch.amazonaws.com'),
          new ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    this.opsTopic = new Topic(this, 'OpsTopic', {
      displayName: `Orderflow ${props.stage} ops`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.orderEventsTopic = new Topic(this, 'OrderEventsTopic', {
      displayName: `Orderflow ${props.stage} order events`,
      masterKey: this.key,
      enforceSSL: true,
    });

    this.alertDeadLetters = new Queue(this, 'AlertDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.alertDeadLetters,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the ops e-mail subscription and the workflow-failure rule.',
    );

    if (props.opsAlertEmail) {
      this.opsTopic.addSubscription(
        new EmailSubscription(props.opsAlertEmail, { deadLetterQueue: this.alertDeadLetters }),
      );
    }

    this.emailConfigurationSet = new ConfigurationSet(this, 'EmailConfiguration', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.emailConfigurationSet.addEventDestination('DeliveryMetrics', {
      destination: EventDestination.cloudWatchDimensions([
        {
          name: EMAIL_TEMPLATE_DIMENSION,
          source: CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: 'none',
        },
      ]),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
      ],
    });
  }

  /** Publish to one of the topics: sns:Publish on it and the two key actions SNS needs, nothing else. */
  grantPublish(role: IRole, topic: Topic): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
    );
  }

  /** Send customer e-mail: ses:SendEmail from the configured sender only, through the configuration set. */
  grantSendEmail(role: IRole): void {
    const stack = Stack.of(this);
    const identityArn = (identity: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          identityArn(this.senderIdentity),
          ...this.sandboxRecipients.map(identityArn),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.emailConfigurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.sender } },
      }),
    );
  }

  /**
   * Send SMS to customers' phones. SNS has no ARN for a phone number, so the grant is "any target that is not a
   * topic": `NotResource` on every topic ARN keeps this permission from publishing to topics.
   */
  grantSendSms(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sns:Publish'],
        notResources: [`arn:${Aws.PARTITION}:sns:*:*:*`],
      }),
    );
  }
}
