// Synthesizes one stage the way `cdk synth -c stage=<stage>` does (same app builder, cdk-nag included), minus the
// slow parts that do not change the template: no esbuild bundling and no built-in CloudFormation schema check.
// A cdk-nag finding without an acknowledgement makes `synthesize` throw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildOrderflowApp } from '../../lib/app';
import { loadStageConfig, type StageConfig, type StageName } from '../../lib/config';
import type { OrderflowStack } from '../../lib/orderflow-stack';

export interface Synthesized {
  config: StageConfig;
  stack: OrderflowStack;
  template: Template;
  /** The raw template, for walking resources. */
  json: { Resources: Record<string, CfnResourceJson> };
  /** Removes the temporary cloud assembly. */
  cleanup(): void;
}

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

/** App props that skip esbuild bundling for every stack and the built-in schema validation. */
export const fastAppProps = (stage: string) => ({
  context: { stage, 'aws:cdk:bundling-stacks': [] },
  outdir: mkdtempSync(join(tmpdir(), 'orderflow-cdk-')),
  builtinCloudFormationValidation: false,
});

export const synthesize = (stage: StageName): Synthesized => {
  const props = fastAppProps(stage);
  const app = new App(props);
  const stack = buildOrderflowApp(app);
  app.synth();
  const template = Template.fromStack(stack);
  return {
    config: loadStageConfig(stage),
    stack,
    template,
    json: template.toJSON() as Synthesized['json'],
    cleanup: () => rmSync(props.outdir, { recursive: true, force: true }),
  };
};

/** The logical id CloudFormation knows a construct's resource by. */
export const logicalId = (stack: Stack, resource: { node: { defaultChild?: unknown } } | object): string => {
  const cfn = 'node' in resource && resource.node.defaultChild ? resource.node.defaultChild : resource;
  return stack.getLogicalId(cfn as Parameters<Stack['getLogicalId']>[0]);
};
