import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GroupRecallEvent, OfficialAccountRecallEvent } from '../lib/core/events.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
} from '../lib/protocol/commands.js';
import { sampleCallback, sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../lib/testing/sample.js';
import { callbackUrl, nowSeconds, SDK_APP_ID, TOKEN } from './fixtures/callbacks.js';
import { TEST_PEER, type TableResult } from './helpers/adapters.js';
import { runTable, type Row } from './helpers/table.js';

// Every recall command through every step, on every adapter: the one-to-one recall's full table
// is behaviour.test.ts; here each other command meets the same steps, and the commands meet each
// other on one receiver.

const GROUP = GROUP_RECALL_COMMAND;
const ACCOUNT = OFFICIAL_ACCOUNT_RECALL_COMMAND;
const ALL = { commands: [...RECALL_COMMANDS] };
const OUTSIDE = ['192.0.2.0/24'];

const groupBody = (fields: Record<string, unknown>): string => JSON.stringify({ ...sampleGroupRecall(), ...fields });
const accountBody = (fields: Record<string, unknown>): string =>
  JSON.stringify({ ...sampleOfficialAccountRecall(), ...fields });

function groupEvent({ emitted }: TableResult): GroupRecallEvent {
  const [first] = emitted;
  if (first?.event.command !== GROUP) throw new Error('no group recall was emitted');
  return first.event;
}

function accountEvent({ emitted }: TableResult): OfficialAccountRecallEvent {
  const [first] = emitted;
  if (first?.event.command !== ACCOUNT) throw new Error('no Official Account recall was emitted');
  return first.event;
}

/** Rows for `command` that every step applies to, as for the one-to-one recall. */
function everyStep(command: typeof GROUP | typeof ACCOUNT, label: string): Row[] {
  const options = { commands: [command] };
  return [
    {
      title: `${label} from a peer in allowFrom`,
      expected: 'OK',
      command,
      options: { ...options, allowFrom: ['127.0.0.1'] },
    },
    {
      title: `${label} from a peer outside allowFrom, naming the address`,
      expected: 'ADDRESS_FORBIDDEN',
      command,
      options: { ...options, allowFrom: OUTSIDE },
      check: ({ rejections }) => {
        expect(rejections[0]?.remoteAddress).to.equal(TEST_PEER);
      },
    },
    {
      title: `${label} with a malformed query`,
      expected: 'QUERY_INVALID',
      command,
      options,
      url: () => `${callbackUrl({ command })}&SdkAppid=1`,
    },
    {
      title: `${label} of another app`,
      expected: 'SDKAPPID_MISMATCH',
      command,
      options,
      url: () => callbackUrl({ command, sdkAppId: 1400000009 }),
    },
    {
      title: `${label} signed and verified`,
      expected: 'OK',
      command,
      options: { ...options, token: TOKEN },
      url: () => callbackUrl({ command, token: TOKEN }),
      check: ({ emitted }) => {
        expect(Math.abs((emitted[0]?.event.requestTime ?? 0) - nowSeconds())).to.be.below(5);
      },
    },
    { title: `${label} without Sign`, expected: 'SIGNATURE_MISSING', command, options: { ...options, token: TOKEN } },
    {
      title: `${label} signed with another token`,
      expected: 'SIGNATURE_INVALID',
      command,
      options: { ...options, token: TOKEN },
      url: () => callbackUrl({ command, token: 'another' }),
    },
    {
      title: `${label} with a stale RequestTime`,
      expected: 'REQUEST_EXPIRED',
      command,
      options: { ...options, token: TOKEN },
      url: () => callbackUrl({ command, token: TOKEN, requestTime: nowSeconds() - 120 }),
    },
    { title: `${label} over the body limit`, expected: 'BODY_TOO_LARGE', command, options: { ...options, limit: 64 } },
    { title: `${label} that is not JSON`, expected: 'BODY_INVALID_JSON', command, options, body: '{"GroupId":' },
    {
      title: `${label} holding a __proto__ key`,
      expected: 'BODY_FORBIDDEN_KEY',
      command,
      options,
      body: JSON.stringify(sampleCallback(command)).replace('{', '{"__proto__":{"isAdmin":true},'),
    },
    {
      title: `${label} whose body names another command`,
      expected: 'COMMAND_MISMATCH',
      command,
      options,
      body:
        command === GROUP
          ? groupBody({ CallbackCommand: RECALL_COMMAND })
          : accountBody({ CallbackCommand: RECALL_COMMAND }),
    },
    {
      title: `${label} whose async listener finishes before the answer`,
      expected: 'OK',
      command,
      options,
      setup: (events) => {
        const finish = async (event: GroupRecallEvent | OfficialAccountRecallEvent): Promise<void> => {
          await sleep(20);
          (event.body as Record<string, unknown>).finished = true;
        };
        events.on('groupRecall', finish);
        events.on('officialAccountRecall', finish);
      },
      check: ({ emitted }) => {
        expect(emitted[0]?.event.body.finished).to.equal(true);
      },
    },
    {
      title: `${label} whose listener rejects, its error kept out of the answer`,
      expected: 'LISTENER_FAILED',
      command,
      options,
      setup: (events) => {
        const fail = (): Promise<never> => Promise.reject(new Error('db password is hunter2'));
        events.on('groupRecall', fail);
        events.on('officialAccountRecall', fail);
      },
      check: ({ text }) => {
        expect(text).not.to.include('hunter2');
      },
    },
    {
      title: `${label} whose listener throws`,
      expected: 'LISTENER_FAILED',
      command,
      options,
      setup: (events) => {
        const fail = (): never => {
          throw new TypeError('bug');
        };
        events.on('groupRecall', fail);
        events.on('officialAccountRecall', fail);
      },
    },
    {
      title: `${label} whose listener never settles`,
      expected: 'LISTENER_TIMEOUT',
      command,
      options: { ...options, timeoutMs: 50 },
      setup: (events) => {
        events.on('groupRecall', () => new Promise(() => undefined));
        events.on('officialAccountRecall', () => new Promise(() => undefined));
      },
    },
  ];
}

/** Rows of bodies the default schema of `command` refuses, nothing emitted. */
function badBodies(
  command: typeof GROUP | typeof ACCOUNT,
  label: string,
  body: (fields: Record<string, unknown>) => string,
  cases: readonly (readonly [string, Record<string, unknown>])[],
): Row[] {
  return cases.map(([what, fields]) => ({
    title: `${label} with ${what}`,
    expected: 'BODY_INVALID',
    command,
    options: ALL,
    body: body(fields),
  }));
}

const ROWS: readonly Row[] = [
  // Which commands a receiver answers.
  { title: 'a group recall to a receiver of the default commands', expected: 'pass', command: GROUP, options: {} },
  {
    title: 'an Official Account recall to a receiver of one-to-one and group recalls',
    expected: 'pass',
    command: ACCOUNT,
    options: { commands: [RECALL_COMMAND, GROUP] },
  },
  {
    title: 'a one-to-one recall to a receiver of group recalls only',
    expected: 'pass',
    options: { commands: [GROUP] },
  },
  {
    title: 'a group recall from a peer outside allowFrom to a receiver that does not answer it',
    expected: 'pass',
    command: GROUP,
    options: { allowFrom: OUTSIDE },
  },
  { title: 'a one-to-one recall to a receiver of every command', expected: 'OK', options: ALL },
  // The documented samples, with every field of the event.
  {
    title: "the Chinese docs' group sample, signed: topic, MsgId and EventTime as a number",
    expected: 'OK',
    command: GROUP,
    options: { ...ALL, token: TOKEN },
    url: () => callbackUrl({ command: GROUP, token: TOKEN }),
    check: (result) => {
      const event = groupEvent(result);
      expect(event.body).to.deep.equal(sampleGroupRecall());
      expect(event).to.deep.include({
        command: GROUP,
        conversation: { type: 'group', groupId: '1213456', topicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic' },
        messages: [{ msgKey: undefined, msgSeq: 130, msgId: '144115213033478435-1739361321-2512805311' }],
        operator: 'admin',
        sdkAppId: SDK_APP_ID,
        remoteAddress: TEST_PEER,
        clientIp: '127.0.0.1',
        optPlatform: 'RESTAPI',
        platform: 'RESTAPI',
      });
      expect(event.eventTime?.getTime()).to.equal(1670574414123);
      expect(event.receivedAt).to.be.instanceOf(Date);
    },
  },
  {
    title: "the international docs' group form: no topic, no MsgId, EventTime as a string",
    expected: 'OK',
    command: GROUP,
    options: ALL,
    body: JSON.stringify(sampleGroupRecall({}, 'international-docs')),
    check: (result) => {
      const event = groupEvent(result);
      expect(event.body).to.deep.equal(sampleGroupRecall({}, 'international-docs'));
      expect(event.conversation).to.deep.equal({ type: 'group', groupId: '@TGS#2J4SZEAEL', topicId: undefined });
      expect(event.messages).to.deep.equal([{ msgKey: undefined, msgSeq: 130, msgId: undefined }]);
      expect(event.eventTime?.getTime()).to.equal(1670574414123);
      expect(event.requestTime).to.equal(undefined);
    },
  },
  {
    title: 'a group recall without EventTime, of several messages',
    expected: 'OK',
    command: GROUP,
    options: { commands: [GROUP] },
    body: groupBody({ EventTime: undefined, MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: 2, MsgId: 'm2' }] }),
    check: (result) => {
      const event = groupEvent(result);
      expect(event.eventTime).to.equal(undefined);
      expect(event.messages.map((message) => message.msgSeq)).to.deep.equal([1, 2]);
    },
  },
  {
    title: "the Official Account docs' sample",
    expected: 'OK',
    command: ACCOUNT,
    options: ALL,
    check: (result) => {
      const event = accountEvent(result);
      expect(event.body).to.deep.equal(sampleOfficialAccountRecall());
      expect(event).to.deep.include({
        command: ACCOUNT,
        conversation: { type: 'officialAccount', account: '#TOA#_123' },
        messages: [{ msgKey: '71_1_1698741698', msgSeq: undefined, msgId: undefined }],
        operator: undefined,
      });
      expect(event.eventTime?.getTime()).to.equal(sampleOfficialAccountRecall().EventTime);
    },
  },
  {
    title: 'a one-to-one recall, with the same view as the others',
    expected: 'OK',
    options: ALL,
    check: ({ recalls }) => {
      expect(recalls[0]).to.deep.include({
        command: RECALL_COMMAND,
        conversation: { type: 'c2c', from: 'jared', to: 'Jonh' },
        messages: [{ msgKey: '48374_2837546_1557481126', msgSeq: undefined, msgId: undefined }],
        operator: undefined,
      });
    },
  },
  // Bad bodies, per command: refused, nothing emitted.
  ...badBodies(GROUP, 'a group recall', groupBody, [
    ['an empty MsgSeqList', { MsgSeqList: [] }],
    ['a MsgSeqList of 101 messages', { MsgSeqList: Array.from({ length: 101 }, (_, MsgSeq) => ({ MsgSeq })) }],
    ['a negative MsgSeq', { MsgSeqList: [{ MsgSeq: -1 }] }],
    ['a MsgSeq as a string', { MsgSeqList: [{ MsgSeq: '130' }] }],
    ['a MsgSeqList item without MsgSeq', { MsgSeqList: [{ MsgId: 'x' }] }],
    ['an EventTime string that is not digits', { EventTime: '2022-12-09' }],
    ['no GroupId', { GroupId: undefined }],
    ['no Operator_Account', { Operator_Account: undefined }],
    ['a GroupId of 129 characters', { GroupId: 'g'.repeat(129) }],
  ]),
  {
    title: 'a group body under a one-to-one query',
    expected: 'BODY_INVALID',
    options: ALL,
    body: JSON.stringify(sampleGroupRecall()),
  },
  ...badBodies(ACCOUNT, 'an Official Account recall', accountBody, [
    ['an empty WithdrawMsgList', { WithdrawMsgList: [] }],
    ['an item without MsgKey', { WithdrawMsgList: [{}] }],
    ['no EventTime', { EventTime: undefined }],
    ['no Official_Account', { Official_Account: undefined }],
  ]),
  {
    title: 'a group recall without messages under a schema of the app that allows it',
    expected: 'BODY_INVALID',
    command: GROUP,
    options: { ...ALL, schemas: { [GROUP]: { type: 'object' } } },
    body: groupBody({ MsgSeqList: undefined }),
    check: ({ text }) => {
      expect(text).to.include('a non-empty GroupId and a non-empty MsgSeqList');
    },
  },
  {
    title: 'a group recall refused by a stricter schema of the app',
    expected: 'BODY_INVALID',
    command: GROUP,
    options: {
      ...ALL,
      schemas: { [GROUP]: (s) => ({ ...s, required: [...(s.required as string[]), 'TopicId'] }) },
    },
    body: JSON.stringify(sampleGroupRecall({}, 'international-docs')),
    check: ({ text }) => {
      expect(text).to.include("must have required property 'TopicId'");
    },
  },
  // Listeners: each command under its own name only.
  {
    title: 'a group recall, calling no one-to-one listener',
    expected: 'OK',
    command: GROUP,
    options: ALL,
    setup: (events) => {
      events.on('recall', () => {
        throw new Error('a one-to-one listener was called for a group recall');
      });
    },
  },
  ...everyStep(GROUP, 'a group recall'),
  ...everyStep(ACCOUNT, 'an Official Account recall'),
  {
    title: 'an Official Account recall whose listener throws, while the group listener would succeed',
    expected: 'LISTENER_FAILED',
    command: ACCOUNT,
    options: ALL,
    setup: (events) => {
      events.on('groupRecall', () => undefined);
      events.on('officialAccountRecall', () => {
        throw new Error('down');
      });
    },
  },
  {
    title: 'a one-to-one recall, still, on a receiver of every command',
    expected: 'OK',
    options: ALL,
    body: JSON.stringify(sampleRecall({ EventTime: '1670574414123' })),
  },
];

runTable('every recall command', ROWS);
