import { expect } from 'chai';
import type { AnyRecallEvent } from '../../lib/core/events.js';
import { memoryStore } from '../../lib/stores/memory.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
  type RecallCommand,
  type RecallView,
} from '../../lib/protocol/commands.js';
import { sampleGroupRecall, sampleOfficialAccountRecall } from '../../lib/testing/sample.js';
import { receiverUrl, SDK_APP_ID, TOKEN } from '../fixtures/callbacks.js';
import {
  C2C_CHINESE,
  C2C_INTERNATIONAL,
  GROUP_CHINESE,
  GROUP_MODIFY_2026,
  OFFICIAL_ACCOUNT,
  OK_ANSWER_SAMPLE,
  parsed,
  SAMPLE_QUERY,
  type Published,
} from '../fixtures/published.js';
import { ADAPTERS, TEST_PEER, type TableResult } from '../helpers/adapters.js';
import { runTable, type Row } from '../helpers/table.js';

// Every sample Tencent publishes, and what a careful reader of its pages expects it may also send
// (fields absent or '', fields added, more query parameters), answered OK and read into the same
// view on every adapter. A genuine callback refused is a recall lost: the Chat backend does not
// retry an after-event callback.

const GROUP = GROUP_RECALL_COMMAND;
const ACCOUNT = OFFICIAL_ACCOUNT_RECALL_COMMAND;
const ALL = { commands: [...RECALL_COMMANDS] };

/** What the event must say of a callback: its view, and its EventTime in milliseconds if any. */
interface Expected extends RecallView {
  readonly eventTime?: number;
}

const c2cView = (msgKey = '48374_2837546_1557481126'): RecallView => ({
  conversation: { type: 'c2c', from: 'jared', to: 'Jonh' },
  messages: [{ msgKey, msgSeq: undefined, msgId: undefined }],
  operator: undefined,
});

const groupView = (
  groupId: string,
  topicId: string | undefined,
  messages: readonly (readonly [number, string | undefined])[],
  operator: string | undefined,
): RecallView => ({
  conversation: { type: 'group', groupId, topicId },
  messages: messages.map(([msgSeq, msgId]) => ({ msgKey: undefined, msgSeq, msgId })),
  operator,
});

const accountView = (account: string, msgKeys: readonly string[]): RecallView => ({
  conversation: { type: 'officialAccount', account },
  messages: msgKeys.map((msgKey) => ({ msgKey, msgSeq: undefined, msgId: undefined })),
  operator: undefined,
});

/** Checks that the one event emitted has `body` as it arrived, and reads as `expected`. */
function readAs(body: unknown, expected: Expected): (result: TableResult) => void {
  return ({ emitted }) => {
    const event: AnyRecallEvent | undefined = emitted[0]?.event;
    expect(event?.body).to.deep.equal(body);
    expect({ conversation: event?.conversation, messages: event?.messages, operator: event?.operator }).to.deep.equal({
      conversation: expected.conversation,
      messages: expected.messages,
      operator: expected.operator,
    });
    expect(event?.eventTime?.getTime()).to.equal(expected.eventTime);
    expect(event).to.deep.include({ sdkAppId: SDK_APP_ID, remoteAddress: TEST_PEER });
    expect(event?.receivedAt).to.be.instanceOf(Date);
  };
}

/** A row that sends `body` (published text, or fields as JSON) as `command` and expects OK, read as `expected`. */
function accepted(
  title: string,
  command: RecallCommand,
  body: Published | Readonly<Record<string, unknown>>,
  expected: Expected,
  more: Partial<Row> = {},
): Row {
  const text = typeof body.text === 'string' ? body.text : JSON.stringify(body);
  return {
    title,
    expected: 'OK',
    command,
    options: ALL,
    body: text,
    check: readAs(JSON.parse(text), expected),
    ...more,
  };
}

const c2c = (fields: Record<string, unknown>): Record<string, unknown> => ({ ...parsed(C2C_INTERNATIONAL), ...fields });
const chineseGroup = (fields: Record<string, unknown>): Record<string, unknown> => ({
  ...parsed(GROUP_CHINESE),
  ...fields,
});
const account = (fields: Record<string, unknown>): Record<string, unknown> => ({
  ...parsed(OFFICIAL_ACCOUNT),
  ...fields,
});

const CHINESE_TOPIC = '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic';
const CHINESE_MSG_ID = '144115213033478435-1739361321-2512805311';
const EVENT_TIME = 1670574414123;

const PUBLISHED: readonly Row[] = [
  accepted(
    "the international page's one-to-one sample, on the page's sample URL",
    RECALL_COMMAND,
    C2C_INTERNATIONAL,
    c2cView(),
    {
      url: () => `/callback?${SAMPLE_QUERY.text}`,
      options: {},
      check: (result) => {
        readAs(parsed(C2C_INTERNATIONAL), c2cView())(result);
        // The answer, byte for byte as the page shows it.
        expect(result.text).to.equal(OK_ANSWER_SAMPLE.text);
        expect(result.emitted[0]?.event).to.deep.include({
          clientIp: '127.0.0.1',
          optPlatform: 'RESTAPI',
          platform: 'RESTAPI',
          requestTime: undefined,
        });
      },
    },
  ),
  accepted("the international page's one-to-one sample, signed", RECALL_COMMAND, C2C_INTERNATIONAL, c2cView(), {
    options: { token: TOKEN },
    url: () => receiverUrl({ token: TOKEN }),
  }),
  accepted("the Chinese page's one-to-one sample, with EventTime", RECALL_COMMAND, C2C_CHINESE, {
    ...c2cView(),
    eventTime: EVENT_TIME,
  }),
  accepted(
    "the Chinese page's group sample: a Community topic, MsgId",
    GROUP,
    GROUP_CHINESE,
    { ...groupView('1213456', CHINESE_TOPIC, [[130, CHINESE_MSG_ID]], 'admin'), eventTime: EVENT_TIME },
    { options: { ...ALL, token: TOKEN }, url: () => receiverUrl({ callbackCommand: GROUP, token: TOKEN }) },
  ),
  accepted(
    "the Official Account pages' fields, without the EventTime they give no value for",
    ACCOUNT,
    OFFICIAL_ACCOUNT,
    accountView('#TOA#_123', ['71_1_1698741698']),
  ),
  {
    title: "the 2026 pages' sibling group callback (Group.CallbackAfterModifyMsg), not a recall",
    expected: 'verified',
    other: 'Group.CallbackAfterModifyMsg',
    options: ALL,
    url: () => receiverUrl({ callbackCommand: 'Group.CallbackAfterModifyMsg' }),
    body: GROUP_MODIFY_2026.text,
  },
];

const ONE_TO_ONE: readonly Row[] = [
  accepted(
    'a one-to-one recall with neither UnreadMsgNum nor EventTime',
    RECALL_COMMAND,
    c2c({ UnreadMsgNum: undefined }),
    c2cView(),
  ),
  accepted('a one-to-one recall with both UnreadMsgNum and EventTime', RECALL_COMMAND, c2c({ EventTime: EVENT_TIME }), {
    ...c2cView(),
    eventTime: EVENT_TIME,
  }),
  accepted(
    'a one-to-one recall with EventTime as a numeric string, as group samples send it',
    RECALL_COMMAND,
    c2c({ EventTime: String(EVENT_TIME) }),
    { ...c2cView(), eventTime: EVENT_TIME },
  ),
  accepted("a one-to-one recall with EventTime ''", RECALL_COMMAND, c2c({ EventTime: '' }), c2cView()),
  accepted(
    'a one-to-one recall with the fields the 2026 one-to-one pages add (CloudCustomData, MsgSeq, MsgRandom, MsgTime, Operator_Account)',
    RECALL_COMMAND,
    c2c({
      CloudCustomData: '',
      MsgSeq: 28460,
      MsgRandom: 2837546,
      MsgTime: 1557481126,
      Operator_Account: 'jared',
      EventTime: EVENT_TIME,
    }),
    { ...c2cView(), eventTime: EVENT_TIME },
  ),
  accepted(
    'a one-to-one recall with fields no page shows yet, nested',
    RECALL_COMMAND,
    c2c({ SomeFutureField: { nested: [1, 'two', null] }, AnotherOne: true }),
    c2cView(),
  ),
];

const GROUPS: readonly Row[] = [
  accepted(
    "a group recall with TopicId '', as the 2026 group pages write a group without topics",
    GROUP,
    chineseGroup({ TopicId: '', Type: 'Public' }),
    { ...groupView('1213456', undefined, [[130, CHINESE_MSG_ID]], 'admin'), eventTime: EVENT_TIME },
  ),
  accepted(
    "the international pages' group form: no topic, no MsgId, EventTime as a string",
    GROUP,
    sampleGroupRecall({}, 'international-docs'),
    { ...groupView('@TGS#2J4SZEAEL', undefined, [[130, undefined]], 'admin'), eventTime: EVENT_TIME },
  ),
  accepted(
    'a group recall without Operator_Account or Type',
    GROUP,
    chineseGroup({ Operator_Account: undefined, Type: undefined }),
    { ...groupView('1213456', CHINESE_TOPIC, [[130, CHINESE_MSG_ID]], undefined), eventTime: EVENT_TIME },
  ),
  accepted(
    "a group recall with Operator_Account '' and Type ''",
    GROUP,
    chineseGroup({ Operator_Account: '', Type: '' }),
    { ...groupView('1213456', CHINESE_TOPIC, [[130, CHINESE_MSG_ID]], undefined), eventTime: EVENT_TIME },
  ),
  accepted(
    "a group recall with MsgId '' beside one with a MsgId",
    GROUP,
    chineseGroup({
      MsgSeqList: [
        { MsgSeq: 130, MsgId: '' },
        { MsgSeq: 131, MsgId: 'm131' },
      ],
    }),
    {
      ...groupView(
        '1213456',
        CHINESE_TOPIC,
        [
          [130, undefined],
          [131, 'm131'],
        ],
        'admin',
      ),
      eventTime: EVENT_TIME,
    },
  ),
  accepted(
    'a REST recall of 10 group messages, without EventTime',
    GROUP,
    chineseGroup({ EventTime: undefined, MsgSeqList: Array.from({ length: 10 }, (_, i) => ({ MsgSeq: 130 + i })) }),
    groupView(
      '1213456',
      CHINESE_TOPIC,
      Array.from({ length: 10 }, (_, i) => [130 + i, undefined] as const),
      'admin',
    ),
  ),
  accepted(
    "a group recall with EventTime '', and only what names its messages",
    GROUP,
    { CallbackCommand: GROUP, GroupId: 'g1', MsgSeqList: [{ MsgSeq: 0 }], EventTime: '' },
    groupView('g1', undefined, [[0, undefined]], undefined),
  ),
  accepted(
    'a group recall with fields no page shows yet, at the top and in a message',
    GROUP,
    chineseGroup({ CloudCustomData: 'x', MsgSeqList: [{ MsgSeq: 130, MsgTime: 1670574414, Future: {} }] }),
    { ...groupView('1213456', CHINESE_TOPIC, [[130, undefined]], 'admin'), eventTime: EVENT_TIME },
  ),
];

const OFFICIAL_ACCOUNTS: readonly Row[] = [
  accepted('an Official Account recall with EventTime as a number', ACCOUNT, sampleOfficialAccountRecall(), {
    ...accountView('#TOA#_123', ['71_1_1698741698']),
    eventTime: 1698741698123,
  }),
  accepted(
    'an Official Account recall with EventTime as a numeric string',
    ACCOUNT,
    account({ EventTime: '1698741698123' }),
    { ...accountView('#TOA#_123', ['71_1_1698741698']), eventTime: 1698741698123 },
  ),
  accepted(
    "an Official Account recall of an account written as the after-send page writes it ('@TOA#_')",
    ACCOUNT,
    account({
      Official_Account: '@TOA#_2J4SZEAEL',
      WithdrawMsgList: [{ MsgKey: '71_1_1698741698' }, { MsgKey: '71_2_1698741699' }],
    }),
    accountView('@TOA#_2J4SZEAEL', ['71_1_1698741698', '71_2_1698741699']),
  ),
  accepted(
    'an Official Account recall with fields no page shows yet',
    ACCOUNT,
    account({ Operator_Account: 'admin', WithdrawMsgList: [{ MsgKey: '71_1_1698741698', MsgSeq: 5 }] }),
    accountView('#TOA#_123', ['71_1_1698741698']),
  ),
];

/** The sample URL with `extra` parameters, or with only those the receiver needs. */
const sampleUrl = (extra: string): string => `/callback?${SAMPLE_QUERY.text}${extra}`;

const QUERIES: readonly Row[] = [
  accepted('a callback whose query carries a RequestId', RECALL_COMMAND, C2C_INTERNATIONAL, c2cView(), {
    url: () => sampleUrl('&RequestId=7f3a2c9e-1b2d-4e5f-8a9b-0c1d2e3f4a5b'),
  }),
  accepted(
    'a signed callback whose query carries a RequestId and parameters of the future',
    RECALL_COMMAND,
    C2C_INTERNATIONAL,
    c2cView(),
    {
      options: { ...ALL, token: TOKEN },
      url: () => `${receiverUrl({ token: TOKEN })}&RequestId=abc&Region=sgp&SomeFlag=`,
    },
  ),
  accepted(
    'a callback with only SdkAppid and CallbackCommand in its query',
    RECALL_COMMAND,
    C2C_INTERNATIONAL,
    c2cView(),
    {
      url: () => `/callback?CallbackCommand=${RECALL_COMMAND}&SdkAppid=${String(SDK_APP_ID)}`,
      check: (result) => {
        readAs(parsed(C2C_INTERNATIONAL), c2cView())(result);
        expect(result.emitted[0]?.event).to.deep.include({
          clientIp: undefined,
          optPlatform: undefined,
          platform: undefined,
        });
      },
    },
  ),
  ...(
    [
      ['macOS', 'Mac'],
      ['IPad', 'iPad'],
      ['Harmony', 'Unknown'],
    ] as const
  ).map(([raw, platform]) =>
    accepted(`a callback from OptPlatform ${raw}`, RECALL_COMMAND, C2C_INTERNATIONAL, c2cView(), {
      url: () => `/callback?${SAMPLE_QUERY.text.replace('OptPlatform=RESTAPI', `OptPlatform=${raw}`)}`,
      check: (result) => {
        expect(result.emitted[0]?.event).to.deep.include({ optPlatform: raw, platform });
      },
    }),
  ),
];

runTable('published samples and what Tencent may send', [
  ...PUBLISHED,
  ...ONE_TO_ONE,
  ...GROUPS,
  ...OFFICIAL_ACCOUNTS,
  ...QUERIES,
]);

describe("published samples: '' and an absent TopicId name one recall", () => {
  for (const adapter of ADAPTERS) {
    it(`should answer the second of them as a duplicate on the ${adapter.name}`, async () => {
      const options = { ...ALL, dedupe: { store: memoryStore() } };
      const duplicates: AnyRecallEvent[] = [];
      const send = (body: Readonly<Record<string, unknown>>) =>
        adapter.send(options, (events) => events.on('duplicate', (event) => duplicates.push(event)), {
          method: 'POST',
          url: receiverUrl({ callbackCommand: GROUP }),
          body: JSON.stringify(body),
        });
      const first = await send(chineseGroup({ TopicId: '' }));
      const second = await send(chineseGroup({ TopicId: undefined }));
      expect(first.emitted.map(({ name }) => name)).to.deep.equal(['groupRecall']);
      expect(second.emitted).to.deep.equal([]);
      expect(JSON.parse(second.text)).to.deep.equal(JSON.parse(OK_ANSWER_SAMPLE.text));
      expect(duplicates.map(({ conversation }) => conversation)).to.deep.equal([
        { type: 'group', groupId: '1213456', topicId: undefined },
      ]);
      // A topic is another conversation: the same MsgSeq there is another recall.
      const third = await send(chineseGroup({}));
      expect(third.emitted.map(({ name }) => name)).to.deep.equal(['groupRecall']);
    });
  }
});
