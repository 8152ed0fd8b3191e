import { createServer, Server, type RequestListener } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { callbackUrl, type PostLimits, type ProtocolAnswer } from './delivery.js';
import { postCallback } from './post.js';

// How the test kit delivers a callback over HTTP on Node.js: to a URL, or to an app or a server,
// served on a free loopback port for the one request when it is not listening. (The web build's
// own, lib/testing/http-web.ts, delivers to a URL with fetch.)

/** POSTs the callback (`query` with its `?`) to `target` at `path` and resolves to the answer. */
export async function deliverOverHttp(
  target: RequestListener | Server | string | URL,
  path: string | undefined,
  query: string,
  body: string,
  limits: PostLimits,
): Promise<ProtocolAnswer> {
  if (typeof target === 'string' || target instanceof URL) {
    return postCallback(callbackUrl(target, path, query), body, undefined, limits);
  }
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
    return await postCallback(
      new URL(`${path ?? '/'}${query}`, `http://${host}:${String(port)}`),
      body,
      undefined,
      limits,
    );
  } finally {
    if (started) {
      server.close();
      server.closeIdleConnections();
    }
  }
}
