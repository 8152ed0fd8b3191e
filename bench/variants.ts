// The servers the benchmark compares, each started in a process of its own by bench/server.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type * as Package from '../dist/esm/index.js';

// The package under test: this working tree's build, or, with BENCH_PACKAGE, another build of it
// (`npm run bench -- --against <ref>` builds a git ref and starts its servers so).
const { memoryStore, RECALL_COMMANDS, recallFetchHandler, recallNodeHandler, recallWebhook, redisStore } =
  (await import(process.env.BENCH_PACKAGE ?? '../dist/esm/index.js')) as typeof Package;

export const SDK_APP_ID = 1400000000;
export const TOKEN = 'bench-token';
export const OK = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
const FAIL = JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: 'refused', ErrorCode: 1 });
const headersOf = (answer: string): Record<string, string> => ({
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': String(Buffer.byteLength(answer)),
});
const HEADERS = headersOf(OK);

/** Writes `answer` with HTTP 200 and its headers, made once. */
function fixedAnswer(answer: string): (res: ServerResponse) => void {
  const headers = headersOf(answer);
  return (res) => {
    res.writeHead(200, headers);
    res.end(answer);
  };
}
const answerOk = fixedAnswer(OK);
const answerFail = fixedAnswer(FAIL);

/** Reads the whole body, hands it to `use`, and answers the fixed OK. */
function bodyThenOk(use: (body: Buffer) => unknown): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      use(Buffer.concat(chunks));
      answerOk(res);
    });
  };
}

/** Reads the whole body and answers the fixed OK: the least any receiver must do. */
const readThenOk = bodyThenOk(() => undefined);

/** readThenOk that also parses the body as JSON: what any receiver that looks at a callback does first. */
const parseThenOk = bodyThenOk((body) => JSON.parse(body.toString('utf8')));

/**
 * Spends `micros` µs looping on the clock: work of a known cost that touches next to no memory,
 * so the same work in a receiver, which also reads code and data, costs at least as much.
 */
function compute(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // Only the clock is read.
  }
}

/** readThenOk that also computes for `micros` µs. */
const computeThenOk = (micros: number): RequestListener =>
  bodyThenOk(() => {
    compute(micros);
  });

/**
 * What a receiver that checks a callback must do, written plainly by hand: the query read with
 * URLSearchParams, SdkAppid, RequestTime within a minute, the Sign compared in constant time with
 * one remembered for its RequestTime, the body parsed as JSON with a string MsgKey, one event. No
 * bounds, no schema, no limit or deadline on the body, no check of its text: each step does less
 * than the package's, so its ratio to its floor is what a hand-written receiver reaches.
 */
function checksByHand(): RequestListener {
  const events = new EventEmitter().on('recall', (body: { MsgKey: string }) => body.MsgKey);
  const signs = new Map<string, Buffer>();
  return (req, res) => {
    const url = req.url ?? '';
    const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    const time = query.get('RequestTime') ?? '';
    let expected = signs.get(time);
    if (expected === undefined) {
      if (signs.size > 256) signs.clear();
      expected = Buffer.from(createHash('sha256').update(`${TOKEN}${time}`).digest('hex'));
      signs.set(time, expected);
    }
    const given = Buffer.from(query.get('Sign') ?? '');
    if (
      query.get('SdkAppid') !== String(SDK_APP_ID) ||
      Math.abs(Date.now() - Number(time) * 1000) > 60_000 ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      answerFail(res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { MsgKey?: unknown };
        if (typeof body.MsgKey !== 'string') throw new TypeError('no MsgKey');
        events.emit('recall', body);
        answerOk(res);
      } catch {
        answerFail(res);
      }
    });
  };
}

/**
 * Serves a fetch handler from node:http the same way for every fetch variant: the body read whole,
 * a `Request` made of it, the `Response` written back. The bridge's cost is in both variants.
 */
function fetchBridge(handler: (request: globalThis.Request) => Promise<globalThis.Response>): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = new globalThis.Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      });
      void handler(request).then(async (response) => {
        const text = await response.text();
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(text);
      });
    });
  };
}

export const VARIANTS = {
  /** 1. The limit: node:http, reading the body, answering OK. */
  'node:http, read + fixed answer': (): RequestListener => readThenOk,
  /** 2. The Express floor: the same work as one middleware at the same path, checking nothing. */
  'Express, read + fixed answer': (): RequestListener => express().use('/callback', readThenOk),
  /** 3. What a user writes by hand: express.json(), an SdkAppid check, res.json(). */
  'Express, express.json() + SdkAppid check': (): RequestListener =>
    express().use('/callback', express.json(), (req: Request, res: Response) => {
      if (req.query.SdkAppid !== String(SDK_APP_ID)) {
        res.json({ ActionStatus: 'FAIL', ErrorInfo: 'wrong app', ErrorCode: 1 });
        return;
      }
      res.json({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    }),
  /** 4. This middleware, token (Sign and RequestTime verified) and default schema. */
  'Express, recallWebhook (signed)': (): RequestListener => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN });
    recall.events.on('recall', (event) => event.body.MsgKey);
    return express().use('/callback', recall);
  },
  /** 5. The same with an async listener. */
  'Express, recallWebhook (signed) + async listener': (): RequestListener => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN });
    recall.events.on('recall', async (event) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return event.body.MsgKey;
    });
    return express().use('/callback', recall);
  },
  /** 6. The package's node:http handler, signed. */
  'node:http, recallNodeHandler (signed)': (): RequestListener => nodeHandler(),
  /** 7. Variant 4 with dedupe in memory; every request a distinct recall. */
  'Express, recallWebhook (signed) + dedupe in memory': (): RequestListener => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, dedupe: { store: memoryStore() } });
    recall.events.on('recall', (event) => event.body.MsgKey);
    return express().use('/callback', recall);
  },
  /** 8. Variant 4 with dedupe in Redis (REDIS_URL); every request a distinct recall. */
  'Express, recallWebhook (signed) + dedupe in Redis': async (): Promise<RequestListener> => {
    const Client = await importRedisClient();
    const recall = recallWebhook({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      dedupe: { store: redisStore(new Client(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')) },
    });
    recall.events.on('recall', (event) => event.body.MsgKey);
    return express().use('/callback', recall);
  },
  /** 9. Variant 4 answering every recall command, loaded with group recalls (the Chinese docs' sample). */
  'Express, recallWebhook (signed), group recalls': (): RequestListener => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [...RECALL_COMMANDS] });
    recall.events.on('groupRecall', (event) => event.conversation.groupId);
    return express().use('/callback', recall);
  },
  /** 10. The fetch floor: a handler that reads the body and answers the fixed OK, behind the bridge. */
  'fetch, read + fixed answer': (): RequestListener =>
    fetchBridge(async (request) => {
      await request.arrayBuffer();
      return new globalThis.Response(OK, { headers: HEADERS });
    }),
  /** 11. The package's fetch handler, signed, behind the same bridge. */
  'fetch, recallFetchHandler (signed)': (): RequestListener => {
    const handler = recallFetchHandler({ sdkAppId: SDK_APP_ID, token: TOKEN });
    handler.events.on('recall', (event) => event.body.MsgKey);
    return fetchBridge(handler);
  },
  /** 12. Variant 1 that parses the body as JSON: of 6/1, what parsing the callback alone leaves. */
  'node:http, read + JSON.parse + fixed answer': (): RequestListener => parseThenOk,
  /** 13. The protocol's checks written plainly by hand: a part of what 6 does. */
  "node:http, the protocol's checks by hand": (): RequestListener => checksByHand(),
  /** 14. The same checks by hand as one Express middleware: a part of what 4 does. */
  "Express, the protocol's checks by hand": (): RequestListener => express().use('/callback', checksByHand()),
  /**
   * 15 to 17. Variant 1 computing for 5, 10 and 20 µs a request: what a receiver whose work costs
   * that much reaches of raw node:http on this machine, at best. The load generator shares the
   * machine, so a server's slowing changes the cost of every request (see docs/reliability.md).
   */
  'node:http, read + 5 µs of computation + fixed answer': (): RequestListener => computeThenOk(5),
  'node:http, read + 10 µs of computation + fixed answer': (): RequestListener => computeThenOk(10),
  'node:http, read + 20 µs of computation + fixed answer': (): RequestListener => computeThenOk(20),
  /** 18. Variant 2 computing for 30 µs a request, about a tenth of its CPU per request. */
  'Express, read + 30 µs of computation + fixed answer': (): RequestListener =>
    express().use('/callback', computeThenOk(30)),
  /**
   * 19. Variant 6 in a process that has imported ioredis, as an app with dedupe in Redis has:
   * ioredis 6 defines a class extending String, after which String.prototype is a dictionary and
   * every call of one of its methods is looked up anew (see lib/protocol/signature.ts).
   */
  'node:http, recallNodeHandler (signed), ioredis imported': async (): Promise<RequestListener> => {
    await importRedisClient();
    return nodeHandler();
  },
} as const;

function nodeHandler(): RequestListener {
  const handler = recallNodeHandler({ sdkAppId: SDK_APP_ID, token: TOKEN });
  handler.events.on('recall', (event) => event.body.MsgKey);
  return handler;
}

// Only the variants that use ioredis import it: importing it changes String.prototype for the
// whole process (variant 19), which would slow every other variant's string calls, and the
// micro-benchmarks', by as much as the package's own code costs.
async function importRedisClient(): Promise<typeof Redis> {
  return (await import('ioredis')).Redis;
}

/** The variants run again on the build of `--against <ref>`, each beside its own. */
export const AGAINST: readonly VariantName[] = [
  'Express, recallWebhook (signed)',
  'node:http, recallNodeHandler (signed)',
  'fetch, recallFetchHandler (signed)',
  'node:http, recallNodeHandler (signed), ioredis imported',
];

export type VariantName = keyof typeof VARIANTS;

/** Variants whose load sends a distinct MsgKey with every request, so no delivery is a duplicate. */
export const DISTINCT_RECALLS: ReadonlySet<string> = new Set([
  'Express, recallWebhook (signed) + dedupe in memory',
  'Express, recallWebhook (signed) + dedupe in Redis',
] satisfies VariantName[]);

/** Variants whose load is group recalls; the others get one-to-one recalls. */
export const GROUP_RECALLS: ReadonlySet<string> = new Set([
  'Express, recallWebhook (signed), group recalls',
] satisfies VariantName[]);

export async function serve(name: VariantName): Promise<ReturnType<typeof createServer>> {
  return createServer({ keepAlive: true }, await VARIANTS[name]());
}
