import { utf8Length } from '../runtime/bytes.js';

// The protocol's answer: HTTP 200 with JSON holding ActionStatus, ErrorInfo and ErrorCode, all
// three required. ErrorCode is 0 for success and 1 for any error (protocol page, "Response").

/** The answer to a callback that was handled. */
export const OK_ANSWER = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

/** The answer to a refused callback; `errorInfo` shows in the Chat console's monitoring. */
export function failAnswer(errorInfo: string): string {
  return JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: errorInfo, ErrorCode: 1 });
}

/** Headers of every answer: a non-JSON answer counts as a failed delivery. */
export function answerHeaders(answer: string): Record<string, string> {
  return answer === OK_ANSWER ? OK_HEADERS : headersOf(answer);
}

function headersOf(answer: string): Record<string, string> {
  return { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(utf8Length(answer)) };
}

const OK_HEADERS = headersOf(OK_ANSWER);

/**
 * What the `node:http` and fetch handlers answer, with HTTP 404, to a request that is not a
 * callback of their commands (another command, or not a POST) when the app gives no `onUnhandled`.
 */
export const NOT_HANDLED_ANSWER = JSON.stringify({
  ActionStatus: 'FAIL',
  ErrorInfo: 'NOT_HANDLED: not a callback of a command this receiver answers',
  ErrorCode: 1,
});
