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
 * A refused callback. `code` is stable across versions; `message` is short, safe to send back to
 * the Chat backend (it never holds the token, a Sign, a stack or a listener's error) and is the
 * answer's `ErrorInfo` after the code. A listener's own error, if any, is the `cause`.
 */
export class RecallWebhookError extends Error {
  override readonly name = 'RecallWebhookError';

  /**
   * The address of the peer that sent the refused request, as `allowFrom` checks it (Express's
   * `req.ip`, the socket's peer, or the fetch handler's `remoteAddress`), when known. Set when the
   * error is emitted as `'rejected'`.
   */
  remoteAddress: string | undefined = undefined;

  /**
   * The `CallbackCommand` of the refused callback: one of the receiver's commands. Set when the
   * error is emitted as `'rejected'`; undefined only when the receiver failed before it knew.
   */
  command: RecallCommand | undefined = undefined;

  /**
   * For `BODY_INVALID` and `COMMAND_MISMATCH`: the body field at fault, as a JSON Pointer
   * (`/TopicId`, `/MsgSeqList/0/MsgSeq`, `''` for the body as a whole). A callback that passed
   * authentication and is refused here is what to watch for: Tencent sending something new.
   */
  field: string | undefined = undefined;

  constructor(
    readonly code: RecallErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function recallError(code: RecallErrorCode, message: string, cause?: unknown): RecallWebhookError {
  return cause === undefined ? new RecallWebhookError(code, message) : new RecallWebhookError(code, message, { cause });
}

// How reading a body fails, the same for every adapter's reader.

export function bodyTooLarge(limitBytes: number): RecallWebhookError {
  return recallError('BODY_TOO_LARGE', `body is larger than ${String(limitBytes)} bytes`);
}

export function bodyAborted(): RecallWebhookError {
  return recallError('BODY_ABORTED', 'the client closed the request before the body was complete');
}

export function bodyTimedOut(timeoutMs: number): RecallWebhookError {
  return recallError('BODY_TIMEOUT', `the body did not arrive within ${String(timeoutMs)} ms`);
}
