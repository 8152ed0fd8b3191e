// The servers the benchmark compares, each started in a process of its own by bench/server.ts.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import { memoryStore, RECALL_COMMANDS, recallNodeHandler, recallWebhook, redisStore } from '../dist/esm/index.js';

export const SDK_APP_ID = 1400000000;
export const TOKEN = 'bench-token';
export const OK = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
const HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(OK)) };

/** Reads the whole body and answers the fixed OK: the least any receiver must do. */
function readThenOk(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, HEADERS);
    res.end(OK);
  });
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
  'node:http, recallNodeHandler (signed)': (): RequestListener => {
    const handler = recallNodeHandler({ sdkAppId: SDK_APP_ID, token: TOKEN });
    handler.events.on('recall', (event) => event.body.MsgKey);
    return handler;
  },
  /** 7. Variant 4 with dedupe in memory; every request a distinct recall. */
  'Express, recallWebhook (signed) + dedupe in memory': (): RequestListener => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, dedupe: { store: memoryStore() } });
    recall.events.on('recall', (event) => event.body.MsgKey);
    return express().use('/callback', recall);
  },
  /** 8. Variant 4 with dedupe in Redis (REDIS_URL); every request a distinct recall. */
  'Express, recallWebhook (signed) + dedupe in Redis': (): RequestListener => {
    const recall = recallWebhook({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      dedupe: { store: redisStore(new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')) },
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
} as const;

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

export function serve(name: VariantName): ReturnType<typeof createServer> {
  return createServer({ keepAlive: true }, VARIANTS[name]());
}
