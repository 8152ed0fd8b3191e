import { expect } from 'chai';
import {
  sampleCallback,
  sampleGroupRecall,
  sampleOfficialAccountRecall,
  sampleRecall,
} from '../../lib/testing/sample.js';
import { SAMPLE_WITH_UNREAD } from '../fixtures/callbacks.js';
import { GROUP_CHINESE, OFFICIAL_ACCOUNT, parsed } from '../fixtures/published.js';

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
    expect(sampleGroupRecall()).to.deep.equal(parsed(GROUP_CHINESE));
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
  it("should give the docs' sample, with an EventTime, and overrides over it", () => {
    const sample = sampleOfficialAccountRecall();
    expect(sample).to.deep.include(parsed(OFFICIAL_ACCOUNT));
    expect(sample.EventTime).to.be.a('number');
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
