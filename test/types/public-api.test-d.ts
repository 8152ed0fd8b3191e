// Type test, checked by `npm run typecheck`: the public types as a user meets them.
import express from 'express';
import { createServer } from 'node:http';
import {
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
