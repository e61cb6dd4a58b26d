// cdk-nag (AwsSolutions) on every synth, and the one way this project acknowledges a finding: next to the
// resource it concerns, with the reason. Acknowledgements are also written into the template's metadata
// (`cdk_nag.rules_to_suppress`) so that what was accepted, and why, can be audited from what was deployed.
import { Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the AwsSolutions checks during synthesis; any unacknowledged finding fails the synth. */
export const addNagChecks = (scope: Stage): void => {
  Validations.of(scope).addPlugins(
    new AwsSolutionsChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
};

/**
 * Acknowledges one cdk-nag finding on `scope` and everything below it. `id` is the rule id, with the finding in
 * brackets for rules that report several (`AwsSolutions-IAM5[Resource::*]`). The reason is mandatory.
 */
export const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  if (reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
};
