import { failAnswer, OK_ANSWER } from '../protocol/answer.js';
import type { ResolvedConfig } from './config.js';
import type { TimerQueue } from './timer-queue.js';
import { decideBody, decideQuery, type BodyInput, type CallbackContext, type RequestHead } from './decide.js';
import { isIP } from 'node:net';
import { callListenersOnce } from './dedupe.js';
import { callListeners, report, type Done } from './listeners.js';
import { recallError, RecallWebhookError } from './errors.js';
import { describeCause, log, logging } from '../log.js';
import { recallIdentity, type RecallCommand } from '../protocol/commands.js';

// The request path passes continuations rather than promises: where nothing has to wait (a
// refused query, a parsed body, listeners that return nothing) the answer is written in the same
// turn as the event that completed the request. A promise per step cost measurably more CPU per
// request under load.

/** A request as an adapter hands it over: method, URL, peer address, and a way to read the body when asked. */
export interface IncomingCallback extends RequestHead {
  /**
   * Reads the body within the limit and a deadline taken from `deadlines`, then calls `done` once
   * with it or with why it could not be read.
   */
  readonly readBody: (limitBytes: number, deadlines: TimerQueue, done: Done<BodyInput | RecallWebhookError>) => void;
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
 * listeners, and the answer, which goes to `respond` exactly once. Never throws: every failure
 * becomes a FAIL answer and a `'rejected'` event.
 */
export function receive(config: ResolvedConfig, request: IncomingCallback, respond: Done<Outcome>): void {
  // Only an IP address is a peer's address. What an adapter was told (a header that the app's
  // `trust proxy` believed, the app's own remoteAddress function) may be any text, which must
  // reach neither allowFrom, which then refuses, nor an event.
  const given = request.remoteAddress;
  const remoteAddress = given !== undefined && isIP(given) !== 0 ? given : undefined;
  const head: RequestHead = { method: request.method, url: request.url, remoteAddress };
  // The command, once the query named one of ours: every refusal after that is of that command.
  let command: RecallCommand | undefined;
  const refuse = (error: RecallWebhookError): Outcome => {
    error.remoteAddress = remoteAddress;
    error.command = command;
    const from = remoteAddress ?? 'an unknown address';
    // A body refused after the query's checks names its field: the sign of what Tencent sends new.
    if (error.field === undefined) log('refused %s from %s: %s', error.code, from, error.message);
    else log('refused %s from %s, field %s: %s', error.code, from, JSON.stringify(error.field), error.message);
    report(config.emitter, 'rejected', error);
    // `CODE: reason`: the code is what the console's callback monitoring shows first.
    return { kind: 'answer', answer: failAnswer(`${error.code}: ${error.message}`), error };
  };
  guarded(respond, refuse, (reply) => {
    const receivedAt = new Date();
    const first = decideQuery(config, head, receivedAt.getTime());
    if (first.kind === 'pass') {
      log('pass: %s', first.reason);
      reply(PASS);
    } else if (first.kind === 'reject') {
      command = first.command.definition.command;
      reply(refuse(first.error));
    } else {
      command = first.context.command.definition.command;
      request.readBody(config.limitBytes, config.bodyDeadlines, (body) => {
        guarded(respond, refuse, (replyAfterBody) => {
          afterBody(config, first.context, body, receivedAt, replyAfterBody, refuse);
        });
      });
    }
  });
}

function afterBody(
  config: ResolvedConfig,
  context: CallbackContext,
  body: BodyInput | RecallWebhookError,
  receivedAt: Date,
  reply: Done<Outcome>,
  refuse: (error: RecallWebhookError) => Outcome,
): void {
  if (body instanceof RecallWebhookError) {
    reply(refuse(body));
    return;
  }
  const second = decideBody(context, body, receivedAt);
  if (second.kind === 'reject') {
    reply(refuse(second.error));
    return;
  }
  const handled = (failure: RecallWebhookError | undefined): void => {
    if (failure !== undefined) {
      reply(refuse(failure));
      return;
    }
    if (logging())
      log('%s %s of SdkAppid %d handled', second.event.command, recallIdentity(second.event), second.event.sdkAppId);
    reply(OK);
  };
  if (config.dedupe === undefined) callListeners(config.emitter, second, config.timeoutMs, handled);
  else callListenersOnce(config, config.dedupe, second, handled);
}

/**
 * Runs a step, answering INTERNAL_ERROR if it throws before it answered: only code the app
 * supplied can throw there (a custom Ajv keyword, its own emitter). Adapters' `respond` does not
 * throw; if one did after answering, it is logged rather than answered twice, since this may run
 * inside a stream's event where a throw would end the process.
 */
function guarded(
  respond: Done<Outcome>,
  refuse: (error: RecallWebhookError) => Outcome,
  step: (reply: Done<Outcome>) => void,
): void {
  const state = { replied: false };
  try {
    step((outcome) => {
      state.replied = true;
      respond(outcome);
    });
  } catch (cause) {
    if (state.replied) {
      log('responding threw: %s', describeCause(cause));
      return;
    }
    respond(refuse(recallError('INTERNAL_ERROR', 'the receiver failed', cause)));
  }
}
