// One stack per stage, from a checked config; cdk-nag on every synth with nothing left unacknowledged, and every
// acknowledgement carrying its reason.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { App, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrderflowApp } from '../../lib/app';
import { loadStageConfig, stageNames, StageConfigError, type StageName } from '../../lib/config';
import { stageConfigSchema } from '../../lib/config/stage-config';
import { stages } from '../../lib/config/stages';
import { addNagChecks } from '../../lib/nag';
import { OrderflowStack } from '../../lib/orderflow-stack';
import { projectRoot } from '../../catalog/paths';
import { fastAppProps, synthesize, type Synthesized } from './synth';

/** Every cdk-nag rule this project acknowledges somewhere; a new one is a reviewed change to this list. */
const ACKNOWLEDGED_RULES = [
  'AwsSolutions-APIG3', // dev only: no WAF
  'AwsSolutions-APIG4',
  'AwsSolutions-COG4',
  'AwsSolutions-DDB3', // dev only: no PITR
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-L1',
  'AwsSolutions-SF1',
  'AwsSolutions-SMG4',
  'AwsSolutions-SQS3',
];

const synthesized = new Map<StageName, Synthesized>();

beforeAll(() => {
  for (const stage of stageNames) synthesized.set(stage, synthesize(stage));
});

afterAll(() => {
  for (const s of synthesized.values()) s.cleanup();
});

const acknowledgements = (s: Synthesized): { resource: string; id: string; reason: string }[] =>
  Object.entries(s.json.Resources).flatMap(([resource, { Metadata }]) => {
    const nag = Metadata?.cdk_nag as { rules_to_suppress?: { id: string; reason: string }[] } | undefined;
    return (nag?.rules_to_suppress ?? []).map((rule) => ({ resource, ...rule }));
  });

describe('stage config', () => {
  it('rejects a missing stage with the stages to choose from', () => {
    expect(() => loadStageConfig(undefined)).toThrow(StageConfigError);
    expect(() => loadStageConfig(undefined)).toThrow(/No stage given; pass one of dev, staging, prod/);
  });

  it('rejects an unknown stage by name', () => {
    expect(() => loadStageConfig('qa')).toThrow(/Unknown stage "qa"; pass one of dev, staging, prod/);
  });

  it('rejects a sender outside its SES identity, naming the field', () => {
    const dev = stages.dev;
    const result = stageConfigSchema.safeParse({
      ...dev,
      email: { ...dev.email, sender: 'orders@elsewhere.example' },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['email', 'identity']);
  });

  it('rejects a support page customers would open over plain HTTP, naming the field', () => {
    const prod = stages.prod;
    const result = stageConfigSchema.safeParse({
      ...prod,
      store: { ...prod.store, supportUrl: 'http://shop.example/help' },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['store', 'supportUrl']);
  });

  it('rejects Stripe payments without the secret name of their webhook signing secret, naming the field', () => {
    const prod = stages.prod;
    const result = stageConfigSchema.safeParse({
      ...prod,
      providers: {
        ...prod.providers,
        payment: { kind: 'stripe', apiKeySecretName: 'orderflow/prod/stripe-api-key' },
      },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['providers', 'payment', 'webhookSecretName']);
  });

  it('stops the CDK app with that message and a non-zero exit code', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/orderflow.ts'], {
      cwd: projectRoot,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'qa' }) },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Unknown stage "qa"/) as unknown,
    });
  });
});

describe.each(stageNames)('the %s stage', (stage) => {
  it('is the stack Orderflow-<stage>, environment-agnostic unless the config pins one', () => {
    const { stack, config } = synthesized.get(stage)!;
    expect(stack.stackName).toBe(`Orderflow-${stage}`);
    expect(config.env).toBeUndefined();
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  it('passes the AwsSolutions checks, acknowledging only the reviewed rules, each with its reason', () => {
    const found = acknowledgements(synthesized.get(stage)!);
    expect(found.length).toBeGreaterThan(0);
    for (const { id, reason } of found) {
      expect(ACKNOWLEDGED_RULES).toContain(id);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});

describe('stack hygiene', () => {
  it('protects the prod stack from deletion, and only prod', () => {
    expect(synthesized.get('prod')!.stack.terminationProtection).toBe(true);
    expect(synthesized.get('staging')!.stack.terminationProtection).toBe(false);
    expect(synthesized.get('dev')!.stack.terminationProtection).toBe(false);
  });

  it('leaves the account-wide API Gateway setting to be set once, so two stages in one account never fight', () => {
    for (const s of synthesized.values()) {
      s.template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(s.config.api.ownsAccountCloudWatchRole).toBe(false);
    }
  });

  it('creates and keeps that setting in the one stage that owns it, with cdk-nag passing', () => {
    const config = loadStageConfig('dev');
    const app = new App(fastAppProps('dev'));
    const stack = new OrderflowStack(app, 'Orderflow-dev', {
      config: { ...config, api: { ...config.api, ownsAccountCloudWatchRole: true } },
    });
    addNagChecks(app);
    app.synth();

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const accounts = Object.values(template.findResources('AWS::ApiGateway::Account'));
    expect(accounts[0]).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('cdk-nag', () => {
  it('fails the synth on an unacknowledged finding', () => {
    const app = new App(fastAppProps('dev'));
    const stack = buildOrderflowApp(app);
    new Topic(stack, 'UnencryptedTopic');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });

  it('acknowledges the missing WAF and point-in-time recovery in dev only', () => {
    const ids = (stage: StageName) => new Set(acknowledgements(synthesized.get(stage)!).map(({ id }) => id));
    expect(ids('dev')).toContain('AwsSolutions-APIG3');
    expect(ids('dev')).toContain('AwsSolutions-DDB3');
    for (const stage of ['staging', 'prod'] as const) {
      expect(ids(stage)).not.toContain('AwsSolutions-APIG3');
      expect(ids(stage)).not.toContain('AwsSolutions-DDB3');
    }
  });
});
