import { recallError, type RecallWebhookError } from './errors.js';
import type { Recall } from './decide.js';
import type { RecallEmitter, RecallEventListeners } from './events.js';
import { describeCause, log } from '../log.js';

/** Where a step's result goes. Called once; must not throw. */
export type Done<T> = (result: T) => void;

/**
 * Calls every listener of the recall's event with it and waits for all of them, async ones included,
 * up to `timeoutMs`, then calls `done` with `undefined` when all succeeded, or with the failure
 * that makes the answer FAIL: at once when no listener returned a promise. Never throws: a
 * listener that throws, rejects or settles late is observed here, so nothing becomes an unhandled
 * rejection, and one failing listener does not stop the others.
 */
export function callListeners(
  emitter: RecallEmitter,
  { command, event }: Recall,
  timeoutMs: number,
  done: Done<RecallWebhookError | undefined>,
  // What is left of timeoutMs when part of it went elsewhere (a dedupe claim).
  waitMs = timeoutMs,
): void {
  // rawListeners keeps `once` wrappers, so calling one removes it as `emit` would.
  const name = command.definition.event;
  const listeners = emitter.rawListeners(name);
  const started = Date.now();
  // Each listener of this event takes this command's event, as decideBody built it.
  const results = listeners.map((listener) =>
    settle(() => (listener as (value: unknown) => unknown).call(emitter, event)),
  );
  const pending = results.filter((result): result is Promise<unknown> => result instanceof Promise);
  const failures = results.filter(isFailure);
  // Synchronous work cannot be interrupted, only measured: a listener that blocked past the
  // deadline answers as late as one that awaited past it, and the sender has given up either way.
  const late = (): boolean => Date.now() - started > waitMs;
  const timedOut = (): RecallWebhookError => {
    log('listeners still running after %d ms', timeoutMs);
    return recallError('LISTENER_TIMEOUT', `listeners did not finish within ${String(timeoutMs)} ms`);
  };
  if (pending.length === 0) {
    done(late() ? timedOut() : outcome(name, failures));
    return;
  }
  void withDeadline(Promise.all(pending), Math.max(0, waitMs - (Date.now() - started))).then((settled) => {
    done(settled === TIMED_OUT || late() ? timedOut() : outcome(name, [...failures, ...settled.filter(isFailure)]));
  });
}

function outcome(event: string, failures: readonly Failure[]): RecallWebhookError | undefined {
  const first = failures[0];
  if (first === undefined) return undefined;
  const count = failures.length === 1 ? `a ${event} listener` : `${String(failures.length)} ${event} listeners`;
  return recallError('LISTENER_FAILED', `${count} failed`, first.cause);
}

/**
 * Emits `'rejected'` or `'duplicate'`, events for logging and metrics: nothing a listener does can
 * change or break the answer, or the process. Each listener is called as `emit` would call it, but
 * here, so that a throw is caught and a promise it returns is observed: `emit` ignores a rejected
 * promise (an unhandled rejection ends the process) or, on an emitter created with
 * `captureRejections: true`, turns it into an `'error'` event that ends the process when nobody
 * listens. Failures are logged; a listener that never settles is not waited for.
 */
export function report<E extends 'rejected' | 'duplicate'>(
  emitter: RecallEmitter,
  event: E,
  ...args: Parameters<RecallEventListeners[E]>
): void {
  const failed = (cause: unknown): void => {
    log('a %s listener failed: %s', event, describeCause(cause));
  };
  try {
    // rawListeners keeps `once` wrappers, so calling one removes it as `emit` would.
    for (const listener of emitter.rawListeners(event)) {
      const result = settle(() => (listener as (...values: unknown[]) => unknown).apply(emitter, args));
      if (result instanceof Promise) {
        void result.then((settled) => {
          if (isFailure(settled)) failed(settled.cause);
        });
      } else if (isFailure(result)) failed(result.cause);
    }
  } catch (cause) {
    // Only an emitter of the app's own whose rawListeners is broken gets here.
    failed(cause);
  }
}

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
