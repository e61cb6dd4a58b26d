// The catalog's scheduled functions, run locally as EventBridge Scheduler runs them in AWS: every few minutes,
// with `{}` as the event. A run that fails is logged; the next run does the same work.
import type { FunctionSpec } from '../catalog/functions';
import type { LambdaRuntime } from './lambda-runtime';

export interface LocalSchedules {
  stop(): void;
}

export const startSchedules = (catalog: readonly FunctionSpec[], lambdas: LambdaRuntime): LocalSchedules => {
  const timers = catalog
    .filter((spec) => spec.schedule)
    .map((spec) => {
      const timer = setInterval(
        () => {
          lambdas.invoke(spec.id, {}).catch((error: unknown) => {
            console.error(`scheduled ${spec.id} failed`, error);
          });
        },
        (spec.schedule?.everyMinutes ?? 1) * 60_000,
      );
      timer.unref();
      return timer;
    });
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
};
