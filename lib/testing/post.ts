import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { once } from 'node:events';

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

/**
 * POSTs a callback body and resolves to the protocol answer; rejects when the receiver cannot be
 * reached or its answer is not the protocol's (HTTP 200 with its JSON). Without an `agent`, the
 * connection is closed after the answer.
 */
export async function postCallback(url: URL, body: string, agent?: Agent): Promise<ProtocolAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (agent === undefined) headers.Connection = 'close';
  const req = send(url, { method: 'POST', headers, ...(agent === undefined ? {} : { agent }) });
  req.end(body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk as string;
  const answer = parseAnswer(text);
  if (res.statusCode !== 200 || answer === undefined) {
    throw new Error(
      `expected a protocol answer from ${url.origin}${url.pathname}, got HTTP ${String(res.statusCode)}: ${excerpt(text)}`,
    );
  }
  return answer;
}

// Enough of an answer that is not the protocol's to tell what answered (an HTML error page, a
// proxy), on one line: markup dropped, whitespace folded, at most 80 characters.
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
  return plain.length > EXCERPT_LENGTH ? `${plain.slice(0, EXCERPT_LENGTH - 3)}...` : plain;
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
