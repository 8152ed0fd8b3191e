import { expect } from 'chai';
import {
  sampleCallback,
  sampleGroupRecall,
  sampleOfficialAccountRecall,
  sampleRecall,
} from '../../lib/testing/sample.js';
import { SAMPLE_WITH_UNREAD } from '../fixtures/callbacks.js';

describe('testing/sampleRecall()', () => {
  it('should give the documented sample body', () => {
    expect(sampleRecall()).to.deep.equal(SAMPLE_WITH_UNREAD);
  });

  it('should put overrides over it, extra fields included', () => {
    expect(sampleRecall({ MsgKey: 'k', EventTime: 1, Extra: true })).to.deep.equal({
      ...SAMPLE_WITH_UNREAD,
      MsgKey: 'k',
      EventTime: 1,
      Extra: true,
    });
  });

  it('should give a new object each time', () => {
    expect(sampleRecall()).not.to.equal(sampleRecall());
  });
});

describe('testing/sampleGroupRecall()', () => {
  it("should give the Chinese docs' sample: a Community topic, MsgId, EventTime as a number", () => {
    expect(sampleGroupRecall()).to.deep.equal(
      JSON.parse(
        '{"CallbackCommand":"Group.CallbackAfterRecallMsg","Operator_Account":"admin","Type":"Community","GroupId":"1213456","MsgSeqList":[{"MsgSeq":130,"MsgId":"144115213033478435-1739361321-2512805311"}],"TopicId":"@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic","EventTime":1670574414123}',
      ),
    );
  });

  it("should give the international docs' form: no topic, no MsgId, EventTime as a numeric string", () => {
    const body = sampleGroupRecall({}, 'international-docs');
    expect(body).not.to.have.property('TopicId');
    expect(body.MsgSeqList).to.deep.equal([{ MsgSeq: 130 }]);
    expect(body.EventTime).to.equal('1670574414123');
  });

  it('should put overrides over either form, and never share its lists between calls', () => {
    const body = sampleGroupRecall({ GroupId: 'g', Extra: 1 }, 'international-docs');
    expect(body).to.deep.include({ GroupId: 'g', Extra: 1, Type: 'Public' });
    (sampleGroupRecall().MsgSeqList as { MsgSeq: number }[]).push({ MsgSeq: 1 });
    expect(sampleGroupRecall().MsgSeqList).to.have.length(1);
  });
});

describe('testing/sampleOfficialAccountRecall()', () => {
  it("should give the docs' sample with overrides over it", () => {
    expect(sampleOfficialAccountRecall()).to.deep.include({
      CallbackCommand: 'OfficialAccount.CallbackAfterMsgWithDraw',
      Official_Account: '#TOA#_123',
      WithdrawMsgList: [{ MsgKey: '71_1_1698741698' }],
    });
    expect(sampleOfficialAccountRecall({ Official_Account: 'x' }).Official_Account).to.equal('x');
  });
});

describe('testing/sampleCallback()', () => {
  it("should give each command's sample, with overrides", () => {
    expect(sampleCallback('C2C.CallbackAfterMsgWithDraw')).to.deep.equal(sampleRecall());
    expect(sampleCallback('Group.CallbackAfterRecallMsg', { GroupId: 'g' })).to.deep.equal(
      sampleGroupRecall({ GroupId: 'g' }),
    );
    expect(sampleCallback('OfficialAccount.CallbackAfterMsgWithDraw')).to.deep.equal(sampleOfficialAccountRecall());
  });
});
