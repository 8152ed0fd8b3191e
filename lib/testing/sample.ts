import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  type GroupRecallBody,
  type OfficialAccountRecallBody,
  type RecallBody,
  type RecallCommand,
} from '../protocol/commands.js';

/** Fields to put over a sample body: any of the body type's, or extra ones. */
export type BodyOverrides<B> = Partial<B> & Readonly<Record<string, unknown>>;

/** Fields to put over the one-to-one sample body. */
export type RecallBodyOverrides = BodyOverrides<RecallBody>;

/**
 * A valid `C2C.CallbackAfterMsgWithDraw` body: the international docs' sample
 * (`jared` recalled `48374_2837546_1557481126` sent to `Jonh`, 7 unread), with `overrides` over it.
 */
export function sampleRecall(overrides: RecallBodyOverrides = {}): RecallBody {
  return {
    CallbackCommand: RECALL_COMMAND,
    From_Account: 'jared',
    To_Account: 'Jonh',
    MsgKey: '48374_2837546_1557481126',
    UnreadMsgNum: 7,
    ...overrides,
  };
}

/**
 * The two forms the docs give a group recall in:
 * - `'chinese-docs'`: the Chinese page's sample, a message in a Community topic, with `MsgId` and
 *   `EventTime` as a number (cloud.tencent.com/document/product/269/73141);
 * - `'international-docs'`: as the international pages show it, no topic, no `MsgId`, and
 *   `EventTime` as a numeric string (tencentcloud.com/document/product/1047/46979).
 */
export type GroupSampleForm = 'chinese-docs' | 'international-docs';

const GROUP_SAMPLES: Readonly<Record<GroupSampleForm, GroupRecallBody>> = {
  'chinese-docs': {
    CallbackCommand: GROUP_RECALL_COMMAND,
    Operator_Account: 'admin',
    Type: 'Community',
    GroupId: '1213456',
    MsgSeqList: [{ MsgSeq: 130, MsgId: '144115213033478435-1739361321-2512805311' }],
    TopicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
    EventTime: 1670574414123,
  },
  'international-docs': {
    CallbackCommand: GROUP_RECALL_COMMAND,
    Operator_Account: 'admin',
    Type: 'Public',
    GroupId: '@TGS#2J4SZEAEL',
    MsgSeqList: [{ MsgSeq: 130 }],
    EventTime: '1670574414123',
  },
};

/** A valid `Group.CallbackAfterRecallMsg` body in one of the docs' forms, with `overrides` over it. */
export function sampleGroupRecall(
  overrides: BodyOverrides<GroupRecallBody> = {},
  form: GroupSampleForm = 'chinese-docs',
): GroupRecallBody {
  return { ...structuredClone(GROUP_SAMPLES[form]), ...overrides };
}

/**
 * A valid `OfficialAccount.CallbackAfterMsgWithDraw` body: the docs' sample (`#TOA#_123` recalled
 * `71_1_1698741698`), with `overrides` over it.
 */
export function sampleOfficialAccountRecall(
  overrides: BodyOverrides<OfficialAccountRecallBody> = {},
): OfficialAccountRecallBody {
  return {
    CallbackCommand: OFFICIAL_ACCOUNT_RECALL_COMMAND,
    Official_Account: '#TOA#_123',
    WithdrawMsgList: [{ MsgKey: '71_1_1698741698' }],
    EventTime: 1698741698123,
    ...overrides,
  };
}

/** The sample body of `command`, with `overrides` over it. */
export function sampleCallback(
  command: RecallCommand,
  overrides: Readonly<Record<string, unknown>> = {},
): Readonly<Record<string, unknown>> {
  if (command === GROUP_RECALL_COMMAND) return sampleGroupRecall(overrides);
  if (command === OFFICIAL_ACCOUNT_RECALL_COMMAND) return sampleOfficialAccountRecall(overrides);
  return sampleRecall(overrides);
}
