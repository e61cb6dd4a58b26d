// Local AWS endpoints over HTTP, for handlers that build their own SDK clients: the deployed bundles, which run
// with the environment the stack sets plus `AWS_ENDPOINT_URL_<SERVICE>` pointing here. Each request is decoded as
// the SDK sends it (Step Functions: JSON 1.0; SNS: the query protocol; SES v2: REST JSON) and answered by the same
// code that answers the in-process clients (local/aws-clients.ts): the local engine, the outbox, the SES emulator.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { Answer } from './aws-clients';

export interface AwsEndpointsOptions {
  sfn: Answer;
  sns: Answer;
  /** Records an email, before it is passed on to the SES emulator at `sesUrl`. */
  recordEmail: (input: SendEmailCommandInput) => Promise<void>;
  sesUrl: string;
}

export interface AwsEndpoints {
  url: string;
  stop(): Promise<void>;
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const xmlEscape = (text: string): string =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs of an SNS query request. */
const snsPublishInput = (form: URLSearchParams): PublishCommandInput => {
  const attributes: NonNullable<PublishCommandInput['MessageAttributes']> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    attributes[form.get(`MessageAttributes.entry.${n}.Name`)!] = {
      DataType: form.get(`MessageAttributes.entry.${n}.Value.DataType`) ?? 'String',
      StringValue: form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '',
    };
  }
  const optional = (name: string) => form.get(name) ?? undefined;
  return {
    TopicArn: optional('TopicArn'),
    PhoneNumber: optional('PhoneNumber'),
    Subject: optional('Subject'),
    Message: form.get('Message') ?? '',
    MessageAttributes: attributes,
  };
};

/** Step Functions answers carry timestamps as epoch seconds. */
const sfnOutput = (output: object): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(output).map(([key, value]) => [
        key,
        value instanceof Date ? value.getTime() / 1000 : value,
      ]),
    ),
  );

export const startAwsEndpoints = async (options: AwsEndpointsOptions): Promise<AwsEndpoints> => {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('AWSStepFunctions.')) {
      try {
        const output = await options.sfn(
          `${target.slice('AWSStepFunctions.'.length)}Command`,
          JSON.parse(body),
        );
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(sfnOutput(output));
      } catch (error) {
        const { name, message } = error instanceof Error ? error : new Error(String(error));
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': name });
        response.end(JSON.stringify({ __type: name, message }));
      }
      return;
    }
    if (request.method === 'POST' && request.url === '/v2/email/outbound-emails') {
      await options.recordEmail(JSON.parse(body) as SendEmailCommandInput);
      // Passed on as signed (the emulator wants an AWS authorization header), minus what fetch sets itself.
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && !['host', 'content-length', 'connection'].includes(entry[0]),
        ),
      );
      const forwarded = await fetch(`${options.sesUrl}${request.url}`, { method: 'POST', headers, body });
      response.writeHead(forwarded.status, { 'content-type': 'application/json' });
      response.end(await forwarded.text());
      return;
    }
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'Publish') {
      const { MessageId } = (await options.sns('PublishCommand', snsPublishInput(form))) as {
        MessageId: string;
      };
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
          `<MessageId>${xmlEscape(MessageId)}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: `no local endpoint for ${request.method} ${request.url}` }));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('local AWS endpoint error', error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
