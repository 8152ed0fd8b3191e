import { failAnswer, OK_ANSWER } from './answer.js';
import type { ResolvedConfig } from './config.js';
import { decideBody, decideQuery, type BodyInput, type CallbackContext } from './core.js';
import { deliver, reportRejection } from './dispatch.js';
import { recallError, RecallWebhookError } from './errors.js';
import { log } from './log.js';
import { andThen, type MaybePromise } from './maybe-promise.js';

/** A request as an adapter hands it over: method, URL, and a way to read the body when asked. */
export interface IncomingCallback {
  readonly method: string | undefined;
  readonly url: string;
  /** Reads the body within the limit and the deadline: the body, or why it could not be read. */
  readonly readBody: (limitBytes: number, timeoutMs: number) => MaybePromise<BodyInput | RecallWebhookError>;
}

export type Outcome =
  /** Not a recall callback: the adapter hands it on untouched. */
  | { readonly kind: 'pass' }
  /** Answer with HTTP 200 and this JSON; `error` is why it is a FAIL, if it is. */
  | { readonly kind: 'answer'; readonly answer: string; readonly error: RecallWebhookError | undefined };

const PASS: Outcome = { kind: 'pass' };
const OK: Outcome = { kind: 'answer', answer: OK_ANSWER, error: undefined };

/**
 * Runs one callback through the whole protocol: query, authentication, body, validation, the
 * listeners, and the answer. Never throws or rejects: every failure becomes a FAIL answer and a
 * `'rejected'` event. Synchronous as long as nothing has to be waited for.
 */
export function receive(config: ResolvedConfig, request: IncomingCallback): MaybePromise<Outcome> {
  return guarded(config, () => {
    const receivedAt = new Date();
    const first = decideQuery(config, request.method, request.url, receivedAt.getTime());
    if (first.kind === 'pass') {
      log('pass: %s', first.reason);
      return PASS;
    }
    if (first.kind === 'reject') return fail(config, first.error);
    const body = request.readBody(config.limitBytes, config.bodyTimeoutMs);
    return andThen(body, (read) => guarded(config, () => afterBody(config, first.context, read, receivedAt)));
  });
}

function afterBody(
  config: ResolvedConfig,
  context: CallbackContext,
  body: BodyInput | RecallWebhookError,
  receivedAt: Date,
): MaybePromise<Outcome> {
  if (body instanceof RecallWebhookError) return fail(config, body);
  const second = decideBody(config, context, body, receivedAt);
  if (second.kind === 'reject') return fail(config, second.error);
  return andThen(deliver(config.emitter, second.event, config.timeoutMs), (failure) => {
    if (failure !== undefined) return fail(config, failure);
    log('recall %s of SdkAppid %d handled', second.event.body.MsgKey, second.event.sdkAppId);
    return OK;
  });
}

// Only code the app supplied can throw in these steps (a custom Ajv keyword, its own emitter).
function guarded(config: ResolvedConfig, step: () => MaybePromise<Outcome>): MaybePromise<Outcome> {
  const internal = (cause: unknown): Outcome =>
    fail(config, recallError('INTERNAL_ERROR', 'the receiver failed', cause));
  try {
    const outcome = step();
    return outcome instanceof Promise ? outcome.catch(internal) : outcome;
  } catch (cause) {
    return internal(cause);
  }
}

function fail(config: ResolvedConfig, error: RecallWebhookError): Outcome {
  log('refused %s: %s', error.code, error.message);
  reportRejection(config.emitter, error);
  return { kind: 'answer', answer: failAnswer(error), error };
}
