// The Lambdas: one per catalog entry, with the runtime settings every function shares, the environment its
// capabilities call for, and a policy that names only what the catalog says it touches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PROVIDER_REQUESTS_PER_INVOCATION,
  PROVIDER_REQUEST_TIMEOUT_MS,
} from '../../functions/adapters/provider-http';
import { functionCatalog, type FunctionSpec } from '../../catalog/functions';
import { logicalId, synthesize, type Synthesized } from './synth';
import { actionsOf, asArray, referencedIds, statementsOfRole, type Statement } from './template-queries';

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** DynamoDB actions no handler calls (test/infra/dynamodb-calls.test.ts checks the code for them). */
const UNUSED_DYNAMODB_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
  'dynamodb:TransactGetItems',
];

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

afterAll(() => {
  dev?.cleanup();
  prod?.cleanup();
});

const ids = (s: Synthesized, spec: FunctionSpec) => {
  const fn = s.stack.functions.orderFunction(spec.id);
  return {
    functionId: logicalId(s.stack, fn.function),
    roleId: logicalId(s.stack, fn.role),
    logGroupId: logicalId(s.stack, fn.logGroup),
  };
};

const statementsOf = (s: Synthesized, spec: FunctionSpec): Statement[] =>
  statementsOfRole(s.json.Resources, ids(s, spec).roleId);

const environmentOf = (s: Synthesized, spec: FunctionSpec): Record<string, unknown> => {
  const resource = s.json.Resources[ids(s, spec).functionId]!;
  return (resource.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
};

const tableIds = (s: Synthesized) => ({
  Orders: logicalId(s.stack, s.stack.node.findChild('Storage').node.findChild('Orders')),
  Inventory: logicalId(s.stack, s.stack.node.findChild('Storage').node.findChild('Inventory')),
});

/** The stream reads of a stream's consumer (catalog `stream`), checked in test/infra/order-events.test.ts. */
const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/**
 * A function's DynamoDB grants: the actions on each table (by catalog table id), and the indexes it may query as
 * `<table>/<index>`. Statements may be merged or split; only the union per resource counts. Stream reads are not
 * table grants.
 */
const dynamoGrants = (s: Synthesized, spec: FunctionSpec) => {
  const tables = tableIds(s);
  const tableOf = (id: string) => Object.entries(tables).find(([, logical]) => logical === id)?.[0];
  const onTable: Record<string, Set<string>> = {};
  const queries: string[] = [];
  for (const statement of statementsOf(s, spec)) {
    const actions = actionsOf(statement).filter(
      (action) => action.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(action),
    );
    if (actions.length === 0) continue;
    for (const resource of asArray(statement.Resource)) {
      const [id] = [...referencedIds(resource)];
      const table = id ? tableOf(id) : undefined;
      expect(table, `${spec.id}: DynamoDB grant on ${JSON.stringify(resource)}`).toBeDefined();
      const index = /\/index\/([\w-]+)$/.exec(JSON.stringify(resource).replace(/"\]\]\}$/, ''))?.[1];
      if (index) {
        expect(actions).toEqual(['dynamodb:Query']);
        queries.push(`${table}/${index}`);
      } else {
        onTable[table!] = new Set([...(onTable[table!] ?? []), ...actions]);
      }
    }
  }
  return { onTable, queries };
};

describe.each(functionCatalog.map((spec) => [spec.id, spec] as const))('the %s function', (_, spec) => {
  it('runs its handler on Node.js 22, ARM64, with active tracing and JSON logs', () => {
    const resource = dev.json.Resources[ids(dev, spec).functionId]!;
    expect(resource.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
      Description: spec.description,
    });
  });

  it('outlasts its provider requests, so a slow provider is a TransientError and not a Lambda timeout', () => {
    const timeout = dev.json.Resources[ids(dev, spec).functionId]!.Properties?.Timeout as number;
    const callsProvider = spec.capabilities.some((c) => c === 'paymentProvider' || c === 'carrierProvider');
    const isApi = (spec.routes ?? []).length > 0;
    if (callsProvider) {
      expect(timeout * 1000).toBeGreaterThan(
        MAX_PROVIDER_REQUESTS_PER_INVOCATION * PROVIDER_REQUEST_TIMEOUT_MS,
      );
    }
    // API Gateway answers 504 after 29 s; a workflow Task gives its Lambda 60 s.
    expect(timeout).toBeLessThan(isApi ? 29 : 60);
  });

  it('logs into its own log group, kept for the stage retention', () => {
    const { functionId, logGroupId } = ids(dev, spec);
    expect(referencedIds(dev.json.Resources[functionId]!.Properties?.LoggingConfig)).toContain(logGroupId);
    expect(dev.json.Resources[logGroupId]).toMatchObject({
      Properties: { RetentionInDays: dev.config.logRetentionDays },
      DeletionPolicy: 'Delete',
    });
    expect(prod.json.Resources[ids(prod, spec).logGroupId]).toMatchObject({
      Properties: { RetentionInDays: prod.config.logRetentionDays },
      DeletionPolicy: 'Retain',
    });
  });

  it('has no wildcard action, and a wildcard resource only for X-Ray', () => {
    for (const s of [dev, prod]) {
      for (const statement of statementsOf(s, spec)) {
        expect(actionsOf(statement).filter((action) => action.includes('*'))).toEqual([]);
        if (asArray(statement.Resource).includes('*')) {
          expect(actionsOf(statement).every((action) => action.startsWith('xray:'))).toBe(true);
        }
      }
    }
  });

  it('touches only the tables the catalog lists, with exactly the actions it names', () => {
    // prod runs the real providers, so the catalog alone decides.
    const granted = dynamoGrants(prod, spec);
    // A table the function only queries (through an index) has no item actions.
    const withItems = Object.entries(spec.tables).filter(([, access]) => access.actions.length > 0);
    const expected = withItems.map(([table, access]) => [
      table,
      [...access.actions.map((action) => `dynamodb:${action}`)].sort(),
    ]);
    expect(Object.entries(granted.onTable).map(([table, actions]) => [table, [...actions].sort()])).toEqual(
      expect.arrayContaining(expected),
    );
    expect(Object.keys(granted.onTable).sort()).toEqual(withItems.map(([table]) => table).sort());
  });

  it('queries only the indexes the catalog lists, and no table itself', () => {
    for (const s of [dev, prod]) {
      const granted = dynamoGrants(s, spec);
      const expected = Object.entries(spec.tables).flatMap(([table, access]) =>
        (access.queries ?? []).map((index) => `${table}/${index}`),
      );
      expect(granted.queries.sort()).toEqual(expected.sort());
      for (const actions of Object.values(granted.onTable))
        expect([...actions]).not.toContain('dynamodb:Query');
    }
  });

  it('may use the sandbox providers’ records where the stage runs them, and nothing more', () => {
    const granted = dynamoGrants(dev, spec);
    const usesSandbox = spec.capabilities.some((c) => c === 'paymentProvider' || c === 'carrierProvider');
    const catalog = (spec.tables.Orders?.actions ?? []).map((action) => `dynamodb:${action}`);
    const expected = usesSandbox
      ? [...new Set([...catalog, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])]
      : catalog;
    expect([...(granted.onTable.Orders ?? [])].sort()).toEqual(expected.sort());
  });

  it('is never granted an action no handler calls: no Scan, DeleteItem, batch or transaction', () => {
    for (const s of [dev, prod]) {
      const actions = statementsOf(s, spec).flatMap(actionsOf);
      expect(actions.filter((action) => UNUSED_DYNAMODB_ACTIONS.includes(action))).toEqual([]);
    }
  });

  it('gets the settings every handler needs, and no secret value in its environment', () => {
    const environment = environmentOf(prod, spec);
    expect(Object.keys(environment)).toEqual(
      expect.arrayContaining(['ORDERS_TABLE', 'INVENTORY_TABLE', 'PAYMENT_PROVIDER', 'CARRIER_PROVIDER']),
    );
    expect(environment).not.toHaveProperty('TRACKING_LINK_SECRET');
    expect(environment).not.toHaveProperty('WEBHOOK_SECRET');
    expect(environment).not.toHaveProperty('DAY_SECONDS');
    expect(environment).toMatchObject({ PAYMENT_PROVIDER: 'stripe', CARRIER_PROVIDER: 'easypost' });
  });
});

describe('capabilities', () => {
  const withCapability = (capability: string) =>
    functionCatalog.filter((spec) => (spec.capabilities as string[]).includes(capability));
  const without = (capability: string) =>
    functionCatalog.filter((spec) => !(spec.capabilities as string[]).includes(capability));
  const actions = (s: Synthesized, spec: FunctionSpec) => statementsOf(s, spec).flatMap(actionsOf);

  it('lets only the functions that start the workflow do so, with its ARN in STATE_MACHINE_ARN', () => {
    for (const spec of withCapability('startExecution')) {
      expect(actions(dev, spec)).toContain('states:StartExecution');
      expect(JSON.stringify(environmentOf(dev, spec).STATE_MACHINE_ARN)).toContain(
        ':stateMachine:Orderflow-dev-OrderFulfillment',
      );
    }
    for (const spec of without('startExecution'))
      expect(actions(dev, spec)).not.toContain('states:StartExecution');
  });

  it('lets only task-token holders resume executions', () => {
    for (const spec of withCapability('sendTaskResult'))
      expect(actions(dev, spec)).toContain('states:SendTaskSuccess');
    for (const spec of without('sendTaskResult'))
      expect(actions(dev, spec)).not.toContain('states:SendTaskSuccess');
  });

  it("sends e-mail only from the stage sender, through the configuration set, naming the stage's store", () => {
    for (const spec of withCapability('sendEmail')) {
      const send = statementsOf(prod, spec).find((st) => actionsOf(st).includes('ses:SendEmail'));
      expect(send?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': prod.config.email.sender } });
      expect(environmentOf(prod, spec)).toMatchObject({
        SENDER_EMAIL: prod.config.email.sender,
        STORE_NAME: prod.config.store.name,
        SUPPORT_EMAIL: prod.config.store.supportEmail,
        SUPPORT_URL: prod.config.store.supportUrl,
        SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^NotificationsEmailConfiguration/) as unknown },
        // The generated secret's ARN (its name carries a random suffix), never the value.
        TRACKING_LINK_SECRET_NAME: { Ref: expect.stringMatching(/^SecretsTrackingLinkSecret/) as unknown },
      });
    }
    for (const spec of without('sendEmail')) expect(actions(prod, spec)).not.toContain('ses:SendEmail');
  });

  it('sends SMS to phone numbers only: sns:Publish on anything that is not a topic', () => {
    for (const spec of withCapability('sendSms')) {
      const sms = statementsOf(prod, spec).find((st) => st.NotResource !== undefined);
      expect(sms).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
      expect(JSON.stringify(sms?.NotResource)).toContain(':sns:*:*:*');
    }
    for (const spec of without('sendSms')) {
      expect(statementsOf(prod, spec).some((st) => st.NotResource !== undefined)).toBe(false);
    }
  });

  it('reads provider secrets by name from Secrets Manager, only where the provider is used', () => {
    for (const spec of withCapability('paymentProvider')) {
      expect(environmentOf(prod, spec)).toMatchObject({
        STRIPE_SECRET_NAME: 'orderflow/prod/stripe-api-key',
      });
      expect(environmentOf(dev, spec)).not.toHaveProperty('STRIPE_SECRET_NAME');
    }
    for (const spec of withCapability('carrierProvider')) {
      expect(environmentOf(prod, spec)).toMatchObject({
        EASYPOST_SECRET_NAME: 'orderflow/prod/easypost-api-key',
        SHIP_FROM_ADDRESS: JSON.stringify(prod.config.shipFrom),
      });
    }
    for (const spec of withCapability('webhookSecret')) {
      expect(environmentOf(prod, spec)).toMatchObject({
        WEBHOOK_SECRET_NAME: 'orderflow/prod/easypost-webhook-secret',
      });
    }
    const readsSecrets = (s: Synthesized, spec: FunctionSpec) =>
      actions(s, spec).includes('secretsmanager:GetSecretValue');
    for (const spec of functionCatalog) {
      const needsSecret = spec.capabilities.some((capability) =>
        [
          'paymentProvider',
          'carrierProvider',
          'webhookSecret',
          'paymentWebhookSecret',
          'sendEmail',
          'trackingLinks',
        ].includes(capability),
      );
      expect(readsSecrets(prod, spec), spec.id).toBe(needsSecret);
    }
  });

  it('lets every function that reads a secret read it again within minutes, so a rotated key takes effect', () => {
    const readers = functionCatalog.filter((spec) =>
      actions(prod, spec).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers.length).toBeGreaterThan(0);
    for (const spec of readers) {
      const maxAge = Number(environmentOf(prod, spec).SECRETS_MAX_AGE_SECONDS);
      expect([spec.id, maxAge > 0 && maxAge <= 900]).toEqual([spec.id, true]);
    }
  });

  it('lets only the payment webhook read the Stripe signing secret, by name, and only where Stripe is used', () => {
    // Prepare
    const readers = (s: Synthesized, id: string) =>
      functionCatalog.filter((spec) =>
        statementsOf(s, spec).some(
          (statement) =>
            actionsOf(statement).includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(statement.Resource).includes(id),
        ),
      );

    // Act / Assess: prod imports the operator's secret by name; only the webhook gets it and may read it.
    for (const spec of functionCatalog) {
      const environment = environmentOf(prod, spec);
      if (spec.capabilities.includes('paymentWebhookSecret')) {
        expect(environment).toMatchObject({
          STRIPE_WEBHOOK_SECRET_NAME: 'orderflow/prod/stripe-webhook-secret',
        });
      } else {
        expect(environment, spec.id).not.toHaveProperty('STRIPE_WEBHOOK_SECRET_NAME');
      }
      expect(environment).not.toHaveProperty('STRIPE_WEBHOOK_SECRET');
    }
    expect(readers(prod, 'stripe-webhook-secret').map((spec) => spec.id)).toEqual(['PaymentWebhook']);
    // dev (sandbox payments) takes no payment webhooks: no such secret, no name, nothing to read.
    expect(dev.stack.node.findChild('Secrets').node.tryFindChild('StripeWebhookSecret')).toBeUndefined();
    for (const spec of withCapability('paymentWebhookSecret')) {
      expect(environmentOf(dev, spec)).not.toHaveProperty('STRIPE_WEBHOOK_SECRET_NAME');
      expect(actions(dev, spec)).not.toContain('secretsmanager:GetSecretValue');
    }
  });

  it('gives the API key → principal map to the functions behind keyed routes only', () => {
    for (const spec of functionCatalog) {
      const keyed = (spec.routes ?? []).some((route) => route.auth === 'apiKey');
      expect(Object.keys(environmentOf(dev, spec)).includes('API_KEY_PRINCIPALS'), spec.id).toBe(keyed);
    }
  });
});

describe('the ValidateOrder function', () => {
  it('reads only: no write action on any table, in any stage', () => {
    const spec = functionCatalog.find((candidate) => candidate.id === 'ValidateOrder')!;
    for (const s of [dev, prod]) {
      expect(
        statementsOf(s, spec)
          .flatMap(actionsOf)
          .filter((a) => WRITE_ACTIONS.includes(a)),
      ).toEqual([]);
    }
  });
});
