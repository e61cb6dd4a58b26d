// The workflow part: starting executions and resuming the ones parked on a task token (Step Functions).
import { SFNClient } from '@aws-sdk/client-sfn';
import { sdkWorkflow } from '../../adapters/workflow';
import type { WorkflowDeps } from '../deps';
import { clientOf, type Part } from './part';

export const workflowPart: Part<WorkflowDeps> = (context) => ({
  workflow: sdkWorkflow(
    clientOf(context, 'sfn', () => new SFNClient({})),
    context.config.stateMachineArn,
    context.config.returnStateMachineArn,
  ),
});
