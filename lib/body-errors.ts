import { recallError, type RecallWebhookError } from './errors.js';

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
