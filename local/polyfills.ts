// Node 20 lacks Promise.withResolvers (Node 22 has it); the local Step Functions engine needs it.
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promiseWithResolvers = <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const promiseConstructor = Promise as unknown as { withResolvers?: typeof promiseWithResolvers };
promiseConstructor.withResolvers ??= promiseWithResolvers;

// Node fires a timer of more than 2^31−1 ms (24.8 days) at once, with a TimeoutOverflowWarning. The local Step
// Functions engine arms a Task's timeout with one setTimeout, so with days of a real length a wait of weeks (an
// authorization valid until its `capture_before`, a 30-day return window) would end at once instead of at its
// deadline. Longer timers are therefore armed in steps; clearTimeout on the handle returned cancels whichever step
// is armed.
const MAX_TIMER_MS = 2 ** 31 - 1;
const nativeSetTimeout = globalThis.setTimeout;
const nativeClearTimeout = globalThis.clearTimeout;
/** The step armed now, by the handle the caller holds (the first step's). */
const armedSteps = new WeakMap<object, NodeJS.Timeout>();

const setLongTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  if (typeof ms !== 'number' || ms <= MAX_TIMER_MS) return nativeSetTimeout(callback, ms, ...args);
  const arm = (left: number): NodeJS.Timeout =>
    nativeSetTimeout(
      () => {
        if (left <= MAX_TIMER_MS) return callback(...args);
        armedSteps.set(handle, arm(left - MAX_TIMER_MS));
      },
      Math.min(left, MAX_TIMER_MS),
    );
  const handle = arm(ms);
  armedSteps.set(handle, handle);
  return handle;
};

const clearLongTimeout = (handle?: string | number | NodeJS.Timeout) => {
  const armed = typeof handle === 'object' ? armedSteps.get(handle) : undefined;
  if (armed && armed !== handle) nativeClearTimeout(armed);
  nativeClearTimeout(handle);
};

globalThis.setTimeout = Object.assign<typeof setLongTimeout, typeof setTimeout>(
  setLongTimeout,
  nativeSetTimeout,
);
globalThis.clearTimeout = clearLongTimeout;
