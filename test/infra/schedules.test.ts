// Scheduled functions: the intake sweep (every minute) and parcel reconciliation (every 30 minutes) run on
// EventBridge Scheduler, each under a role that may invoke that one function and nothing else, and a missed run is
// left to the next one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import { logicalId, synthesize, type Synthesized } from './synth';
import { actionsOf, asArray, referencedIds, resourcesOfType, statementsOfRole } from './template-queries';

let prod: Synthesized;

beforeAll(() => {
  prod = synthesize('prod');
});

afterAll(() => prod?.cleanup());

const scheduled = functionCatalog.filter((spec) => spec.schedule);

describe('the schedules', () => {
  it('include the intake sweep and parcel reconciliation', () => {
    expect(scheduled.map((spec) => spec.id)).toEqual(
      expect.arrayContaining(['IntakeSweep', 'ReconcileParcels']),
    );
  });

  it.each(scheduled.map((spec) => [spec.id, spec] as const))(
    'run %s at its rate, once per run, as a role that may only invoke it',
    (_, spec) => {
      const functionId = logicalId(prod.stack, prod.stack.functions.orderFunction(spec.id).function);
      const schedules = resourcesOfType(prod.json.Resources, 'AWS::Scheduler::Schedule').filter(([, s]) =>
        referencedIds((s.Properties?.Target as { Arn: unknown }).Arn).has(functionId),
      );
      expect(schedules).toHaveLength(1);
      const properties = schedules[0]![1].Properties as {
        ScheduleExpression: string;
        Target: { RoleArn: unknown; RetryPolicy: { MaximumRetryAttempts: number } };
      };
      const minutes = spec.schedule!.everyMinutes;
      expect(properties.ScheduleExpression).toBe(`rate(${minutes} minute${minutes === 1 ? '' : 's'})`);
      expect(properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);

      const [roleId] = [...referencedIds(properties.Target.RoleArn)];
      const statements = statementsOfRole(prod.json.Resources, roleId!);
      expect(statements.flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
      expect(statements.flatMap((s) => asArray(s.Resource))).toEqual([{ 'Fn::GetAtt': [functionId, 'Arn'] }]);
    },
  );
});
