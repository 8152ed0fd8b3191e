import { expect } from 'chai';
import { Ajv } from 'ajv';
import {
  C2C_RECALL,
  COMMANDS,
  GROUP_RECALL,
  OFFICIAL_ACCOUNT_RECALL,
  RECALL_COMMANDS,
  recallIdentity,
  type CommandDefinition,
  type RecallView,
} from '../../lib/protocol/commands.js';
import { groupRecallBodySchema, officialAccountRecallBodySchema } from '../../lib/protocol/schemas.js';
import { sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../../lib/testing/sample.js';
import { GROUP_CHINESE, OFFICIAL_ACCOUNT, parsed } from '../fixtures/published.js';

const ajv = new Ajv();
const validGroup = ajv.compile(groupRecallBodySchema);
const validOfficialAccount = ajv.compile(officialAccountRecallBodySchema);

// Bodies of any shape, over the samples: an app's schema may let anything through.
const c2c = (fields: Record<string, unknown>): Record<string, unknown> => ({ ...sampleRecall(), ...fields });
const group = (fields: Record<string, unknown>): Record<string, unknown> => ({ ...sampleGroupRecall(), ...fields });
const account = (fields: Record<string, unknown>): Record<string, unknown> => ({
  ...sampleOfficialAccountRecall(),
  ...fields,
});

/** `body` read by `definition`, which must be able to read it. */
function viewOf(definition: CommandDefinition | undefined, body: Record<string, unknown>): RecallView {
  const view = definition?.read(body);
  if (view === undefined || 'fault' in view) throw new Error(`${JSON.stringify(body)} cannot be read`);
  return view;
}

/** What names the recall of `body`, read by its command's definition. */
function identityOf(body: Record<string, unknown>): string {
  return recallIdentity(
    viewOf(
      COMMANDS.find(({ command }) => command === body.CallbackCommand),
      body,
    ),
  );
}

const CHINESE_GROUP_SAMPLE = parsed(GROUP_CHINESE);

describe('commands', () => {
  it('should define each recall command once, with its own event', () => {
    expect(COMMANDS.map((definition) => definition.command)).to.deep.equal([...RECALL_COMMANDS]);
    expect(COMMANDS.map((definition) => definition.event)).to.deep.equal([
      'recall',
      'groupRecall',
      'officialAccountRecall',
    ]);
  });

  describe('C2C.CallbackAfterMsgWithDraw', () => {
    it('should read the sample as a one-to-one conversation with one message named by its MsgKey', () => {
      expect(C2C_RECALL.read(sampleRecall())).to.deep.equal({
        conversation: { type: 'c2c', from: 'jared', to: 'Jonh' },
        messages: [{ msgKey: '48374_2837546_1557481126', msgSeq: undefined, msgId: undefined }],
        operator: undefined,
      });
    });

    it('should name the recall by its MsgKey, as before other commands existed', () => {
      expect(identityOf(sampleRecall())).to.equal('48374_2837546_1557481126');
    });

    it('should not read a body without a non-empty MsgKey', () => {
      for (const MsgKey of [undefined, '', 7])
        expect(C2C_RECALL.read(c2c({ MsgKey }))).to.deep.equal({ fault: '/MsgKey' });
    });

    it("should give '' for a sender or recipient an app's own schema let be missing or not text", () => {
      const view = viewOf(C2C_RECALL, c2c({ From_Account: undefined, To_Account: 7 }));
      expect(view.conversation).to.deep.equal({ type: 'c2c', from: '', to: '' });
    });
  });

  describe('Group.CallbackAfterRecallMsg', () => {
    it('should accept both documented forms with its default schema', () => {
      expect(validGroup(CHINESE_GROUP_SAMPLE)).to.equal(true);
      expect(validGroup(sampleGroupRecall({}, 'international-docs'))).to.equal(true);
    });

    it('should read the Chinese sample: group, topic, MsgSeq with MsgId, and who recalled', () => {
      expect(GROUP_RECALL.read(CHINESE_GROUP_SAMPLE)).to.deep.equal({
        conversation: { type: 'group', groupId: '1213456', topicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic' },
        messages: [{ msgKey: undefined, msgSeq: 130, msgId: '144115213033478435-1739361321-2512805311' }],
        operator: 'admin',
      });
    });

    it('should read the international form: no topic, no MsgId', () => {
      const view = viewOf(GROUP_RECALL, sampleGroupRecall({}, 'international-docs'));
      expect(view.conversation).to.deep.equal({ type: 'group', groupId: '@TGS#2J4SZEAEL', topicId: undefined });
      expect(view.messages).to.deep.equal([{ msgKey: undefined, msgSeq: 130, msgId: undefined }]);
    });

    it('should read every message of a recall of several, in order', () => {
      const MsgSeqList = [{ MsgSeq: 7 }, { MsgSeq: 3, MsgId: 'm3' }, { MsgSeq: 0 }];
      const view = viewOf(GROUP_RECALL, group({ MsgSeqList }));
      expect(view.messages.map((message) => [message.msgSeq, message.msgId])).to.deep.equal([
        [7, undefined],
        [3, 'm3'],
        [0, undefined],
      ]);
    });

    it('should name the same MsgSeq in two groups, two topics, or a topic and its group as different recalls', () => {
      const identities = [
        group({ GroupId: 'a', TopicId: undefined }),
        group({ GroupId: 'b', TopicId: undefined }),
        group({ GroupId: 'a', TopicId: 't1' }),
        group({ GroupId: 'a', TopicId: 't2' }),
        // Strings that would run together if the parts were only joined.
        group({ GroupId: 'a",null', TopicId: undefined }),
        group({ GroupId: 'a', TopicId: undefined, MsgSeqList: [{ MsgSeq: 130 }, { MsgSeq: 131 }] }),
      ].map(identityOf);
      expect(new Set(identities).size).to.equal(identities.length);
    });

    it('should name a delivery and its retry the same, whatever else differs', () => {
      const first = identityOf(group({ EventTime: 1 }));
      const retry = identityOf(group({ EventTime: 2, Operator_Account: 'someone' }));
      expect(first).to.equal('["1213456","@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic",[130]]');
      expect(retry).to.equal(first);
    });

    it('should name a recall by the set of its MsgSeqs: their order, or one listed twice, is no other recall', () => {
      const of = (...msgSeqs: number[]): string =>
        identityOf(group({ MsgSeqList: msgSeqs.map((MsgSeq) => ({ MsgSeq })) }));
      expect(of(1, 2)).to.equal(of(2, 1));
      expect(of(5, 5)).to.equal(of(5));
      expect(of(2, 10, 2)).to.equal(of(10, 2));
      expect(of(1, 2)).not.to.equal(of(1));
      expect(of(1, 2)).not.to.equal(of(1, 3));
      expect(of(130)).to.equal('["1213456","@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic",[130]]');
    });

    it("should name a recall with TopicId '' as the same recall without one", () => {
      const absent = identityOf(group({ TopicId: undefined }));
      expect(identityOf(group({ TopicId: '' }))).to.equal(absent);
      expect(absent).to.equal('["1213456",null,[130]]');
    });

    it("should read '' in TopicId, MsgId and Operator_Account as none", () => {
      const view = GROUP_RECALL.read(
        group({ TopicId: '', Operator_Account: '', MsgSeqList: [{ MsgSeq: 1, MsgId: '' }] }),
      );
      expect(view).to.deep.equal({
        conversation: { type: 'group', groupId: '1213456', topicId: undefined },
        messages: [{ msgKey: undefined, msgSeq: 1, msgId: undefined }],
        operator: undefined,
      });
    });

    it('should not read a body without a GroupId or a non-empty list of MsgSeq integers, naming the field at fault', () => {
      const bodies = [
        [group({ GroupId: '' }), '/GroupId'],
        [group({ GroupId: 1 }), '/GroupId'],
        [group({ GroupId: undefined, MsgSeqList: [] }), '/GroupId'],
        [group({ MsgSeqList: [] }), '/MsgSeqList'],
        [group({ MsgSeqList: {} }), '/MsgSeqList'],
        [group({ MsgSeqList: [{ MsgSeq: 1 }, null] }), '/MsgSeqList/1'],
        [group({ MsgSeqList: [[130]] }), '/MsgSeqList/0'],
        [group({ MsgSeqList: [{ MsgSeq: -1 }] }), '/MsgSeqList/0/MsgSeq'],
        [group({ MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: 1.5 }] }), '/MsgSeqList/1/MsgSeq'],
        [group({ MsgSeqList: [{ MsgSeq: '130' }] }), '/MsgSeqList/0/MsgSeq'],
        [group({ MsgSeqList: [{ MsgSeq: 2 ** 53 }] }), '/MsgSeqList/0/MsgSeq'],
      ] as const;
      for (const [body, fault] of bodies) {
        expect(GROUP_RECALL.read(body), JSON.stringify(body)).to.deep.equal({ fault });
      }
    });

    it('should refuse with its default schema a body that does not name its messages, or is of the wrong type or size', () => {
      const refused: Record<string, unknown>[] = [
        group({ MsgSeqList: [] }),
        group({ MsgSeqList: [{ MsgId: 'x' }] }),
        group({ MsgSeqList: [{ MsgSeq: -1 }] }),
        group({ MsgSeqList: [{ MsgSeq: '130' }] }),
        group({ MsgSeqList: Array.from({ length: 101 }, (_, MsgSeq) => ({ MsgSeq })) }),
        group({ GroupId: '' }),
        group({ GroupId: 'g'.repeat(129) }),
        group({ EventTime: 'yesterday' }),
        // Informational fields, present: of their type and within their bounds.
        group({ Type: 7 }),
        group({ Operator_Account: 7 }),
        group({ TopicId: 7 }),
        group({ MsgSeqList: [{ MsgSeq: 1, MsgId: 7 }] }),
        group({ Type: 't'.repeat(129) }),
        group({ Operator_Account: 'o'.repeat(129) }),
        group({ MsgSeqList: [{ MsgSeq: 1, MsgId: 'm'.repeat(129) }] }),
        group({ TopicId: 't'.repeat(257) }),
      ];
      for (const field of ['CallbackCommand', 'GroupId', 'MsgSeqList']) {
        refused.push(group({ [field]: undefined }));
      }
      for (const body of refused)
        expect(validGroup(JSON.parse(JSON.stringify(body))), JSON.stringify(body)).to.equal(false);
    });

    it("should accept with its default schema a body without the fields that name nothing, or with '' in them", () => {
      const accepted: Record<string, unknown>[] = [
        group({ Operator_Account: undefined, Type: undefined, TopicId: undefined, EventTime: undefined }),
        group({ Operator_Account: '', Type: '', TopicId: '', EventTime: '', MsgSeqList: [{ MsgSeq: 1, MsgId: '' }] }),
        // Tencent adds group types, and fields.
        group({ Type: 'SomeFutureType', Extra: 1 }),
        group({ MsgSeqList: Array.from({ length: 100 }, (_, MsgSeq) => ({ MsgSeq })) }),
        group({ Type: 't'.repeat(128), Operator_Account: 'o'.repeat(128), TopicId: 't'.repeat(256) }),
      ];
      for (const body of accepted)
        expect(validGroup(JSON.parse(JSON.stringify(body))), JSON.stringify(body)).to.equal(true);
    });
  });

  describe('OfficialAccount.CallbackAfterMsgWithDraw', () => {
    it('should accept the documented sample with its default schema', () => {
      expect(validOfficialAccount(sampleOfficialAccountRecall())).to.equal(true);
    });

    it('should read the sample as the account and its MsgKeys', () => {
      expect(OFFICIAL_ACCOUNT_RECALL.read(sampleOfficialAccountRecall())).to.deep.equal({
        conversation: { type: 'officialAccount', account: '#TOA#_123' },
        messages: [{ msgKey: '71_1_1698741698', msgSeq: undefined, msgId: undefined }],
        operator: undefined,
      });
    });

    it('should name a recall by the set of its MsgKeys, whatever their order or repetition', () => {
      const of = (...keys: string[]): string =>
        identityOf(account({ WithdrawMsgList: keys.map((MsgKey) => ({ MsgKey })) }));
      expect(of('b', 'a')).to.equal(of('a', 'b'));
      expect(of('a', 'a')).to.equal(of('a'));
      expect(of('a', 'b')).not.to.equal(of('a'));
    });

    it('should name the same MsgKey of two accounts as different recalls', () => {
      expect(identityOf(sampleOfficialAccountRecall())).to.equal('["#TOA#_123",["71_1_1698741698"]]');
      const a = identityOf(account({ Official_Account: 'a' }));
      const b = identityOf(account({ Official_Account: 'b' }));
      expect(a).not.to.equal(b);
    });

    it('should not read a body without an account or a non-empty list of MsgKeys, naming the field at fault', () => {
      const bodies = [
        [account({ Official_Account: '' }), '/Official_Account'],
        [account({ WithdrawMsgList: [] }), '/WithdrawMsgList'],
        [account({ WithdrawMsgList: [{ MsgKey: '' }] }), '/WithdrawMsgList/0/MsgKey'],
        [account({ WithdrawMsgList: [{ MsgKey: 'k' }, 'k'] }), '/WithdrawMsgList/1'],
        [account({ WithdrawMsgList: [{ MsgKey: 'k' }, null] }), '/WithdrawMsgList/1'],
        [account({ WithdrawMsgList: [[{ MsgKey: 'k' }]] }), '/WithdrawMsgList/0'],
      ] as const;
      for (const [body, fault] of bodies) {
        expect(OFFICIAL_ACCOUNT_RECALL.read(body), JSON.stringify(body)).to.deep.equal({ fault });
      }
    });

    it('should refuse with its default schema a body that does not name its messages, or a bad EventTime', () => {
      const refused: Record<string, unknown>[] = [
        account({ WithdrawMsgList: [] }),
        account({ WithdrawMsgList: [{}] }),
        account({ WithdrawMsgList: [{ MsgKey: '' }] }),
        account({ Official_Account: '' }),
        account({ EventTime: '1e12' }),
      ];
      for (const field of ['CallbackCommand', 'Official_Account', 'WithdrawMsgList']) {
        refused.push(account({ [field]: undefined }));
      }
      for (const body of refused) {
        expect(validOfficialAccount(JSON.parse(JSON.stringify(body))), JSON.stringify(body)).to.equal(false);
      }
    });

    it('should accept with its default schema the published fields, without EventTime or with it as a string', () => {
      expect(validOfficialAccount(parsed(OFFICIAL_ACCOUNT))).to.equal(true);
      expect(validOfficialAccount(account({ EventTime: '1698741698123' }))).to.equal(true);
    });
  });
});
