import type { RecallCommand } from '../protocol/commands.js';

/**
 * Why a callback was refused, as a stable code. The `ErrorInfo` of the FAIL answer starts with it,
 * so the code is what shows in the Chat console's callback monitoring.
 */
export const RECALL_ERROR_CODES = [
  'ADDRESS_FORBIDDEN',
  'QUERY_INVALID',
  'SDKAPPID_MISMATCH',
  'SIGNATURE_MISSING',
  'REQUEST_TIME_INVALID',
  'REQUEST_EXPIRED',
  'SIGNATURE_INVALID',
  'BODY_TOO_LARGE',
  'BODY_ABORTED',
  'BODY_TIMEOUT',
  'BODY_UNREADABLE',
  'BODY_INVALID_UTF8',
  'BODY_INVALID_JSON',
  'BODY_FORBIDDEN_KEY',
  'BODY_INVALID',
  'COMMAND_MISMATCH',
  'LISTENER_FAILED',
  'LISTENER_TIMEOUT',
  'DEDUPE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type RecallErrorCode = (typeof RECALL_ERROR_CODES)[number];

/**
 * Why a step of the request path refuses a callback: a stable code, a short message safe to send
 * back, and what else the step knows (the app's error that caused it, the body field at fault).
 * The request path turns it into a `RecallWebhookError` once it answers, when the peer and the
 * command are known too.
 */
export interface Refusal {
  readonly code: RecallErrorCode;
  readonly message: string;
  /** Only when there is one: a listener's or the store's own error. */
  readonly cause?: unknown;
  readonly field?: string;
}

export function refusal(code: RecallErrorCode, message: string, cause?: unknown): Refusal {
  return cause === undefined ? { code, message } : { code, message, cause };
}

/** Whether a step's result is a refusal rather than what it reads or decides. */
export function isRefusal(value: object): value is Refusal {
  return 'code' in value;
}

/** What a `RecallWebhookError` says beyond its code and message; each property is optional. */
export interface RecallWebhookErrorOptions {
  readonly cause?: unknown;
  readonly remoteAddress?: string | undefined;
  readonly command?: RecallCommand | undefined;
  readonly callbackCommand?: string | undefined;
  readonly field?: string | undefined;
}

/**
 * A refused callback, as `'rejected'` listeners receive it. `code` is stable across versions;
 * `message` is short, safe to send back to the Chat backend (it never holds the token, a Sign, a
 * stack or a listener's error) and is the answer's `ErrorInfo` after the code. A listener's own
 * error, if any, is the `cause`.
 */
export class RecallWebhookError extends Error {
  override readonly name = 'RecallWebhookError';

  /**
   * The address of the peer that sent the refused request, as `allowFrom` checks it (Express's
   * `req.ip`, the socket's peer, or the fetch handler's `remoteAddress`), when known.
   */
  readonly remoteAddress: string | undefined;

  /**
   * The `CallbackCommand` of the refused callback: one of the receiver's commands; undefined when
   * the callback was of another command (see `callbackCommand`), or the receiver failed before it knew.
   */
  readonly command: RecallCommand | undefined;

  /**
   * The `CallbackCommand` the query named, whatever the command: for a refused recall, `command`;
   * for a callback of another command refused before it was handed on (see `verifyOtherCommands`),
   * its name. Undefined for a check of the callback URL, which names none, and for a name that is no
   * command's (not printable ASCII, or over 64 characters). Whoever sent a refused request chose
   * it: keep it out of metric labels and other sets that grow with each value.
   */
  readonly callbackCommand: string | undefined;

  /**
   * For `BODY_INVALID` and `COMMAND_MISMATCH`: the body field at fault, as a JSON Pointer
   * (`/TopicId`, `/MsgSeqList/0/MsgSeq`, `''` for the body as a whole). A callback that passed
   * authentication and is refused here is what to watch for: Tencent sending something new.
   */
  readonly field: string | undefined;

  constructor(
    readonly code: RecallErrorCode,
    message: string,
    options: RecallWebhookErrorOptions = {},
  ) {
    // As Error does: an own `cause` only when one was given.
    super(message, Object.hasOwn(options, 'cause') ? { cause: options.cause } : undefined);
    this.remoteAddress = options.remoteAddress;
    this.command = options.command;
    this.callbackCommand = options.callbackCommand;
    this.field = options.field;
  }
}

// How reading a body fails, the same for every adapter's reader.

export function bodyTooLarge(limitBytes: number): Refusal {
  return refusal('BODY_TOO_LARGE', `body is larger than ${String(limitBytes)} bytes`);
}

export function bodyAborted(): Refusal {
  return refusal('BODY_ABORTED', 'the client closed the request before the body was complete');
}

export function bodyTimedOut(timeoutMs: number): Refusal {
  return refusal('BODY_TIMEOUT', `the body did not arrive within ${String(timeoutMs)} ms`);
}
