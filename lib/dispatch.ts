import { recallError, type RecallWebhookError } from './errors.js';
import type { RecallEmitter, RecallEvent } from './events.js';
import { TIMED_OUT, withDeadline } from './deadline.js';
import { describeCause, log } from './log.js';
import type { Done } from './receive.js';

/**
 * Calls every `'recall'` listener with the event and waits for all of them, async ones included,
 * up to `timeoutMs`, then calls `done` with `undefined` when all succeeded, or with the failure
 * that makes the answer FAIL: at once when no listener returned a promise. Never throws: a
 * listener that throws, rejects or settles late is observed here, so nothing becomes an unhandled
 * rejection, and one failing listener does not stop the others.
 */
export function deliver(
  emitter: RecallEmitter,
  event: RecallEvent,
  timeoutMs: number,
  done: Done<RecallWebhookError | undefined>,
): void {
  // rawListeners keeps `once` wrappers, so calling one removes it as `emit` would.
  const listeners = emitter.rawListeners('recall');
  const results = listeners.map((listener) => settle(() => listener.call(emitter, event)));
  const pending = results.filter((result): result is Promise<unknown> => result instanceof Promise);
  const failures = results.filter(isFailure);
  if (pending.length === 0) {
    done(outcome(failures));
    return;
  }
  void withDeadline(Promise.all(pending), timeoutMs).then((settled) => {
    if (settled === TIMED_OUT) {
      log('listeners still running after %d ms', timeoutMs);
      done(recallError('LISTENER_TIMEOUT', `listeners did not finish within ${String(timeoutMs)} ms`));
    } else {
      done(outcome([...failures, ...settled.filter(isFailure)]));
    }
  });
}

function outcome(failures: readonly Failure[]): RecallWebhookError | undefined {
  const first = failures[0];
  if (first === undefined) return undefined;
  const count = failures.length === 1 ? 'a recall listener' : `${String(failures.length)} recall listeners`;
  return recallError('LISTENER_FAILED', `${count} failed`, first.cause);
}

class Failure {
  constructor(readonly cause: unknown) {}
}

function isFailure(value: unknown): value is Failure {
  return value instanceof Failure;
}

/** A listener's outcome: a value, a `Failure`, or a promise that resolves to one of those. */
function settle(call: () => unknown): unknown {
  try {
    const result = call();
    if (isThenable(result)) return Promise.resolve(result).then(undefined, (cause: unknown) => new Failure(cause));
    return result;
  } catch (cause) {
    return new Failure(cause);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Emits `'rejected'`; a listener that throws is logged, never allowed to break the answer. */
export function reportRejection(emitter: RecallEmitter, error: RecallWebhookError): void {
  try {
    emitter.emit('rejected', error);
  } catch (cause) {
    log('a rejected listener threw: %s', describeCause(cause));
  }
}

/** Emits `'duplicate'`; a listener that throws is logged, as for `'rejected'`. */
export function reportDuplicate(emitter: RecallEmitter, event: RecallEvent): void {
  try {
    emitter.emit('duplicate', event);
  } catch (cause) {
    log('a duplicate listener threw: %s', describeCause(cause));
  }
}
