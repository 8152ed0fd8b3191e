import { request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';

export interface Running {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `handler` on a free loopback port. */
export async function listen(handler: RequestListener): Promise<Running> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface RawPost {
  /** @default 'POST' */
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Written one after another; a chunked request when no Content-Length header is given. */
  readonly chunks?: readonly (string | Buffer)[];
  /** Leave the request open after the chunks, as a client that sends less than it announced. */
  readonly leaveOpen?: boolean;
}

/**
 * A POST with exactly the headers given (supertest adds a Content-Type to string bodies), on a
 * connection of its own. Resolves with the answer, even if the request body is still open.
 */
export async function rawPost(port: number, path: string, post: RawPost = {}): Promise<RawResponse> {
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: post.method ?? 'POST',
    headers: post.headers ?? {},
    agent: false,
  });
  for (const chunk of post.chunks ?? []) req.write(chunk);
  if (post.leaveOpen !== true) req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk as string;
  if (post.leaveOpen === true) req.destroy();
  return { status: res.statusCode ?? 0, headers: res.headers, text };
}

/** A port that was free a moment ago, for a process that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
