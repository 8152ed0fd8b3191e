import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { once } from 'node:events';
import { printable } from '../log.js';

/** The protocol answer a receiver gave. */
export interface ProtocolAnswer {
  readonly ActionStatus: 'OK' | 'FAIL';
  readonly ErrorInfo: string;
  readonly ErrorCode: 0 | 1;
}

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

// A protocol answer is under 200 bytes; 64 KiB is room for any error page worth an excerpt, and no
// more is read of an answer that is neither.
const MAX_ANSWER_BYTES = 64 * 1024;

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
 * POSTs a callback body and resolves to the protocol answer; rejects when the receiver cannot be
 * reached, does not answer within `timeoutMs`, or answers with something that is not the
 * protocol's (HTTP 200 with its JSON), of which at most 64 KiB is read. Without an `agent`, the
 * connection is closed after the answer.
 */
export async function postCallback(
  url: URL,
  body: string,
  agent?: Agent,
  { timeoutMs = DEFAULT_POST_TIMEOUT_MS }: PostLimits = {},
): Promise<ProtocolAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (agent === undefined) headers.Connection = 'close';
  const where = `${url.origin}${url.pathname}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const req = send(url, { method: 'POST', headers, signal, ...(agent === undefined ? {} : { agent }) });
  req.end(body);
  try {
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
      if (size > MAX_ANSWER_BYTES) {
        res.destroy();
        throw new NotProtocolAnswer(
          res.statusCode,
          `expected a protocol answer from ${where}, got HTTP ${String(res.statusCode)} with more than ` +
            `${String(MAX_ANSWER_BYTES)} bytes: ${excerpt(Buffer.concat(chunks).toString('utf8'))}`,
        );
      }
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const answer = parseAnswer(text);
    if (res.statusCode !== 200 || answer === undefined) {
      throw new NotProtocolAnswer(
        res.statusCode,
        `expected a protocol answer from ${where}, got HTTP ${String(res.statusCode)}: ${excerpt(text)}`,
      );
    }
    return answer;
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer from ${where} within ${String(timeoutMs)} ms`, { cause: error });
    throw error;
  }
}

// Enough of an answer that is not the protocol's to tell what answered (an HTML error page, a
// proxy), on one line: markup dropped, whitespace folded, control characters escaped, at most 80
// characters.
const EXCERPT_LENGTH = 80;

/**
 * `text` as a one-line excerpt of at most 80 characters, markup dropped.
 * @internal
 */
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
