import { printable } from '../log.js';

// What one delivery of a callback involves, whatever carries it (HTTP on Node.js, a fetch
// handler's Response on any runtime): where it goes, how long it may take, and reading the answer.

/**
 * The receiver's URL with the callback query added to any query it already has, as the Chat
 * backend appends its parameters to the configured callback URL. `path`, when given, is resolved
 * against the URL.
 */
export function callbackUrl(base: string | URL, path: string | undefined, query: string): URL {
  const url = new URL(path ?? '', base);
  url.search = url.search === '' ? query : `${url.search}&${query.replace(/^\?/, '')}`;
  return url;
}

/** How long a callback may wait for its answer, and how much of an answer is read. */
export interface PostLimits {
  /**
   * How long to wait for the whole answer, in milliseconds; then the request is abandoned. The Chat
   * backend itself waits 2 s.
   * @default 5000
   */
  readonly timeoutMs?: number | undefined;
}

/** The default of `timeoutMs`: more than the Chat backend waits, so a slow receiver shows as slow, not lost. */
export const DEFAULT_POST_TIMEOUT_MS = 5000;

/** The protocol answer a receiver gave. */
export interface ProtocolAnswer {
  readonly ActionStatus: 'OK' | 'FAIL';
  readonly ErrorInfo: string;
  readonly ErrorCode: 0 | 1;
}

// A protocol answer is under 200 bytes; 64 KiB is room for any error page worth an excerpt, and no
// more is read of an answer that is neither.
export const MAX_ANSWER_BYTES = 64 * 1024;

/** What answered was not the protocol's answer: an HTTP status other than 200, or no answer JSON. */
export class NotProtocolAnswer extends Error {
  override readonly name = 'NotProtocolAnswer';

  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The protocol answer in `text`, which came with `status` from `where`; a `NotProtocolAnswer` when
 * it is not one (not HTTP 200 with the protocol's JSON).
 */
export function protocolAnswerOf(status: number | undefined, text: string, where: string): ProtocolAnswer {
  const answer = parseAnswer(text);
  if (status !== 200 || answer === undefined) {
    throw new NotProtocolAnswer(
      status,
      `expected a protocol answer from ${where}, got HTTP ${String(status)}: ${excerpt(text)}`,
    );
  }
  return answer;
}

// Enough of an answer that is not the protocol's to tell what answered (an HTML error page, a
// proxy), on one line: markup dropped, whitespace folded, control characters escaped, at most 80
// characters.
const EXCERPT_LENGTH = 80;

/** `text` as a one-line excerpt of at most 80 characters, markup dropped. */
export function excerpt(text: string): string {
  const plain = text
    // The start of a page says what it is; the cut bounds the work on a large one.
    .slice(0, 4096)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain === '') return '(an empty body)';
  // Written to a terminal or a log: control characters (ESC, BEL, C1) escaped, as the log does.
  return printable(plain.length > EXCERPT_LENGTH ? `${plain.slice(0, EXCERPT_LENGTH - 3)}...` : plain);
}

function parseAnswer(text: string): ProtocolAnswer | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProtocolAnswer> | null;
    const valid =
      typeof value?.ActionStatus === 'string' &&
      typeof value.ErrorInfo === 'string' &&
      typeof value.ErrorCode === 'number';
    return valid ? (value as ProtocolAnswer) : undefined;
  } catch {
    return undefined;
  }
}
