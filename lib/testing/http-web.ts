import type { RequestListener, Server } from 'node:http';
import {
  callbackUrl,
  DEFAULT_POST_TIMEOUT_MS,
  protocolAnswerOf,
  type PostLimits,
  type ProtocolAnswer,
} from './delivery.js';

// How the test kit delivers a callback over HTTP where there is no node:http (Workers, the edge,
// Deno and Bun through the web build): to a URL, with fetch. An app or a server is Node.js's.

/** POSTs the callback (`query` with its `?`) to the URL `target` at `path` and resolves to the answer. */
export async function deliverOverHttp(
  target: RequestListener | Server | string | URL,
  path: string | undefined,
  query: string,
  body: string,
  { timeoutMs = DEFAULT_POST_TIMEOUT_MS }: PostLimits,
): Promise<ProtocolAnswer> {
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw new TypeError(
      'deliverRecall: an app or an http.Server needs Node.js; here, give the URL of a running receiver or { fetch: handler }.',
    );
  }
  const url = callbackUrl(target, path, query);
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return protocolAnswerOf(response.status, await response.text(), `${url.origin}${url.pathname}`);
}
