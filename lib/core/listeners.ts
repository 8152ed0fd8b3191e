import { refusal, type Refusal } from './errors.js';
import type { Recall } from './decide.js';
import type { RecallEventListeners } from './events.js';
import type { ResolvedConfig } from './config.js';
import { describeCause, type Log } from '../log.js';
import { isFailure, settle, TIMED_OUT, withDeadline, type Done, type Failure } from './async.js';

/**
 * Calls every listener of the recall's event with it and waits for all of them, async ones included,
 * up to `timeoutMs`, then calls `done` with `undefined` when all succeeded, or with the failure
 * that makes the answer FAIL: at once when no listener returned a promise. Never throws: a
 * listener that throws, rejects or settles late is observed here, so nothing becomes an unhandled
 * rejection, and one failing listener does not stop the others.
 */
export function callListeners(
  { emitter, timeoutMs, log }: Pick<ResolvedConfig, 'emitter' | 'timeoutMs' | 'log'>,
  { command, event }: Recall,
  done: Done<Refusal | undefined>,
  // What is left of the request's timeoutMs, after the body and any dedupe claim took their part.
  waitMs = timeoutMs,
): void {
  // rawListeners keeps `once` wrappers, so calling one removes it as `emit` would.
  const name = command.definition.event;
  const listeners = emitter.rawListeners(name);
  const started = performance.now();
  // What the listeners returned: promises to wait for, and failures. Most receivers have one
  // listener that returns nothing, so neither list is made until it has something in it.
  let pending: Promise<unknown>[] | undefined;
  let failures: Failure[] | undefined;
  for (const listener of listeners) {
    // Each listener of this event takes this command's event, as decideBody built it.
    const result = settle(() => (listener as (value: unknown) => unknown).call(emitter, event));
    if (result instanceof Promise) (pending ??= []).push(result);
    else if (isFailure(result)) (failures ??= []).push(result);
  }
  // Synchronous work cannot be interrupted, only measured: a listener that blocked past the
  // deadline answers as late as one that awaited past it, and the sender has given up either way.
  if (pending === undefined) {
    done(elapsed(started) > waitMs ? timedOut(log, timeoutMs) : outcome(name, failures ?? []));
    return;
  }
  const before = failures ?? [];
  void withDeadline(Promise.all(pending), Math.max(0, waitMs - elapsed(started))).then((settled) => {
    done(
      settled === TIMED_OUT || elapsed(started) > waitMs
        ? timedOut(log, timeoutMs)
        : outcome(name, [...before, ...settled.filter(isFailure)]),
    );
  });
}

function elapsed(since: number): number {
  return performance.now() - since;
}

function timedOut(log: Log, timeoutMs: number): Refusal {
  log('listeners still running after %d ms', timeoutMs);
  return refusal('LISTENER_TIMEOUT', `listeners did not finish within ${String(timeoutMs)} ms`);
}

function outcome(event: string, failures: readonly Failure[]): Refusal | undefined {
  const first = failures[0];
  if (first === undefined) return undefined;
  const count = failures.length === 1 ? `a ${event} listener` : `${String(failures.length)} ${event} listeners`;
  return refusal('LISTENER_FAILED', `${count} failed`, first.cause);
}

/**
 * Emits `'rejected'` or `'duplicate'`, events for logging and metrics: nothing a listener does can
 * change or break the answer, or the process. Each listener is called as `emit` would call it, but
 * here, so that a throw is caught and a promise it returns is observed: `emit` ignores a rejected
 * promise (an unhandled rejection ends the process) or, on an emitter created with
 * `captureRejections: true`, turns it into an `'error'` event that ends the process when nobody
 * listens. Failures are logged; a listener that never settles is not waited for. What the event
 * carries is made by `argsOf`, and only when someone listens: a `RecallWebhookError` captures a
 * stack, which was the largest cost of a refused request.
 */
export function report<E extends 'rejected' | 'duplicate'>(
  { emitter, log }: Pick<ResolvedConfig, 'emitter' | 'log'>,
  event: E,
  argsOf: () => Parameters<RecallEventListeners[E]>,
): void {
  try {
    // rawListeners keeps `once` wrappers, so calling one removes it as `emit` would.
    const listeners = emitter.rawListeners(event);
    if (listeners.length === 0) return;
    const args = argsOf();
    for (const listener of listeners) {
      const result = settle(() => (listener as (...values: unknown[]) => unknown).apply(emitter, args));
      if (result instanceof Promise) {
        void result.then((settled) => {
          if (isFailure(settled)) reportFailed(log, event, settled.cause);
        });
      } else if (isFailure(result)) reportFailed(log, event, result.cause);
    }
  } catch (cause) {
    // Only an emitter of the app's own whose rawListeners is broken gets here.
    reportFailed(log, event, cause);
  }
}

function reportFailed(log: Log, event: string, cause: unknown): void {
  log('a %s listener failed: %s', event, describeCause(cause));
}
