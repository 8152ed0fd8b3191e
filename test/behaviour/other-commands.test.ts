import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GroupRecallEvent, OfficialAccountRecallEvent } from '../../lib/core/events.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
} from '../../lib/protocol/commands.js';
import {
  sampleCallback,
  sampleGroupRecall,
  sampleOfficialAccountRecall,
  sampleRecall,
} from '../../lib/testing/sample.js';
import { receiverUrl, nowSeconds, TOKEN } from '../fixtures/callbacks.js';
import { TEST_PEER } from '../helpers/adapters.js';
import { runTable, type Row } from '../helpers/table.js';

// Every recall command through every step, on every adapter: the one-to-one recall's full table
// is steps.test.ts; here each other command meets the same steps, and the commands meet each
// other on one receiver.

const GROUP = GROUP_RECALL_COMMAND;
const ACCOUNT = OFFICIAL_ACCOUNT_RECALL_COMMAND;
const ALL = { commands: [...RECALL_COMMANDS] };
const OUTSIDE = ['192.0.2.0/24'];

const groupBody = (fields: Record<string, unknown>): string => JSON.stringify({ ...sampleGroupRecall(), ...fields });
const accountBody = (fields: Record<string, unknown>): string =>
  JSON.stringify({ ...sampleOfficialAccountRecall(), ...fields });

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
      url: () => `${receiverUrl({ callbackCommand: command })}&SdkAppid=1`,
    },
    {
      title: `${label} of another app`,
      expected: 'SDKAPPID_MISMATCH',
      command,
      options,
      url: () => receiverUrl({ callbackCommand: command, sdkAppId: 1400000009 }),
    },
    {
      title: `${label} signed and verified`,
      expected: 'OK',
      command,
      options: { ...options, token: TOKEN },
      url: () => receiverUrl({ callbackCommand: command, token: TOKEN }),
      check: ({ emitted }) => {
        expect(Math.abs((emitted[0]?.event.requestTime ?? 0) - nowSeconds())).to.be.below(5);
      },
    },
    {
      title: `${label} signed with the second of two tokens`,
      expected: 'OK',
      command,
      options: { ...options, token: ['old-token', TOKEN] },
      url: () => receiverUrl({ callbackCommand: command, token: TOKEN }),
      check: ({ emitted }) => {
        expect(emitted[0]?.event.signedWith).to.equal(1);
      },
    },
    { title: `${label} without Sign`, expected: 'SIGNATURE_MISSING', command, options: { ...options, token: TOKEN } },
    {
      title: `${label} signed with another token`,
      expected: 'SIGNATURE_INVALID',
      command,
      options: { ...options, token: TOKEN },
      url: () => receiverUrl({ callbackCommand: command, token: 'another' }),
    },
    {
      title: `${label} with a stale RequestTime`,
      expected: 'REQUEST_EXPIRED',
      command,
      options: { ...options, token: TOKEN },
      url: () => receiverUrl({ callbackCommand: command, token: TOKEN, requestTime: nowSeconds() - 120 }),
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
  cases: readonly (readonly [string, Record<string, unknown>, string])[],
): Row[] {
  return cases.map(([what, fields, field]) => ({
    title: `${label} with ${what}, naming the field at fault`,
    expected: 'BODY_INVALID',
    command,
    options: ALL,
    body: body(fields),
    check: ({ rejections }) => {
      expect(rejections[0]?.field).to.equal(field);
    },
  }));
}

const ROWS: readonly Row[] = [
  // Which commands a receiver answers.
  // A recall command the receiver does not answer is any other command to it: verified, handed on.
  {
    title: 'a group recall to a receiver of the default commands',
    expected: 'verified',
    command: GROUP,
    other: GROUP,
    options: {},
  },
  {
    title: 'an Official Account recall to a receiver of one-to-one and group recalls',
    expected: 'verified',
    command: ACCOUNT,
    other: ACCOUNT,
    options: { commands: [RECALL_COMMAND, GROUP] },
  },
  {
    title: 'a one-to-one recall to a receiver of group recalls only',
    expected: 'verified',
    other: RECALL_COMMAND,
    options: { commands: [GROUP] },
  },
  {
    title: 'a group recall from a peer outside allowFrom to a receiver that does not answer it',
    expected: 'ADDRESS_FORBIDDEN',
    command: GROUP,
    other: GROUP,
    options: { allowFrom: OUTSIDE },
  },
  {
    title:
      'a group recall from a peer outside allowFrom to a receiver that does not answer it, with verifyOtherCommands: false',
    expected: 'pass',
    command: GROUP,
    options: { allowFrom: OUTSIDE, verifyOtherCommands: false },
  },
  { title: 'a one-to-one recall to a receiver of every command', expected: 'OK', options: ALL },
  // The published samples and what Tencent may send besides: published.test.ts.
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
    ['an empty MsgSeqList', { MsgSeqList: [] }, '/MsgSeqList'],
    [
      'a MsgSeqList of 101 messages',
      { MsgSeqList: Array.from({ length: 101 }, (_, MsgSeq) => ({ MsgSeq })) },
      '/MsgSeqList',
    ],
    ['a negative MsgSeq', { MsgSeqList: [{ MsgSeq: -1 }] }, '/MsgSeqList/0/MsgSeq'],
    ['a MsgSeq as a string', { MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: '130' }] }, '/MsgSeqList/1/MsgSeq'],
    ['a MsgSeqList item without MsgSeq', { MsgSeqList: [{ MsgId: 'x' }] }, '/MsgSeqList/0/MsgSeq'],
    ['an EventTime string that is not digits', { EventTime: '2022-12-09' }, '/EventTime'],
    ['no GroupId', { GroupId: undefined }, '/GroupId'],
    ["a GroupId of ''", { GroupId: '' }, '/GroupId'],
    ['a GroupId of 129 characters', { GroupId: 'g'.repeat(129) }, '/GroupId'],
    // Fields that name nothing may be absent or '', but when present are of their type and size.
    ['a Type that is a number', { Type: 7 }, '/Type'],
    ['an Operator_Account that is a number', { Operator_Account: 7 }, '/Operator_Account'],
    ['a TopicId of 257 characters', { TopicId: 't'.repeat(257) }, '/TopicId'],
    ['a MsgId that is a number', { MsgSeqList: [{ MsgSeq: 130, MsgId: 7 }] }, '/MsgSeqList/0/MsgId'],
  ]),
  {
    title: 'a group body under a one-to-one query',
    expected: 'BODY_INVALID',
    options: ALL,
    body: JSON.stringify(sampleGroupRecall()),
  },
  ...badBodies(ACCOUNT, 'an Official Account recall', accountBody, [
    ['an empty WithdrawMsgList', { WithdrawMsgList: [] }, '/WithdrawMsgList'],
    ['an item without MsgKey', { WithdrawMsgList: [{}] }, '/WithdrawMsgList/0/MsgKey'],
    ["a MsgKey of ''", { WithdrawMsgList: [{ MsgKey: '' }] }, '/WithdrawMsgList/0/MsgKey'],
    ['no Official_Account', { Official_Account: undefined }, '/Official_Account'],
    ['an EventTime that is not milliseconds', { EventTime: '1e12' }, '/EventTime'],
  ]),
  {
    title: 'a group recall without messages under a schema of the app that allows it',
    expected: 'BODY_INVALID',
    command: GROUP,
    options: { ...ALL, schemas: { [GROUP]: { type: 'object' } } },
    body: groupBody({ MsgSeqList: undefined }),
    check: ({ text, rejections }) => {
      expect(text).to.include('a non-empty GroupId and a non-empty MsgSeqList');
      expect(rejections[0]?.field).to.equal('/MsgSeqList');
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
