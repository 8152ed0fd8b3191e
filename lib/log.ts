import { logSink } from '#runtime';
import type { LogSink } from './runtime/types.js';

/**
 * Writes one line of a decision: `format` is printf-style (`%s`, `%d`); every argument may come
 * from the request or from app code, so strings are escaped and cut short: a `MsgKey` holding a
 * newline cannot write a line of its own. Messages name error codes, SdkAppids and MsgKeys, never
 * the token or a Sign. `enabled` says whether anything is written, for a message whose arguments
 * cost something to work out.
 */
export interface Log {
  (format: string, ...args: readonly (string | number)[]): void;
  readonly enabled: boolean;
}

/** A `Log` that writes to `sink`. */
function logTo(sink: LogSink): Log {
  const write = (format: string, ...args: readonly (string | number)[]): void => {
    if (!sink.enabled) return;
    sink.write(
      format,
      args.map((arg) => (typeof arg === 'string' ? printable(arg) : arg)),
    );
  };
  return Object.defineProperty(write, 'enabled', { get: () => sink.enabled }) as Log;
}

/**
 * The log of whatever has no `log` option of its own: on Node.js, `debug`'s namespace
 * `DEBUG=tencent-chat-recall-webhook`; elsewhere, nothing.
 */
export const log: Log = logTo(logSink);

/**
 * A `Log` that hands each line, formatted, to the app's `log` option. The app's function is app
 * code: a throw or a rejected promise is dropped (there is nowhere left to report it), and a line
 * is never lost to another's failure.
 */
export function appLog(line: (message: string) => unknown): Log {
  return logTo({
    enabled: true,
    write(format, args) {
      let next = 0;
      const message = format.replace(/%[sd%]/g, (spec) => (spec === '%%' ? '%' : String(args[next++])));
      try {
        const result = line(message);
        if (typeof (result as { then?: unknown } | null)?.then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, () => undefined);
        }
      } catch {
        // Dropped: see above.
      }
    },
  });
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
    // The tag also knows errors of other realms (a vm context, a worker's structured clone), as
    // node:util's isNativeError does, on every runtime. `message` is whatever the thrower set:
    // String() of a non-string may throw, and is caught below.
    if (cause instanceof Error || Object.prototype.toString.call(cause) === '[object Error]') {
      return String((cause as { message: unknown }).message);
    }
    if (typeof cause === 'function') return 'a thrown function';
    if (typeof cause === 'object' && cause !== null) return `a thrown ${Array.isArray(cause) ? 'array' : 'object'}`;
    return String(cause);
  } catch {
    return 'a thrown value that cannot be described';
  }
}
