import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';

// A stand-in for Tencent's REST API, which this machine cannot reach: GetIPList over real HTTP on
// loopback, checking what Tencent checks. Every UserSig it is sent is verified here, written from
// the algorithm's steps (protocol.md, "GetIPList") without the package's code: decoded, inflated,
// its HMAC worked out again with the key, its identifier, app and lifetime compared.

export const SECRET_KEY = 'test-secret-key-0123456789abcdef';
export const ADMIN = 'administrator';
export const APP = 1400000000;

/** What the fake answers the next calls with, until told otherwise. */
export type Answer =
  | { readonly list: readonly unknown[] }
  | { readonly errorCode: number; readonly errorInfo: string }
  | { readonly status: number; readonly text?: string; readonly location?: string }
  /** The call's URL written back, as a proxy that echoes what it is sent does. */
  | { readonly echo: 'text' | 'errorInfo' }
  | { readonly text: string }
  | { readonly hang: true }
  | { readonly destroy: true };

/** One call as the fake saw it. */
interface Call {
  readonly method: string | undefined;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  /** Why the UserSig is not valid, or undefined when it is. */
  readonly userSigProblem: string | undefined;
  /** What the UserSig said, when it could be read. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  readonly at: number;
}

export interface FakeTencentApi {
  readonly url: string;
  readonly calls: Call[];
  serve(answer: Answer): void;
  close(): Promise<void>;
}

/** Reads a UserSig as Tencent's servers do, and says what is wrong with it, if anything. */
export function verifyUserSig(
  userSig: string,
  expected: { identifier: string; sdkAppId: number; secretKey: string },
): { problem: string | undefined; claims: Record<string, unknown> | undefined } {
  let claims: Record<string, unknown>;
  try {
    const base64 = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
    claims = JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8')) as Record<string, unknown>;
  } catch {
    return { problem: 'not a UserSig', claims: undefined };
  }
  const time = claims['TLS.time'];
  const expire = claims['TLS.expire'];
  const content =
    `TLS.identifier:${String(claims['TLS.identifier'])}\n` +
    `TLS.sdkappid:${String(claims['TLS.sdkappid'])}\n` +
    `TLS.time:${String(time)}\n` +
    `TLS.expire:${String(expire)}\n`;
  const sig = createHmac('sha256', expected.secretKey).update(content).digest('base64');
  const now = Math.floor(Date.now() / 1000);
  const problem =
    claims['TLS.ver'] !== '2.0'
      ? 'not version 2.0'
      : claims['TLS.sig'] !== sig
        ? 'HMAC does not match'
        : claims['TLS.identifier'] !== expected.identifier
          ? 'another identifier'
          : claims['TLS.sdkappid'] !== expected.sdkAppId
            ? 'another app'
            : typeof time !== 'number' || Math.abs(time - now) > 10
              ? 'not signed now'
              : typeof expire !== 'number' || expire < 1 || time + expire < now
                ? 'expired'
                : undefined;
  return { problem, claims };
}

/** Starts the fake on a free loopback port, answering `answer` until told otherwise. */
export async function fakeTencentApi(
  answer: Answer = { list: ['127.0.0.1', '183.192.202.0/25'] },
  secretKey = SECRET_KEY,
): Promise<FakeTencentApi> {
  let current = answer;
  const calls: Call[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const identifier = url.searchParams.get('identifier') ?? '';
      const { problem, claims } = verifyUserSig(url.searchParams.get('usersig') ?? '', {
        identifier,
        sdkAppId: Number(url.searchParams.get('sdkappid')),
        secretKey,
      });
      calls.push({
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        body,
        userSigProblem: problem,
        claims,
        at: Date.now(),
      });
      const json = (value: unknown): void => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
      };
      // As Tencent answers a call it refuses: HTTP 200, ActionStatus FAIL.
      if (problem !== undefined) {
        json({ ActionStatus: 'FAIL', ErrorCode: 70003, ErrorInfo: `UserSig invalid: ${problem}` });
      } else if (url.pathname !== '/v4/ConfigSvc/GetIPList' || req.method !== 'POST') {
        res.writeHead(404).end('not found');
      } else if ('list' in current) {
        json({ ActionStatus: 'OK', ErrorCode: 0, IPList: current.list });
      } else if ('errorCode' in current) {
        json({ ActionStatus: 'FAIL', ErrorCode: current.errorCode, ErrorInfo: current.errorInfo });
      } else if ('status' in current) {
        res.writeHead(current.status, current.location === undefined ? {} : { Location: current.location });
        res.end(current.text ?? '');
      } else if ('echo' in current) {
        if (current.echo === 'text') res.writeHead(200).end(`you sent ${req.url ?? ''}`);
        else json({ ActionStatus: 'FAIL', ErrorCode: 90001, ErrorInfo: `bad request ${req.url ?? ''}` });
      } else if ('text' in current) {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(current.text);
      } else if ('destroy' in current) {
        req.socket.destroy();
      }
      // `hang`: no answer at all.
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    calls,
    serve: (next) => {
      current = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
