// Type test, checked by `npm run typecheck`: the public types as a user meets them.
import express from 'express';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import {
  addressMatcher,
  type AddressCheck,
  memoryStore,
  redisStore,
  type DedupeStore,
  recallFetchHandler,
  recallNodeHandler,
  recallWebhook,
  type RecallErrorCode,
  type RecallEvent,
} from '../../lib/index.js';

const recall = recallWebhook({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });

recall.events.on('recall', async (event) => {
  const key: string = event.body.MsgKey;
  const from: string = event.body.From_Account;
  const unread: number | undefined = event.body.UnreadMsgNum;
  const at: Date | undefined = event.eventTime;
  await Promise.resolve([key, from, unread, at]);
});
recall.events.once('rejected', (error) => {
  const code: RecallErrorCode = error.code;
  return code;
});

// @ts-expect-error a misspelt event name does not compile
recall.events.on('recal', () => undefined);

// @ts-expect-error a 'recall' listener receives a RecallEvent
recall.events.on('recall', (event: string) => event);

// @ts-expect-error sdkAppId is required
recallWebhook({ token: 'x' });

// @ts-expect-error an unknown option does not compile (and throws at run time)
recallWebhook({ sdkAppId: 1, tolerance: 30 });

const app = express();
app.use('/im/callback', recall);
app.post('/other', express.json(), recall);

export type { RecallEvent };

// The node:http and fetch handlers take the same options and carry the same typed events.
export const server = createServer(recallNodeHandler({ sdkAppId: 1400000000, onUnhandled: (_req, res) => res.end() }));
export const POST: (request: Request) => Promise<Response> = recallFetchHandler({
  sdkAppId: '1400000000',
  timeoutMs: 500,
});
recallFetchHandler({ sdkAppId: 1 }).events.on('recall', (event) => event.body.MsgKey);
// @ts-expect-error a misspelt event name does not compile on the other adapters either
recallNodeHandler({ sdkAppId: 1 }).events.on('recal', () => undefined);

// dedupe: both stores, a node-redis client and an ioredis client, and a typed 'duplicate' event.
export const withMemory = recallWebhook({ sdkAppId: 1, dedupe: { store: memoryStore({ maxEntries: 1000 }) } });
withMemory.events.on('duplicate', (event) => event.body.MsgKey);
recallWebhook({ sdkAppId: 1, dedupe: { store: redisStore(createClient()), ttlSeconds: 600, failOpen: true } });
recallWebhook({ sdkAppId: 1, dedupe: { store: redisStore(new Redis(), { prefix: 'app:' }) } });
// @ts-expect-error dedupe needs a store
recallWebhook({ sdkAppId: 1, dedupe: { ttlSeconds: 60 } });
// @ts-expect-error redisStore takes a Redis client, not a URL
redisStore('redis://127.0.0.1:6379');
// A store of the app's own: two async methods.
export const ownStore: DedupeStore = {
  claim: (key, owner, ttlMs) => Promise.resolve(key.length + owner.length + ttlMs > 0),
  release: () => Promise.resolve(),
};

// allowFrom: a list or a function; events and rejections carry the address that was checked.
recall.events.on('recall', (event) => {
  const peer: string | undefined = event.remoteAddress;
  return peer;
});
recallWebhook({ sdkAppId: 1, token: 't', allowFrom: ['183.192.202.0/25'] }).events.on(
  'rejected',
  (error) => error.remoteAddress?.length,
);
recallWebhook({ sdkAppId: 1, allowUnsigned: true, allowFrom: (address) => address.startsWith('10.') });
// @ts-expect-error allowFrom entries are strings
recallWebhook({ sdkAppId: 1, token: 't', allowFrom: [42] });
export const isTencent: AddressCheck = addressMatcher(['183.192.202.0/25', '2402:4e00::/32']);

// A fetch handler is typed by what its runtime passes after the request, as remoteAddress reads it.
interface ServeInfo {
  readonly remoteAddr: { readonly hostname: string };
}
export const onDeno: (request: Request, info: ServeInfo) => Promise<Response> = recallFetchHandler({
  sdkAppId: 1,
  token: 't',
  allowFrom: ['10.0.0.0/8'],
  remoteAddress: (_request, info: ServeInfo) => info.remoteAddr.hostname,
});
// @ts-expect-error that handler needs what remoteAddress reads
void onDeno(new Request('https://receiver.test/'));
recallNodeHandler({ sdkAppId: 1, token: 't', remoteAddress: (req) => req.headers['x-real-ip']?.toString() });
