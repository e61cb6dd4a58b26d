// The catalog's scheduled functions, run locally as EventBridge Scheduler runs them in AWS: every few minutes,
// with `{}` as the event. A run that fails is logged; the next run does the same work. A period in business time
// is scaled by the day's length, as every business duration is locally, but never below a second.
import type { FunctionSpec } from '../catalog/functions';
import type { LambdaRuntime } from './lambda-runtime';

export interface LocalSchedules {
  stop(): void;
}

/** Milliseconds between two local runs of a scheduled function. */
export const localPeriodMs = (
  schedule: NonNullable<FunctionSpec['schedule']>,
  daySeconds: number,
): number => {
  const ms = schedule.everyMinutes * 60_000;
  return schedule.businessTime ? Math.max(1_000, Math.round((ms * daySeconds) / 86_400)) : ms;
};

export const startSchedules = (
  catalog: readonly FunctionSpec[],
  lambdas: LambdaRuntime,
  daySeconds: number,
): LocalSchedules => {
  const timers = catalog
    .filter((spec) => spec.schedule)
    .map((spec) => {
      const timer = setInterval(
        () => {
          lambdas.invoke(spec.id, {}).catch((error: unknown) => {
            console.error(`scheduled ${spec.id} failed`, error);
          });
        },
        localPeriodMs(spec.schedule!, daySeconds),
      );
      timer.unref();
      return timer;
    });
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
};
