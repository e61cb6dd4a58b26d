// The functions of catalog/functions.ts that run on a schedule, each on an EventBridge Scheduler schedule with
// a role of its own that may invoke that one function (no versions or aliases). A missed run is not retried: the
// next run does the same work, since each scheduled function is a sweep.
import { Aws, Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Schedule,
  ScheduleExpression,
  type IScheduleTarget,
  type ScheduleTargetConfig,
} from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../catalog/functions';
import type { OrderFunctions } from './order-functions';

export interface SchedulesProps {
  catalog: readonly FunctionSpec[];
  functions: OrderFunctions;
}

/** Invokes one function with `{}`, once per run, under a role that may invoke nothing else. */
class InvokeFunction extends Construct implements IScheduleTarget {
  private readonly role: Role;

  constructor(
    scope: Construct,
    id: string,
    private readonly fn: IFunction,
  ) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge Scheduler: invokes one Orderflow function',
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
  }

  bind(): ScheduleTargetConfig {
    return {
      arn: this.fn.functionArn,
      role: this.role,
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
    };
  }
}

export class Schedules extends Construct {
  readonly schedules = new Map<string, Schedule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const spec of props.catalog) {
      if (!spec.schedule) continue;
      const schedule = new Schedule(this, spec.id, {
        description: `Orderflow ${spec.id}: ${spec.description}`,
        schedule: ScheduleExpression.rate(Duration.minutes(spec.schedule.everyMinutes)),
        target: new InvokeFunction(this, `${spec.id}Target`, props.functions.get(spec.id)),
      });
      this.schedules.set(spec.id, schedule);
    }
  }
}
