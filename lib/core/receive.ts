import { failAnswer, OK_ANSWER } from '../protocol/answer.js';
import type { ResolvedConfig } from './config.js';
import type { TimerQueue } from './timer-queue.js';
import {
  decideBody,
  decideQuery,
  type BodyInput,
  type CallbackContext,
  type Recall,
  type RequestHead,
} from './decide.js';
import { ipVersion } from '../protocol/ip.js';
import { callListenersOnce } from './dedupe.js';
import { callListeners, report } from './listeners.js';
import { timeLeft, type Done } from './async.js';
import { isRefusal, refusal, RecallWebhookError, type Refusal } from './errors.js';
import { describeCause } from '../log.js';
import { recallIdentity, type RecallCommand } from '../protocol/commands.js';
import type { AnyRecallEvent } from './events.js';
import { attachVerified, type VerifiedCallback } from './verified.js';

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
  readonly readBody: (limitBytes: number, deadlines: TimerQueue, done: Done<BodyInput | Refusal>) => void;
  /**
   * When the callback was received, if not now: `RequestTime` is checked against it. A callback
   * stored on arrival and checked later (a queue's consumer) gives the time it arrived.
   */
  readonly receivedAt?: Date | undefined;
}

export type Outcome =
  /** Not a callback: the adapter hands it on untouched. */
  | { readonly kind: 'pass' }
  /** An authentic callback of another command: the adapter hands it on with `callback` attached. */
  | { readonly kind: 'verified'; readonly callback: VerifiedCallback }
  /**
   * Answer with HTTP 200 and this JSON. `recall` is the event of a recall handled; `rejected` gives
   * why the answer is a FAIL, if it is: the error the `'rejected'` listeners got.
   */
  | {
      readonly kind: 'answer';
      readonly answer: string;
      readonly recall: AnyRecallEvent | undefined;
      readonly rejected: (() => RecallWebhookError) | undefined;
    };

const PASS: Outcome = { kind: 'pass' };

// An authentic check of the URL: there is nothing to hand on.
const CHECKED: Outcome = { kind: 'answer', answer: OK_ANSWER, recall: undefined, rejected: undefined };

/**
 * What an adapter hands on with a request it does not answer: for an authentic callback of another
 * command, what was verified, attached to the request first (`verifiedCallback(request)` reads it).
 */
export function handOn(
  config: Pick<ResolvedConfig, 'log'>,
  request: object,
  outcome: Exclude<Outcome, { kind: 'answer' }>,
): VerifiedCallback | undefined {
  if (outcome.kind === 'pass') return undefined;
  if (!attachVerified(request, outcome.callback))
    config.log('the request takes no property: verifiedCallback(request) finds nothing');
  return outcome.callback;
}

/**
 * Runs one callback through the whole protocol: query, authentication, body, validation, the
 * listeners, and the answer, which goes to `respond` exactly once. Never throws: every failure
 * becomes a FAIL answer and a `'rejected'` event.
 */
export function receive(config: ResolvedConfig, request: IncomingCallback, respond: Done<Outcome>): void {
  new Reception(config, request, respond).start();
}

/**
 * One callback on its way: what the request path has learnt of it so far (its peer, then its
 * command and context once the query named one of ours), and the steps that take it further, each
 * entered once. A step may run inside a stream's event, where a throw would end the process, so
 * each is guarded: only code the app supplied can throw there (a custom Ajv keyword, its own
 * emitter), and it is answered INTERNAL_ERROR if nothing was answered yet.
 */
class Reception {
  private readonly receivedAt: Date;
  // The one deadline of the whole request, on the monotonic clock: the Chat backend waits 2 s for
  // the answer in all (protocol.md, "Timing and retries"), so the body's arrival, the dedupe
  // claim and the listeners share `timeoutMs` from the moment the receiver is handed the request,
  // rather than each taking a timeout of its own one after the other.
  private readonly deadline: number;
  private readonly head: RequestHead;
  // Known once the query named a command: every refusal after that is of it.
  private command: RecallCommand | undefined = undefined;
  private callbackCommand: string | undefined = undefined;
  // Set before the body is read, the one step that reads it.
  private context!: CallbackContext;
  // Set before the listeners are called, whose end is the one step that reads it.
  private recall!: Recall;
  private replied = false;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly request: IncomingCallback,
    private readonly respond: Done<Outcome>,
  ) {
    // Only an IP address is a peer's address. What an adapter was told (a header that the app's
    // `trust proxy` believed, the app's own remoteAddress function) may be any text, which must
    // reach neither allowFrom, which then refuses, nor an event.
    this.deadline = performance.now() + config.timeoutMs;
    this.receivedAt = request.receivedAt ?? new Date();
    const given = request.remoteAddress;
    const remoteAddress = given !== undefined && ipVersion(given) !== 0 ? given : undefined;
    this.head = { method: request.method, url: request.url, remoteAddress };
  }

  start(): void {
    try {
      const first = decideQuery(this.config, this.head, this.receivedAt.getTime());
      const { log } = this.config;
      if (first.kind === 'pass') {
        log('pass: %s', first.reason);
        this.answer(PASS);
      } else if (first.kind === 'reject') {
        this.command = first.command;
        this.callbackCommand = first.callbackCommand;
        this.refuse(first.error);
      } else if (first.kind === 'verified') {
        const { callback } = first;
        if (log.enabled) log('%s of SdkAppid %d verified, handed on', callback.command, callback.sdkAppId);
        this.answer({ kind: 'verified', callback });
      } else if (first.kind === 'check') {
        log('a signed check of the callback URL, answered OK');
        this.answer(CHECKED);
      } else {
        this.command = first.context.command.definition.command;
        this.callbackCommand = this.command;
        this.context = first.context;
        this.request.readBody(this.config.limitBytes, this.config.bodyDeadlines, this.bodyRead);
      }
    } catch (cause) {
      this.failed(cause);
    }
  }

  private readonly bodyRead = (body: BodyInput | Refusal): void => {
    try {
      if (isRefusal(body)) {
        this.refuse(body);
        return;
      }
      const second = decideBody(this.context, body, this.receivedAt);
      if (second.kind === 'reject') {
        this.refuse(second.error);
        return;
      }
      this.recall = second;
      const { config } = this;
      if (config.dedupe === undefined) {
        callListeners(config, second, this.handled, timeLeft(this.deadline));
      } else callListenersOnce(config, config.dedupe, second, this.deadline, this.handled);
    } catch (cause) {
      this.failed(cause);
    }
  };

  private readonly handled = (failure: Refusal | undefined): void => {
    try {
      if (failure !== undefined) {
        this.refuse(failure);
        return;
      }
      const { event } = this.recall;
      const { log } = this.config;
      if (log.enabled) log('%s %s of SdkAppid %d handled', event.command, recallIdentity(event), event.sdkAppId);
      this.answer({ kind: 'answer', answer: OK_ANSWER, recall: event, rejected: undefined });
    } catch (cause) {
      this.failed(cause);
    }
  };

  private refuse(why: Refusal): void {
    const { remoteAddress } = this.head;
    const { command, callbackCommand, config } = this;
    const { log } = config;
    const from = remoteAddress ?? 'an unknown address';
    // A body refused after the query's checks names its field: the sign of what Tencent sends new.
    if (why.field === undefined) log('refused %s from %s: %s', why.code, from, why.message);
    else log('refused %s from %s, field %s: %s', why.code, from, JSON.stringify(why.field), why.message);
    // The refusal's cause, only when it has one, and its field go with the error.
    // Made once, when first asked for: an Error's stack costs more than the rest of a refusal, and
    // a flood of refused requests with no 'rejected' listener asks for none.
    let error: RecallWebhookError | undefined;
    const rejected = (): RecallWebhookError =>
      (error ??= new RecallWebhookError(why.code, why.message, { ...why, remoteAddress, command, callbackCommand }));
    report(config, 'rejected', () => [rejected()]);
    // `CODE: reason`: the code is what the console's callback monitoring shows first.
    this.answer({ kind: 'answer', answer: failAnswer(`${why.code}: ${why.message}`), recall: undefined, rejected });
  }

  private answer(outcome: Outcome): void {
    this.replied = true;
    this.respond(outcome);
  }

  /**
   * A step threw. Adapters' `respond` does not throw; if one did after answering, it is logged
   * rather than answered twice.
   */
  private failed(cause: unknown): void {
    if (this.replied) {
      this.config.log('responding threw: %s', describeCause(cause));
      return;
    }
    this.refuse(refusal('INTERNAL_ERROR', 'the receiver failed', cause));
  }
}
