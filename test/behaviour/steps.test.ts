import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { sign } from '../../lib/protocol/signature.js';
import {
  receiverUrl,
  receiverQuery,
  nowSeconds,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_EVENT_TIME,
  SAMPLE_WITH_UNREAD,
  sampleWithByteInMsgKey,
  SDK_APP_ID,
  TOKEN,
} from '../fixtures/callbacks.js';
import { TEST_PEER } from '../helpers/adapters.js';
import { runTable, type Row } from '../helpers/table.js';

// The protocol's steps and error codes, on the one-to-one recall; every recall command's own
// rows are in other-commands.test.ts.

const signed = (): string => receiverUrl({ token: TOKEN });
const withToken = { token: TOKEN };
const bodyWith = (fields: Record<string, unknown>): string => JSON.stringify({ ...SAMPLE_WITH_UNREAD, ...fields });
/** The unsigned callback URL padded with `x=1` parameters to `count` in all. */
const urlWithParameters = (count: number): string => {
  const url = receiverUrl();
  return url + '&x=1'.repeat(count - new URL(url, 'http://x').searchParams.size);
};
const OUTSIDE = ['192.0.2.0/24', '2001:db8::/32'];
const BEFORE_SEND = 'C2C.CallbackBeforeSendMsg';
/** A check of the callback URL as one receiver saw the console send it: Sign and RequestTime only. */
const checkUrl = (token: string, requestTime = nowSeconds()): string =>
  `/callback?RequestTime=${String(requestTime)}&Sign=${sign(token, requestTime)}`;

const ROWS: readonly Row[] = [
  // 1. Not ours: handed on untouched.
  { title: 'a GET', expected: 'pass', method: 'GET' },
  { title: 'a POST without CallbackCommand', expected: 'pass', url: () => `/callback?SdkAppid=${String(SDK_APP_ID)}` },
  {
    title: 'another command, with verifyOtherCommands: false, however it is signed',
    expected: 'pass',
    options: { ...withToken, verifyOtherCommands: false },
    url: () => receiverUrl({ callbackCommand: BEFORE_SEND, token: 'not-the-token' }),
  },
  // Another command at the same URL: checked as a recall is, its body left to the app.
  {
    title: 'another CallbackCommand, unsigned to an unsigned receiver',
    expected: 'verified',
    other: 'C2C.CallbackAfterSendMsg',
    check: ({ verified }) => {
      expect(verified).to.deep.include({
        clientIp: '127.0.0.1',
        optPlatform: 'RESTAPI',
        platform: 'RESTAPI',
        remoteAddress: TEST_PEER,
      });
      // Unsigned: no RequestTime was verified, no token signed it.
      expect(verified?.requestTime).to.equal(undefined);
      expect(verified?.signedWith).to.equal(undefined);
      expect(Date.now() - Date.parse(String(verified?.receivedAt))).to.be.within(0, 5000);
    },
  },
  {
    title: 'a before-send callback signed with the second of two tokens, saying which',
    expected: 'verified',
    other: BEFORE_SEND,
    options: { token: ['old-token', TOKEN] },
    url: () => receiverUrl({ callbackCommand: BEFORE_SEND, token: TOKEN }),
    check: ({ verified }) => {
      expect(verified?.signedWith).to.equal(1);
      expect(Math.abs(Number(verified?.requestTime) - nowSeconds())).to.be.below(5);
    },
  },
  {
    title: 'a command Tencent added after this release (any printable name)',
    expected: 'verified',
    other: 'C2C.CallbackAfterReadReceipt_v2',
    options: withToken,
    url: () => receiverUrl({ callbackCommand: 'C2C.CallbackAfterReadReceipt_v2', token: TOKEN }),
  },
  {
    title: 'another command with a Sign made with another token',
    expected: 'SIGNATURE_INVALID',
    other: BEFORE_SEND,
    options: withToken,
    url: () => receiverUrl({ callbackCommand: BEFORE_SEND, token: 'not-the-token' }),
  },
  { title: 'another command without Sign', expected: 'SIGNATURE_MISSING', other: BEFORE_SEND, options: withToken },
  {
    title: 'another command 2 minutes old',
    expected: 'REQUEST_EXPIRED',
    other: BEFORE_SEND,
    options: withToken,
    url: () => receiverUrl({ callbackCommand: BEFORE_SEND, token: TOKEN, requestTime: nowSeconds() - 120 }),
  },
  {
    title: 'another command of another app',
    expected: 'SDKAPPID_MISMATCH',
    other: BEFORE_SEND,
    options: withToken,
    url: () => receiverUrl({ callbackCommand: BEFORE_SEND, token: TOKEN, sdkAppId: 1400000001 }),
  },
  {
    title: 'another command given twice',
    expected: 'QUERY_INVALID',
    other: BEFORE_SEND,
    options: withToken,
    url: () => `${receiverUrl({ callbackCommand: BEFORE_SEND, token: TOKEN })}&CallbackCommand=State.StateChange`,
  },
  {
    title: 'another command with a query of 33 parameters',
    expected: 'QUERY_INVALID',
    other: BEFORE_SEND,
    options: withToken,
    url: () => `${receiverUrl({ callbackCommand: BEFORE_SEND, token: TOKEN })}${'&x=1'.repeat(26)}`,
    check: ({ rejections }) => {
      expect(rejections[0]?.message).to.equal('query has more than 32 parameters');
    },
  },
  {
    title: 'the recall command given twice, named in the refusal',
    expected: 'QUERY_INVALID',
    options: withToken,
    url: () => `${signed()}&CallbackCommand=C2C.CallbackAfterMsgWithDraw`,
  },
  {
    title: 'another command, then the recall command, named in the refusal as the recall',
    expected: 'QUERY_INVALID',
    options: withToken,
    url: () => `/callback?CallbackCommand=${BEFORE_SEND}&${receiverQuery({ token: TOKEN })}`,
  },
  {
    title: 'a command name with a space, not echoed in the refusal',
    expected: 'QUERY_INVALID',
    rejectedCommand: undefined,
    options: withToken,
    url: () => receiverUrl({ callbackCommand: 'C2C.Callback Before', token: TOKEN }),
  },
  {
    title: 'a command name over 64 characters',
    expected: 'QUERY_INVALID',
    rejectedCommand: undefined,
    options: withToken,
    url: () => receiverUrl({ callbackCommand: `C2C.${'x'.repeat(61)}`, token: TOKEN }),
  },
  // The console's check of the URL: Sign and RequestTime without a command.
  {
    title: 'a signed check of the URL, without SdkAppid',
    expected: 'checked',
    options: withToken,
    url: () => checkUrl(TOKEN),
  },
  {
    title: "a signed check of the URL with this app's SdkAppid",
    expected: 'checked',
    options: withToken,
    url: () => `${checkUrl(TOKEN)}&SdkAppid=${String(SDK_APP_ID)}`,
  },
  {
    title: 'a check of the URL signed with another token',
    expected: 'SIGNATURE_INVALID',
    options: withToken,
    url: () => checkUrl('not-the-token'),
  },
  {
    title: 'a check of the URL 2 minutes old',
    expected: 'REQUEST_EXPIRED',
    options: withToken,
    url: () => checkUrl(TOKEN, nowSeconds() - 120),
  },
  {
    title: 'a check of the URL naming another app',
    expected: 'SDKAPPID_MISMATCH',
    options: withToken,
    url: () => `${checkUrl(TOKEN)}&SdkAppid=1400000001`,
  },
  {
    title: 'a check of the URL from a peer outside allowFrom',
    expected: 'ADDRESS_FORBIDDEN',
    options: { ...withToken, allowFrom: OUTSIDE },
    url: () => checkUrl(TOKEN),
  },
  {
    title: 'a check of the URL with Sign only',
    expected: 'SIGNATURE_MISSING',
    options: withToken,
    url: () => checkUrl(TOKEN).replace(/RequestTime=\d+&/, ''),
  },
  {
    title: 'a check of the URL with RequestTime only',
    expected: 'SIGNATURE_MISSING',
    options: withToken,
    url: () => checkUrl(TOKEN).replace(/&Sign=\w+/, ''),
  },
  {
    title: 'a check of the URL with a SdkAppid that is not digits',
    expected: 'QUERY_INVALID',
    options: withToken,
    url: () => `${checkUrl(TOKEN)}&SdkAppid=abc`,
  },
  {
    title: 'a check of the URL with a query of 33 parameters',
    expected: 'QUERY_INVALID',
    options: withToken,
    url: () => `${checkUrl(TOKEN)}${'&x=1'.repeat(31)}`,
    check: ({ rejections }) => {
      expect(rejections[0]?.message).to.equal('query has more than 32 parameters');
    },
  },
  {
    title: 'a Sign without a command to a receiver of unsigned callbacks',
    expected: 'pass',
    url: () => checkUrl(TOKEN),
  },
  // A valid callback.
  {
    title: 'the documented sample with UnreadMsgNum, signed',
    expected: 'OK',
    options: withToken,
    url: signed,
    check: ({ recalls }) => {
      expect(recalls[0]?.body).to.deep.equal(SAMPLE_WITH_UNREAD);
      expect(recalls[0]).to.deep.include({
        sdkAppId: SDK_APP_ID,
        clientIp: '127.0.0.1',
        optPlatform: 'RESTAPI',
        platform: 'RESTAPI',
        eventTime: undefined,
      });
      expect(Math.abs((recalls[0]?.requestTime ?? 0) - nowSeconds())).to.be.below(5);
      expect(recalls[0]?.signedWith).to.equal(0);
    },
  },
  {
    title: 'the documented sample with EventTime, unsigned',
    expected: 'OK',
    body: JSON.stringify(SAMPLE_WITH_EVENT_TIME),
    check: ({ recalls }) => {
      expect(recalls[0]?.eventTime?.getTime()).to.equal(SAMPLE_WITH_EVENT_TIME.EventTime);
      expect(recalls[0]?.requestTime).to.equal(undefined);
      expect(recalls[0]?.signedWith).to.equal(undefined);
    },
  },
  { title: 'one of several configured apps', expected: 'OK', options: { sdkAppId: [1400000009, SDK_APP_ID] } },
  // 2. The peer's address, then the query and authentication: all before the body.
  {
    title: 'a peer in allowFrom by its address',
    expected: 'OK',
    options: { allowFrom: ['127.0.0.1'] },
    check: ({ recalls }) => {
      expect(recalls[0]?.remoteAddress).to.equal(TEST_PEER);
    },
  },
  { title: 'a peer in an allowFrom range', expected: 'OK', options: { allowFrom: [...OUTSIDE, '127.0.0.0/8'] } },
  {
    title: 'a peer outside allowFrom, naming the address in the rejected error',
    expected: 'ADDRESS_FORBIDDEN',
    options: { allowFrom: OUTSIDE },
    check: ({ rejections }) => {
      expect(rejections[0]?.remoteAddress).to.equal(TEST_PEER);
    },
  },
  {
    title: 'an unsigned callback from a peer outside allowFrom, before authentication',
    expected: 'ADDRESS_FORBIDDEN',
    options: { allowFrom: OUTSIDE, token: TOKEN },
  },
  {
    title: 'a peer outside allowFrom that claims an allowed address in proxy headers',
    expected: 'ADDRESS_FORBIDDEN',
    options: { allowFrom: ['192.0.2.1'] },
    headers: { 'X-Forwarded-For': '192.0.2.1', 'X-Real-IP': '192.0.2.1', Forwarded: 'for=192.0.2.1' },
  },
  {
    title: 'an allowFrom function that returns true for the peer',
    expected: 'OK',
    options: { allowFrom: (address) => address === TEST_PEER },
  },
  {
    title: 'an allowFrom function that returns something truthy but not true',
    expected: 'ADDRESS_FORBIDDEN',
    options: { allowFrom: (() => 'yes') as unknown as () => boolean },
  },
  {
    title: 'an allowFrom function that throws',
    expected: 'ADDRESS_FORBIDDEN',
    options: {
      allowFrom: () => {
        throw new Error('lookup failed');
      },
    },
  },
  {
    title: 'another command from a peer outside allowFrom',
    expected: 'ADDRESS_FORBIDDEN',
    other: 'C2C.CallbackAfterSendMsg',
    options: { allowFrom: OUTSIDE },
  },
  { title: 'a query of 32 parameters', expected: 'OK', url: () => urlWithParameters(32) },
  { title: 'a query of 33 parameters', expected: 'QUERY_INVALID', url: () => urlWithParameters(33) },
  {
    title: 'SdkAppid given twice',
    expected: 'QUERY_INVALID',
    options: withToken,
    url: () => `${signed()}&SdkAppid=${String(SDK_APP_ID)}`,
  },
  { title: 'a SdkAppid that is not digits', expected: 'QUERY_INVALID', url: () => receiverUrl({ sdkAppId: 'abc' }) },
  {
    title: 'another app',
    expected: 'SDKAPPID_MISMATCH',
    options: withToken,
    url: () => receiverUrl({ token: TOKEN, sdkAppId: 1400000001 }),
  },
  { title: 'no Sign', expected: 'SIGNATURE_MISSING', options: withToken },
  {
    title: 'a RequestTime that is not seconds',
    expected: 'REQUEST_TIME_INVALID',
    options: withToken,
    url: () => receiverUrl({ token: TOKEN, requestTime: 'now' }),
  },
  {
    title: 'a RequestTime written with a leading zero, correctly signed',
    expected: 'REQUEST_TIME_INVALID',
    options: withToken,
    url: () => receiverUrl({ token: TOKEN, requestTime: `0${String(nowSeconds())}` }),
  },
  {
    title: 'a RequestTime 2 minutes old',
    expected: 'REQUEST_EXPIRED',
    options: withToken,
    url: () => receiverUrl({ token: TOKEN, requestTime: nowSeconds() - 120 }),
  },
  {
    title: 'a RequestTime 2 minutes ahead',
    expected: 'REQUEST_EXPIRED',
    options: withToken,
    url: () => receiverUrl({ token: TOKEN, requestTime: nowSeconds() + 120 }),
  },
  {
    title: 'a Sign made with another token',
    expected: 'SIGNATURE_INVALID',
    options: withToken,
    url: () => receiverUrl({ token: 'not-the-token', requestTime: nowSeconds() }),
    check: ({ text }) => {
      expect(text).not.to.include(TOKEN);
      expect(text).not.to.include(sign(TOKEN, nowSeconds()));
      expect(text).not.to.match(/\bat .*\.(ts|js):\d+/);
    },
  },
  // A token that changes: the old and the new one both sign while the console's change spreads.
  ...(
    [
      ['old', 0],
      ['new', 1],
    ] as const
  ).map(([which, signedWith]): Row => ({
    title: `a callback signed with the ${which} of two tokens, saying which`,
    expected: 'OK',
    options: { token: ['old-token', TOKEN] },
    url: () => receiverUrl({ token: signedWith === 0 ? 'old-token' : TOKEN }),
    check: ({ recalls }) => {
      expect(recalls[0]?.signedWith).to.equal(signedWith);
    },
  })),
  {
    title: 'a Sign made with neither of two tokens, neither in the answer',
    expected: 'SIGNATURE_INVALID',
    options: { token: ['old-token', TOKEN] },
    url: () => receiverUrl({ token: 'not-the-token', requestTime: nowSeconds() }),
    check: ({ text }) => {
      expect(text).not.to.include('old-token');
      expect(text).not.to.include(TOKEN);
    },
  },
  {
    title: 'a callback signed with the token of a list of one',
    expected: 'OK',
    options: { token: [TOKEN] },
    url: signed,
    check: ({ recalls }) => {
      expect(recalls[0]?.signedWith).to.equal(0);
    },
  },
  // 3 and 4. The body.
  { title: 'a body over the limit', expected: 'BODY_TOO_LARGE', options: { limit: 64 } },
  { title: 'a body that is not JSON', expected: 'BODY_INVALID_JSON', body: '{"CallbackCommand":' },
  { title: 'an empty body', expected: 'BODY_INVALID_JSON', body: '' },
  {
    title: 'a __proto__ key',
    expected: 'BODY_FORBIDDEN_KEY',
    body: SAMPLE_BODY_TEXT.replace('{', '{"__proto__":{"isAdmin":true},'),
    check: () => {
      expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    },
  },
  {
    title: 'an empty MsgKey',
    expected: 'BODY_INVALID',
    body: bodyWith({ MsgKey: '' }),
    check: ({ rejections }) => {
      expect(rejections[0]?.field).to.equal('/MsgKey');
    },
  },
  { title: 'a MsgKey of 128 characters', expected: 'OK', body: bodyWith({ MsgKey: 'k'.repeat(128) }) },
  { title: 'a MsgKey of 129 characters', expected: 'BODY_INVALID', body: bodyWith({ MsgKey: 'k'.repeat(129) }) },
  {
    title: 'a To_Account of 129 characters',
    expected: 'BODY_INVALID',
    body: bodyWith({ To_Account: 'u'.repeat(129) }),
  },
  {
    title: 'an UnreadMsgNum of 2^64',
    expected: 'BODY_INVALID',
    body: SAMPLE_BODY_TEXT.replace('"UnreadMsgNum":7', '"UnreadMsgNum":18446744073709551616'),
  },
  {
    title: 'bytes that are not UTF-8 in the MsgKey',
    expected: 'BODY_INVALID_UTF8',
    body: sampleWithByteInMsgKey(0xff),
  },
  {
    title: 'a \\u escape of half a surrogate pair in the MsgKey',
    expected: 'BODY_INVALID_UTF8',
    body: SAMPLE_BODY_TEXT.replace('"MsgKey":"', '"MsgKey":"\\udfff'),
  },
  {
    title: 'a JSON array, naming the body as the field at fault',
    expected: 'BODY_INVALID',
    body: '[]',
    check: ({ rejections }) => {
      expect(rejections[0]?.field).to.equal('');
    },
  },
  {
    title: 'a body failing a stricter schema, naming the field it requires',
    expected: 'BODY_INVALID',
    options: { schema: (s) => ({ ...s, required: [...(s.required as string[]), 'EventTime'] }) },
    check: ({ text, rejections }) => {
      expect(JSON.parse(text)).to.deep.include({
        ErrorInfo: "BODY_INVALID: body must have required property 'EventTime'",
      });
      expect(rejections[0]?.field).to.equal('/EventTime');
    },
  },
  {
    title: 'a body without a CallbackCommand under a schema of the app that allows it',
    expected: 'BODY_INVALID',
    options: { schema: { type: 'object' } },
    body: bodyWith({ CallbackCommand: undefined }),
    check: ({ rejections }) => {
      expect(rejections[0]?.field).to.equal('/CallbackCommand');
    },
  },
  {
    title: 'a body of another command',
    expected: 'COMMAND_MISMATCH',
    body: bodyWith({ CallbackCommand: 'C2C.CallbackAfterSendMsg' }),
    check: ({ rejections }) => {
      expect(rejections[0]?.field).to.equal('/CallbackCommand');
    },
  },
  // 5. Listeners.
  {
    title: 'an async listener, answered after it finished',
    expected: 'OK',
    setup: (events) => {
      events.on('recall', async (event) => {
        await sleep(30);
        (event.body as Record<string, unknown>).finished = true;
      });
    },
    check: ({ recalls }) => {
      expect(recalls[0]?.body.finished).to.equal(true);
    },
  },
  {
    title: 'a listener that rejects, its error kept out of the answer',
    expected: 'LISTENER_FAILED',
    setup: (events) => {
      events.on('recall', () => Promise.reject(new Error('db password is hunter2')));
    },
    check: ({ text, rejections }) => {
      expect(text).not.to.include('hunter2');
      expect((rejections[0]?.cause as Error).message).to.equal('db password is hunter2');
    },
  },
  {
    title: 'a listener that throws',
    expected: 'LISTENER_FAILED',
    setup: (events) => {
      events.on('recall', () => {
        throw new TypeError('bug');
      });
    },
  },
  {
    title: 'a listener that never settles',
    expected: 'LISTENER_TIMEOUT',
    options: { timeoutMs: 50 },
    setup: (events) => {
      events.on('recall', () => new Promise(() => undefined));
    },
  },
  {
    title: 'a synchronous listener that works past timeoutMs',
    expected: 'LISTENER_TIMEOUT',
    options: { timeoutMs: 30 },
    setup: (events) => {
      events.on('recall', () => {
        const until = Date.now() + 60;
        while (Date.now() < until) {
          // Synchronous work cannot be interrupted, only measured.
        }
      });
    },
  },
];

runTable('behaviour table', ROWS);
