// Type test, checked by `npm run typecheck`: the public types as a user meets them.
import express from 'express';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import {
  addressMatcher,
  type PrecompiledSchema,
  type Validator,
  type AddressCheck,
  memoryStore,
  redisStore,
  type DedupeStore,
  recallFetchHandler,
  recallNodeHandler,
  recallWebhook,
  type RecallErrorCode,
  type RecallEvent,
  type AnyRecallEvent,
  type GroupRecallEvent,
  type OfficialAccountRecallEvent,
  type RecallCommand,
  GetIpListError,
  type GetIpListErrorCode,
  tencentCallbackAddresses,
  recallReceiver,
  recallScfHandler,
  verifiedCallback,
  type VerifiedCallback,
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

// token: one, or a list while it changes, environment variables as they are typed; which signed.
recallWebhook({
  sdkAppId: 1,
  token: [process.env.IM_CALLBACK_TOKEN, process.env.IM_CALLBACK_TOKEN_NEXT],
}).events.on('recall', (event) => {
  const signedWith: number | undefined = event.signedWith;
  return signedWith;
});
// @ts-expect-error tokens are strings
recallWebhook({ sdkAppId: 1, token: [1400000000] });
// A refusal of the body names the field at fault.
recall.events.on('rejected', (error) => {
  const field: string | undefined = error.field;
  return field;
});

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

// Every recall command: a typed union of names, an event each, and one view for code handling all.
export const everyRecall = recallWebhook({
  sdkAppId: 1,
  token: 't',
  commands: [
    'C2C.CallbackAfterMsgWithDraw',
    'Group.CallbackAfterRecallMsg',
    'OfficialAccount.CallbackAfterMsgWithDraw',
  ],
  schemas: { 'Group.CallbackAfterRecallMsg': (s) => ({ ...s, required: [...(s.required as string[]), 'TopicId'] }) },
});
everyRecall.events.on('groupRecall', (event) => {
  const group: string = event.body.GroupId;
  const sameGroup: string = event.conversation.groupId;
  const topic: string | undefined = event.conversation.topicId;
  const seq: number | undefined = event.messages[0]?.msgSeq;
  const msgId: string | undefined = event.body.MsgSeqList[0]?.MsgId;
  const operator: string | undefined = event.operator;
  return [group, sameGroup, topic, seq, msgId, operator];
});
everyRecall.events.on('officialAccountRecall', (event) => {
  const account: string = event.conversation.account;
  const keys: string[] = event.messages.map((message) => message.msgKey);
  const listed: string | undefined = event.body.WithdrawMsgList[0]?.MsgKey;
  return [account, keys, listed];
});
// One function for all three: `command` tells the shapes apart, the view needs no narrowing.
export function markRecalled(event: AnyRecallEvent): string[] {
  if (event.command === 'Group.CallbackAfterRecallMsg') {
    const group: GroupRecallEvent = event;
    return group.messages.map((message) => `${group.conversation.groupId}:${String(message.msgSeq)}`);
  }
  return event.messages.map((message) => message.msgKey);
}
everyRecall.events.on('recall', markRecalled);
everyRecall.events.on('groupRecall', markRecalled);
everyRecall.events.on('officialAccountRecall', markRecalled);
everyRecall.events.on('duplicate', (event) => event.command);
everyRecall.events.on('rejected', (error) => error.command);
export const commandName: RecallCommand = 'Group.CallbackAfterRecallMsg';
// @ts-expect-error a misspelt command does not compile (and throws at run time)
recallWebhook({ sdkAppId: 1, token: 't', commands: ['Group.CallbackAfterRecallMessage'] });
// @ts-expect-error nor does a misspelt command in schemas
recallWebhook({ sdkAppId: 1, token: 't', schemas: { 'Group.CallbackAfterRecall': {} } });
// @ts-expect-error a misspelt event name of the new commands does not compile
everyRecall.events.on('groupRecal', () => undefined);
// @ts-expect-error a 'groupRecall' listener receives a GroupRecallEvent, not a one-to-one RecallEvent
everyRecall.events.on('groupRecall', (event: RecallEvent) => event.body.MsgKey);
// @ts-expect-error an Official Account recall names no MsgSeq
export const noSeq: number = ({} as OfficialAccountRecallEvent).messages[0]!.msgSeq;

// A failed GetIPList call, told apart by its code, as an app's refresh handler does.
void tencentCallbackAddresses({
  sdkAppId: 1400000000,
  identifier: 'administrator',
  secretKey: process.env.IM_SECRET_KEY,
  region: 'singapore',
  nettype: 6,
  onRefreshError: (error) => {
    if (error instanceof GetIpListError) {
      const code: GetIpListErrorCode = error.code;
      const status: number | undefined = error.status;
      const tencentCode: number | undefined = error.errorCode;
      console.log(code, status, tencentCode);
    }
  },
}).catch(() => undefined);

// A validator compiled ahead of time, in place of a schema; a logger of the app's own.
const precompiled: Validator = Object.assign((body: unknown) => typeof body === 'object', { errors: null });
const schemaAhead: PrecompiledSchema = { validate: precompiled };
recallFetchHandler({
  sdkAppId: 1400000000,
  token: 't',
  schema: schemaAhead,
  schemas: { 'Group.CallbackAfterRecallMsg': { validate: () => true } },
  querySchema: { validate: precompiled },
  log: (line: string) => {
    console.log(line);
  },
});
// @ts-expect-error a log takes a line, not an object
recallFetchHandler({ sdkAppId: 1400000000, token: 't', log: (entry: { msg: string }) => entry.msg });

// Every other callback on the URL: what was verified, typed; a result of the receiver without
// HTTP narrowed by its kind; the SCF event function's response; the test kit's fetch target.
const verified: VerifiedCallback | undefined = verifiedCallback(new Request('http://x/'));
if (verified !== undefined) {
  const name: string = verified.command;
  const seconds: number | undefined = verified.requestTime;
  console.log(name, seconds, verified.sdkAppId satisfies number);
}
const receive = recallReceiver({ sdkAppId: 1400000000, token: 't', verifyOtherCommands: true });
void receive({ query: new URLSearchParams(), body: new Uint8Array(0), receivedAt: Date.now() }).then((result) => {
  if (result.kind === 'recall') console.log(result.event.command satisfies RecallCommand);
  else if (result.kind === 'verified') console.log(result.callback.command);
  else if (result.kind === 'rejected')
    console.log(result.error.code satisfies RecallErrorCode, result.error.callbackCommand);
  // @ts-expect-error only a rejected result has an error
  else console.log(result.error);
  const status: 200 | 404 = result.status;
  console.log(status, result.answer, result.headers);
});
// @ts-expect-error receivedAt is a Date or milliseconds
void receive({ query: '', body: '', receivedAt: '2026-12-06' });
export const main_handler = recallScfHandler({
  sdkAppId: 1400000000,
  token: 't',
  onUnhandled: (event, callback) => ({
    isBase64Encoded: false,
    statusCode: callback === undefined ? 404 : 200,
    headers: {},
    body: event.path ?? '',
  }),
});
void main_handler({ httpMethod: 'POST', queryString: { SdkAppid: '1' }, body: '{}' }).then(
  (response) => response.statusCode satisfies number,
);
