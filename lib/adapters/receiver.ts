import { answerHeaders, NOT_HANDLED_ANSWER, OK_ANSWER } from '../protocol/answer.js';
import { createConfig } from '../options/factory.js';
import type { RecallWebhookOptions } from '../options/options.js';
import type { AnyRecallEvent, RecallEmitter } from '../core/events.js';
import type { RecallWebhookError } from '../core/errors.js';
import { bodyTooLarge, refusal, type Refusal } from '../core/errors.js';
import { jsonSize } from '../protocol/json.js';
import type { BodyInput } from '../core/decide.js';
import type { ResolvedConfig } from '../core/config.js';
import { receive, type Outcome } from '../core/receive.js';
import type { VerifiedCallback } from '../core/verified.js';
import { utf8Length } from '../runtime/bytes.js';

/**
 * A callback's query as it was received: the query string (with or without its `?`, or the whole
 * URL), `URLSearchParams`, or a record of values (as SCF's API Gateway event and most frameworks
 * give it; a list is a parameter given more than once).
 */
export type CallbackQueryInput =
  string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A callback as it was received, without HTTP: from a serverless event, a queue, a test. */
export interface ReceivedCallback {
  readonly query: CallbackQueryInput;
  /**
   * The body: its bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`), its text, or the value a JSON
   * parser made of it (any other value; `undefined` is an empty body). A string is JSON text, never
   * a parsed JSON string. Bytes and text are held to `limit`, as the adapters hold a stream.
   */
  readonly body: unknown;
  /** The address of the peer that sent it, for `allowFrom` and the events, when known. */
  readonly remoteAddress?: string | undefined;
  /** @default 'POST' (what the Chat backend sends; anything else is not a callback) */
  readonly method?: string | undefined;
  /**
   * When the callback arrived, if not now: `RequestTime` must be within `toleranceSeconds` of it.
   * A consumer of callbacks stored on arrival passes the time they arrived, so that the Sign,
   * checked again, still holds (and a callback stored from elsewhere does not).
   * @default now
   */
  readonly receivedAt?: Date | number | undefined;
}

/** What to send back, whatever the decision: status, headers and the body text. */
interface Answer {
  /** 200 for every callback (the protocol's answer, OK or FAIL); 404 for a request that is not one. */
  readonly status: 200 | 404;
  readonly headers: Readonly<Record<string, string>>;
  /** The protocol's JSON answer (`NOT_HANDLED` with 404). */
  readonly answer: string;
}

/**
 * What a callback came to, with the answer to send:
 * - `recall`: an authentic, valid recall of one of the receiver's commands; its event was emitted
 *   and its listeners ran (or, with dedupe, it was a `'duplicate'`). The answer is OK.
 * - `verified`: an authentic callback of another command, its body unread: the app's to handle.
 *   The answer given is the protocol's OK, which lets a before-event's action through unchanged
 *   (docs/commands.md); send the app's own instead where it decides.
 * - `checked`: an authentic check of the callback URL, without a command. The answer is OK.
 * - `rejected`: refused, for `error.code`; the `'rejected'` listeners got `error`. The answer is FAIL.
 * - `ignored`: not a callback (not a POST, no `CallbackCommand`), or another command with
 *   `verifyOtherCommands: false`. The answer is HTTP 404 `NOT_HANDLED`.
 */
export type ReceiveResult = Answer &
  (
    | { readonly kind: 'recall'; readonly event: AnyRecallEvent }
    | { readonly kind: 'verified'; readonly callback: VerifiedCallback }
    | { readonly kind: 'checked' }
    | { readonly kind: 'rejected'; readonly error: RecallWebhookError }
    | { readonly kind: 'ignored' }
  );

/** Checks a callback given as its parts, as the adapters check a request; resolves to what it came to. */
export interface RecallReceiver {
  (callback: ReceivedCallback): Promise<ReceiveResult>;
  /** Where every recall event, `'duplicate'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates a receiver of callbacks without HTTP, with the same options, checks, events, listeners,
 * deadlines, dedupe and answers as the middleware and the handlers, which run on the same core:
 * for SCF event functions (`recallScfHandler` is built on it), queue consumers, tests. Where
 * Stripe's `constructEvent` throws, it resolves to a result whose `kind` says what the callback
 * came to, with the protocol's answer to send. It rejects only for input of the wrong types,
 * never for what a callback holds.
 *
 * @example
 * const receive = recallReceiver({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * receive.events.on('recall', markRecalled);
 * const result = await receive({ query: event.queryString, body: event.body });
 * return { statusCode: result.status, headers: result.headers, body: result.answer };
 */
export function recallReceiver(options: RecallWebhookOptions): RecallReceiver {
  return receiverOf(createConfig('recallReceiver', options, []));
}

/** The receiver of a configuration resolved by its adapter: what `recallScfHandler` runs on. */
export function receiverOf(config: ResolvedConfig): RecallReceiver {
  const receiver = async (callback: ReceivedCallback): Promise<ReceiveResult> => {
    const url = `/?${queryText(callback.query)}`;
    const body = bodyInput(callback.body);
    const { receivedAt } = callback;
    const outcome = await new Promise<Outcome>((resolve) => {
      receive(
        config,
        {
          method: callback.method ?? 'POST',
          url,
          // A JavaScript caller's null is no address, as undefined is.
          remoteAddress: callback.remoteAddress ?? undefined,
          readBody: (limit, _deadlines, done) => {
            done(tooLarge(body, limit) ?? body);
          },
          receivedAt: receivedAt === undefined ? undefined : new Date(receivedAt),
        },
        resolve,
      );
    });
    return resultOf(outcome);
  };
  return Object.assign(receiver, { events: config.emitter });
}

function resultOf(outcome: Outcome): ReceiveResult {
  if (outcome.kind === 'pass') return { kind: 'ignored', ...answered(NOT_HANDLED_ANSWER, 404) };
  if (outcome.kind === 'verified') return { kind: 'verified', callback: outcome.callback, ...answered(OK_ANSWER) };
  const { answer, recall, rejected } = outcome;
  if (rejected !== undefined) return { kind: 'rejected', error: rejected(), ...answered(answer) };
  if (recall !== undefined) return { kind: 'recall', event: recall, ...answered(answer) };
  return { kind: 'checked', ...answered(answer) };
}

function answered(answer: string, status: 200 | 404 = 200): Answer {
  return { status, headers: answerHeaders(answer), answer };
}

/**
 * The query as the text after a URL's `?`, which the core reads as it reads a request's. Checked
 * as unknown: JavaScript callers and events get no help from the types.
 */
function queryText(query: CallbackQueryInput): string {
  const given: unknown = query;
  if (typeof given === 'string') return given.slice(given.indexOf('?') + 1);
  if (given instanceof URLSearchParams) return given.toString();
  if (typeof given !== 'object' || given === null) {
    throw new TypeError('recallReceiver: `query` must be a string, URLSearchParams or a record of values.');
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(given)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const each of values) {
      if (each === undefined) continue;
      if (typeof each !== 'string') {
        throw new TypeError('recallReceiver: each value of a `query` record must be a string or a list of strings.');
      }
      params.append(name, each);
    }
  }
  return params.toString();
}

function bodyInput(body: unknown): BodyInput {
  if (typeof body === 'string') return { text: body };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body) };
  if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  if (body === undefined) return { bytes: new Uint8Array(0) };
  return { parsed: body };
}

// Bytes and text are held to the limit as a stream is; a parsed value by its JSON text, as a body
// parser's is (see readNodeBody).
function tooLarge(body: BodyInput, limitBytes: number): Refusal | undefined {
  const size = 'bytes' in body ? body.bytes.byteLength : 'text' in body ? utf8Length(body.text) : jsonSize(body.parsed);
  if (size === undefined) {
    return refusal('BODY_UNREADABLE', 'the parsed body cannot be measured as JSON (a cycle, or nesting too deep)');
  }
  return size > limitBytes ? bodyTooLarge(limitBytes) : undefined;
}
