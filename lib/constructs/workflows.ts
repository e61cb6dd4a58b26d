// The Step Functions (Standard) state machines, one per statemachines/*.asl.json: the very files the local engine
// runs, loaded with DefinitionBody.fromFile and `${<Id>FunctionArn}` substituted from the catalog. The role may
// invoke exactly the Lambdas the definition names. Logs: errors only, without execution data (payloads are ids, but
// errors can quote them); X-Ray tracing on.
//
// Each machine's name is derived from the stack name, so its ARN is known before it exists: functions that start
// or resume executions get that ARN without a dependency on the machine, which itself depends on them.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { definitionSubstitutions, type WorkflowDefinition } from '../../catalog/workflows';
import type { OrderFunctions } from './order-functions';

export interface WorkflowsProps {
  definitions: readonly WorkflowDefinition[];
  functions: OrderFunctions;
  logRetention: RetentionDays;
  retainLogs: boolean;
}

/** The physical name of a workflow's state machine: `<stack name>-<workflow id>`. */
export const stateMachineName = (scope: Construct, workflowId: string): string =>
  `${Stack.of(scope).stackName}-${workflowId}`;

/** The ARN a workflow's state machine will have, usable before (and without depending on) the machine. */
export const stateMachineArn = (scope: Construct, workflowId: string): string =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(scope, workflowId),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

export class Workflows extends Construct {
  readonly stateMachines = new Map<string, StateMachine>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const definition of props.definitions) {
      const name = stateMachineName(this, definition.id);
      const logGroup = new LogGroup(this, `${definition.id}Logs`, {
        // The vended-logs prefix keeps Step Functions under the CloudWatch Logs resource-policy size limit.
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: props.logRetention,
        removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      const functions = definition.functions.map((spec) => ({ spec, fn: props.functions.get(spec.id) }));
      const stateMachine = new StateMachine(this, definition.id, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromFile(definition.file),
        definitionSubstitutions: definitionSubstitutions(
          definition,
          (spec) => props.functions.get(spec.id).functionArn,
        ),
        tracingEnabled: true,
        logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      });
      if (functions.length > 0) {
        stateMachine.addToRolePolicy(
          new PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: functions.map(({ fn }) => fn.functionArn),
          }),
        );
      }
      acknowledge(
        stateMachine.role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery ' +
          '(logs:CreateLogDelivery and friends) support no resource-level permissions.',
      );
      acknowledge(
        stateMachine.node.defaultChild!,
        'AwsSolutions-SF1',
        'Logging is deliberately ERROR-level without execution data: inputs and outputs must never reach logs, ' +
          'and every transition is already in the execution history and X-Ray.',
      );
      this.stateMachines.set(definition.id, stateMachine);
    }
  }
}
