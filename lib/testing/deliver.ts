import { createServer, Server, type RequestListener } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { callbackUrl, postCallback, type PostLimits, type ProtocolAnswer } from './post.js';
import { callbackQuery, type CallbackQueryOptions } from './query.js';
import { sampleCallback } from './sample.js';
import { RECALL_COMMAND, type RecallCommand } from '../protocol/commands.js';

export type { ProtocolAnswer };

export interface DeliverOptions extends CallbackQueryOptions, PostLimits {
  /**
   * The path the receiver is mounted at. For a URL target, resolved against the URL.
   * @default '/' for an app or a server; the URL's own path for a URL
   */
  readonly path?: string | undefined;
  /**
   * The recall command to send: its sample body, and its name as the query's `CallbackCommand`
   * (unless `callbackCommand` says otherwise).
   * @default 'C2C.CallbackAfterMsgWithDraw'
   */
  readonly command?: RecallCommand | undefined;
  /** Fields merged over the command's sample body (`sampleRecall()`, `sampleGroupRecall()`...). */
  readonly body?: Readonly<Record<string, unknown>> | undefined;
}

/** An Express (or Connect, or any `(req, res)`) app, an `http.Server`, or the URL of a running receiver. */
export type DeliveryTarget = RequestListener | Server | string | URL;

/**
 * Sends a complete recall callback of any command, signed when `token` is given, as the Chat backend would, and
 * resolves to the receiver's answer. An app or a server that is not listening is served on a free
 * loopback port for the one request. Rejects when the answer is not the protocol's (not HTTP 200
 * with its JSON), e.g. when nothing handled the request, or does not come within `timeoutMs`.
 *
 * @example
 * const answer = await deliverRecall(app, { path: '/im/callback', sdkAppId: 1400000000, token });
 * assert.equal(answer.ErrorCode, 0);
 */
export async function deliverRecall(target: DeliveryTarget, options: DeliverOptions): Promise<ProtocolAnswer> {
  const command = options.command ?? RECALL_COMMAND;
  const body = JSON.stringify(sampleCallback(command, options.body));
  const query = `?${callbackQuery({ ...options, callbackCommand: options.callbackCommand ?? command })}`;
  if (typeof target === 'string' || target instanceof URL) {
    return postCallback(callbackUrl(target, options.path, query), body, undefined, options);
  }
  const pathAndQuery = `${options.path ?? '/'}${query}`;
  const server = target instanceof Server ? target : createServer(target);
  const started = !server.listening;
  if (started) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  try {
    const { address, family, port } = server.address() as AddressInfo;
    const host =
      family === 'IPv6' ? `[${address === '::' ? '::1' : address}]` : address === '0.0.0.0' ? '127.0.0.1' : address;
    return await postCallback(new URL(pathAndQuery, `http://${host}:${String(port)}`), body, undefined, options);
  } finally {
    if (started) {
      server.close();
      server.closeIdleConnections();
    }
  }
}
