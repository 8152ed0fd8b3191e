// A call's outcome as a value: code the app supplies (listeners, a dedupe store) may throw,
// reject or return, and each becomes something to inspect rather than an exception to catch
// at every call site or a rejection that goes unhandled.

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
