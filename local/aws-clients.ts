// The real AWS SDK clients, pointed at local parts. DynamoDB talks to dynalite over HTTP and SES to
// aws-ses-v2-local; SNS and Step Functions have no npm emulator that fits, so a middleware answers their commands
// in-process (SNS: SMS and topic messages into the outbox; Step Functions: the local engine). Handlers cannot
// tell the difference: they get an SNSClient, an SFNClient, as in AWS.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import {
  SFNClient,
  type SendTaskFailureCommandInput,
  type SendTaskSuccessCommandInput,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import type { Counters } from './counters';
import type { Outbox } from './outbox';
import type { LocalStepFunctions } from './step-functions';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'local';

interface CommandArgs {
  input: Record<string, unknown>;
}

/** Answers a command in-process instead of sending it. */
export type Answer = (commandName: string, input: unknown) => Promise<object>;

const answerLocally =
  (answer: Answer): InitializeMiddleware<object, MetadataBearer> =>
  (_next, context) =>
  async (args) => {
    const output = await answer(context.commandName ?? '', args.input);
    return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} };
  };
const answerOptions = { step: 'initialize', name: 'answerLocally' } as const;

/** DynamoDB over HTTP to dynalite; each call against the application tables is counted with its capacity. */
export const dynamoClient = (endpoint: string, counters?: Counters): DynamoDBClient => {
  const client = new DynamoDBClient({ endpoint, region, credentials, maxAttempts: 3 });
  if (counters) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as CommandArgs).input;
        input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const consumed = (
          result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
        ).ConsumedCapacity;
        const units = Array.isArray(consumed)
          ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0)
          : (consumed?.CapacityUnits ?? 0);
        counters.dynamo(context.commandName ?? '', units);
        return result;
      },
      { step: 'initialize', name: 'countCapacity' },
    );
  }
  return client;
};

const tag = (input: SendEmailCommandInput, name: string): string =>
  input.EmailTags?.find((t) => t.Name === name)?.Value ?? '';

/** Puts a sent email into the outbox, both its parts. */
export const recordEmail = async (outbox: Outbox, counters: Counters, input: SendEmailCommandInput) => {
  counters.email();
  const simple = input.Content?.Simple;
  await outbox.record({
    at: new Date().toISOString(),
    channel: 'email',
    to: (input.Destination?.ToAddresses ?? []).join(', '),
    subject: simple?.Subject?.Data ?? '',
    text: simple?.Body?.Text?.Data ?? '',
    ...(simple?.Body?.Html?.Data ? { html: simple.Body.Html.Data } : {}),
    template: tag(input, 'template'),
    orderId: tag(input, 'orderId'),
  });
};

/** SES v2 against aws-ses-v2-local (its mail viewer shows the messages); each sent email also goes to the outbox. */
export const sesClient = (endpoint: string, outbox: Outbox, counters: Counters): SESv2Client => {
  const client = new SESv2Client({ endpoint, region, credentials });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'SendEmailCommand') {
        await recordEmail(outbox, counters, (args as unknown as { input: SendEmailCommandInput }).input);
      }
      return result;
    },
    { step: 'initialize', name: 'recordOutbox' },
  );
  return client;
};

export interface PublishedEvent {
  topicArn: string;
  message: string;
  attributes: Record<string, string>;
}

/**
 * SNS: SMS and ops-topic messages land in the outbox; other topics (order events) in `topicMessages`, and each is
 * handed to `onTopicMessage` (the local order feed) as it is published.
 */
export const snsAnswer = (
  opsTopicArn: string,
  outbox: Outbox,
  counters: Counters,
  topicMessages: PublishedEvent[],
  onTopicMessage?: (event: PublishedEvent) => void,
): Answer => {
  const answer: Answer = async (commandName, raw) => {
    if (commandName !== 'PublishCommand') throw new Error(`local SNS does not implement ${commandName}`);
    const input = raw as PublishCommandInput;
    const attributes = Object.fromEntries(
      Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
    );
    const at = new Date().toISOString();
    if (input.PhoneNumber) {
      counters.smsMessage();
      await outbox.record({
        at,
        channel: 'sms',
        to: input.PhoneNumber,
        subject: '',
        text: input.Message ?? '',
        template: attributes.template ?? '',
        orderId: attributes.orderId ?? '',
      });
    } else if (input.TopicArn === opsTopicArn) {
      counters.snsPublish();
      await outbox.record({
        at,
        channel: 'ops',
        to: 'ops',
        subject: input.Subject ?? '',
        text: input.Message ?? '',
        template: attributes.kind ?? '',
        orderId: attributes.orderId ?? '',
      });
    } else {
      counters.snsPublish();
      const event = { topicArn: input.TopicArn ?? '', message: input.Message ?? '', attributes };
      topicMessages.push(event);
      if (topicMessages.length > 10_000) topicMessages.splice(0, topicMessages.length - 10_000);
      onTopicMessage?.(event);
    }
    return { MessageId: randomUUID() };
  };
  return answer;
};

/** An SNSClient whose commands `snsAnswer` answers in-process. */
export const snsClient = (...args: Parameters<typeof snsAnswer>): SNSClient => {
  const client = new SNSClient({ region, credentials });
  client.middlewareStack.add(answerLocally(snsAnswer(...args)), answerOptions);
  return client;
};

/** Step Functions: StartExecution goes to the engine of the named machine, task-token callbacks to the one waiting. */
export const sfnAnswer = (engines: () => ReadonlyMap<string, LocalStepFunctions>): Answer => {
  const byToken = (token: string): LocalStepFunctions =>
    [...engines().values()].find((engine) => engine.hasTask(token)) ?? [...engines().values()][0]!;
  const answer: Answer = async (commandName, input) => {
    switch (commandName) {
      case 'StartExecutionCommand': {
        const { name, input: executionInput, stateMachineArn } = input as StartExecutionCommandInput;
        const engine = engines().get(stateMachineArn ?? '');
        if (!engine)
          throw Object.assign(new Error(`no state machine ${stateMachineArn}`), {
            name: 'StateMachineDoesNotExist',
          });
        return engine.start(name ?? randomUUID(), executionInput ?? '{}');
      }
      case 'RedriveExecutionCommand': {
        const { executionArn } = input as { executionArn?: string };
        const [machineArn, name] = (executionArn ?? '')
          .replace(':execution:', ':stateMachine:')
          .split(/:(?=[^:]+$)/);
        const engine = engines().get(machineArn ?? '');
        if (!engine || !name)
          throw Object.assign(new Error(`no execution ${executionArn}`), { name: 'ExecutionDoesNotExist' });
        return engine.redrive(name);
      }
      case 'SendTaskSuccessCommand': {
        const { taskToken, output } = input as SendTaskSuccessCommandInput;
        await byToken(taskToken ?? '').sendTaskSuccess(taskToken ?? '', output ?? '{}');
        return {};
      }
      case 'SendTaskFailureCommand': {
        const { taskToken, error, cause } = input as SendTaskFailureCommandInput;
        await byToken(taskToken ?? '').sendTaskFailure(taskToken ?? '', error ?? '', cause ?? '');
        return {};
      }
      default:
        throw new Error(`local Step Functions does not implement ${commandName}`);
    }
  };
  return answer;
};

/** An SFNClient whose commands `sfnAnswer` answers in-process. */
export const sfnClient = (engines: () => ReadonlyMap<string, LocalStepFunctions>): SFNClient => {
  const client = new SFNClient({ region, credentials });
  client.middlewareStack.add(answerLocally(sfnAnswer(engines)), answerOptions);
  return client;
};
