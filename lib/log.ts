import createDebug from 'debug';
import { types } from 'node:util';

const debug = createDebug('tencent-chat-recall-webhook');

/**
 * Every decision, under one namespace: `DEBUG=tencent-chat-recall-webhook`. Messages name error
 * codes, SdkAppids and MsgKeys, never the token or a Sign. The format is this package's own; every
 * argument may come from the request or from app code, so strings are escaped and cut short: a
 * `MsgKey` holding a newline cannot write a line of its own.
 */
export function log(format: string, ...args: readonly (string | number)[]): void {
  if (!debug.enabled) return;
  debug(format, ...args.map((arg) => (typeof arg === 'string' ? printable(arg) : arg)));
}

/** Whether `log` writes anything: for a message whose arguments cost something to work out. */
export function logging(): boolean {
  return debug.enabled;
}

// The longest string logged as it is; longer ones are cut, saying how much was left out.
const MAX_LOGGED = 200;
// Line breaks of every kind, other control characters (ANSI escapes among them), the backslash
// that makes the escaping unambiguous, and halves of surrogate pairs standing alone.
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` on one line of printable characters, at most about 200 long. */
export function printable(text: string): string {
  const cut = text.length > MAX_LOGGED ? text.slice(0, MAX_LOGGED) : text;
  const escaped = cut.replace(UNPRINTABLE, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut === text ? escaped : `${escaped}... (${String(text.length - MAX_LOGGED)} more characters)`;
}

/**
 * A thrown value in one line, for the log: its message, never its stack. Total: listeners may
 * throw anything (`undefined`, a null-prototype object, a Proxy whose every trap throws), and
 * describing it must not throw in turn.
 */
export function describeCause(cause: unknown): string {
  try {
    // isNativeError also knows errors of other realms (a vm context, a worker's structured clone).
    // `message` is whatever the thrower set: String() of a non-string may throw, and is caught below.
    if (cause instanceof Error || types.isNativeError(cause)) return String((cause as { message: unknown }).message);
    if (typeof cause === 'function') return 'a thrown function';
    if (typeof cause === 'object' && cause !== null) return `a thrown ${Array.isArray(cause) ? 'array' : 'object'}`;
    return String(cause);
  } catch {
    return 'a thrown value that cannot be described';
  }
}
