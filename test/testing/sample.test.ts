import { expect } from 'chai';
import { sampleRecall } from '../../lib/testing/sample.js';
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
