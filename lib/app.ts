// Builds the CDK app of one stage: the `Orderflow-<stage>` stack from its checked config, with cdk-nag's
// AwsSolutions checks attached. bin/orderflow.ts and the infrastructure tests both go through here, so the tests
// synthesize exactly what `cdk synth` does.
import type { App } from 'aws-cdk-lib';
import { loadStageConfig, type StageConfig } from './config';
import { addNagChecks } from './nag';
import { OrderflowStack } from './orderflow-stack';

export const stackName = (config: StageConfig): string => `Orderflow-${config.stage}`;

/** Adds the stack of the stage named by the `stage` context value (`-c stage=dev`) to `app`. */
export const buildOrderflowApp = (app: App): OrderflowStack => {
  const config = loadStageConfig(app.node.tryGetContext('stage'));
  const stack = new OrderflowStack(app, stackName(config), {
    config,
    description: `Orderflow (${config.stage}): order-fulfillment workflow on Step Functions, Lambda and DynamoDB`,
    // Without an account and region in the config the stack is environment-agnostic (synth needs no credentials).
    ...(config.env ? { env: config.env } : {}),
    tags: { application: 'orderflow', stage: config.stage },
    terminationProtection: config.terminationProtection,
  });
  addNagChecks(app);
  return stack;
};
