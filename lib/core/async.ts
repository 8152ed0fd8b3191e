// Calling code that the app supplies (listeners, a dedupe store, an emitter of its own), which may
// throw, reject, return anything or never settle, without a try/catch at every call site and with
// no rejection left unhandled.

/** Where a step's result goes. Called once; must not throw. */
export type Done<T> = (result: T) => void;

/** What a call that threw or rejected left behind. */
export class Failure {
  constructor(readonly cause: unknown) {}
}

export function isFailure(value: unknown): value is Failure {
  return value instanceof Failure;
}

/** The call's outcome: a value, a `Failure`, or a promise that resolves to one of those. */
export function settle(call: () => unknown): unknown {
  try {
    const result = call();
    if (isThenable(result)) return Promise.resolve(result).then(undefined, (cause: unknown) => new Failure(cause));
    return result;
  } catch (cause) {
    return new Failure(cause);
  }
}

/** An async call's result, or a `Failure`; the promise never rejects. */
export function attempt<T>(call: () => PromiseLike<T>): Promise<T | Failure> {
  return Promise.resolve(settle(call) as T | Failure | Promise<T | Failure>);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export const TIMED_OUT = Symbol('timed out');

/** `work`'s result, or `TIMED_OUT` if it has not settled within `ms`; the timer never outlives the race. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The milliseconds left until `deadline` (on `performance.now()`'s clock), at least 1: a step
 * started just before the deadline still gets its synchronous work measured, not skipped.
 */
export function timeLeft(deadline: number): number {
  return Math.max(1, deadline - performance.now());
}
