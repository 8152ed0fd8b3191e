import type { RequestListener, Server } from 'node:http';
import { deliverOverHttp } from '#testing-http';
import { callbackParts, callbackRequest, type CallbackOptions } from './request.js';
import { DEFAULT_POST_TIMEOUT_MS, protocolAnswerOf, type PostLimits, type ProtocolAnswer } from './delivery.js';
import type { RecallCommand } from '../protocol/commands.js';

export type { ProtocolAnswer };

export interface DeliverOptions extends CallbackOptions, PostLimits {
  /**
   * The path the receiver is mounted at. For a URL target, resolved against the URL.
   * @default '/' for an app, a server or a fetch handler; the URL's own path for a URL
   */
  readonly path?: string | undefined;
  /**
   * The recall command to send: its sample body, and its name as the query's `CallbackCommand`
   * (unless `callbackCommand` says otherwise).
   * @default 'C2C.CallbackAfterMsgWithDraw'
   */
  readonly command?: RecallCommand | undefined;
}

/**
 * A fetch handler, as Workers, Deno and Bun take it: an object with `fetch` (a Worker's or a
 * server's `export default`), or `{ fetch: recallFetchHandler(...) }`.
 */
export interface FetchTarget {
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

/**
 * An Express (or Connect, or any `(req, res)`) app, an `http.Server`, the URL of a running
 * receiver, or a fetch handler. Apps and servers need Node.js; a URL and a fetch handler work on
 * every runtime.
 */
export type DeliveryTarget = RequestListener | Server | string | URL | FetchTarget;

/**
 * Sends a complete callback of any command, signed when `token` is given, as the Chat backend
 * would, and resolves to the receiver's answer. An app or a server that is not listening is served
 * on a free loopback port for the one request; a fetch handler is called with the `Request`.
 * Rejects when the answer is not the protocol's (not HTTP 200 with its JSON), e.g. when nothing
 * handled the request, or does not come within `timeoutMs`.
 *
 * @example
 * const answer = await deliverRecall(app, { path: '/im/callback', sdkAppId: 1400000000, token });
 * assert.equal(answer.ErrorCode, 0);
 * @example
 * await deliverRecall({ fetch: handler }, { sdkAppId: 1400000000, token, command: 'Group.CallbackAfterRecallMsg' });
 */
export async function deliverRecall(target: DeliveryTarget, options: DeliverOptions): Promise<ProtocolAnswer> {
  if (isFetchTarget(target)) return deliverToFetch(target, options);
  const { query, body } = callbackParts(options);
  return deliverOverHttp(target, options.path, `?${query}`, body, options);
}

function isFetchTarget(target: DeliveryTarget): target is FetchTarget {
  return (
    typeof target === 'object' &&
    !(target instanceof URL) &&
    typeof (target as Partial<FetchTarget>).fetch === 'function'
  );
}

async function deliverToFetch(target: FetchTarget, options: DeliverOptions): Promise<ProtocolAnswer> {
  const url = new URL(options.path ?? '/', 'http://localhost');
  const request = callbackRequest({ ...options, url });
  const timeoutMs = options.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer from the fetch handler within ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        const response = await target.fetch(request);
        return protocolAnswerOf(response.status, await response.text(), 'the fetch handler');
      })(),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
