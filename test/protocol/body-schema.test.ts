import { expect } from 'chai';
import { Ajv } from 'ajv';
import { recallBodySchema } from '../../lib/protocol/schemas.js';
import { SAMPLE_WITH_EVENT_TIME, SAMPLE_WITH_UNREAD } from '../fixtures/callbacks.js';

const validate = new Ajv().compile(recallBodySchema);

function without(body: object, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([name]) => name !== field));
}

describe('schema/body', () => {
  it('should accept both documented sample bodies', () => {
    expect(validate(SAMPLE_WITH_UNREAD)).to.equal(true);
    expect(validate(SAMPLE_WITH_EVENT_TIME)).to.equal(true);
  });

  it('should accept a body with neither UnreadMsgNum nor EventTime, and one with both', () => {
    const bare = without(SAMPLE_WITH_UNREAD, 'UnreadMsgNum');
    expect(bare).not.to.have.property('UnreadMsgNum');
    expect(validate(bare)).to.equal(true);
    expect(validate({ ...SAMPLE_WITH_UNREAD, EventTime: 1670574414123 })).to.equal(true);
  });

  it('should accept EventTime as a numeric string, as group callbacks send it', () => {
    expect(validate({ ...SAMPLE_WITH_EVENT_TIME, EventTime: '1670574414123' })).to.equal(true);
  });

  it("should accept an EventTime of '', Tencent's way of writing none in a string", () => {
    expect(validate({ ...SAMPLE_WITH_EVENT_TIME, EventTime: '' })).to.equal(true);
  });

  it('should accept fields it does not know', () => {
    expect(validate({ ...SAMPLE_WITH_UNREAD, CloudCustomData: 'x', Extra: { a: 1 } })).to.equal(true);
  });

  it('should refuse a body missing any of the four required fields', () => {
    for (const field of ['CallbackCommand', 'From_Account', 'To_Account', 'MsgKey']) {
      expect(validate(without(SAMPLE_WITH_UNREAD, field)), field).to.equal(false);
    }
  });

  it('should refuse empty or non-string account and key fields', () => {
    for (const [field, value] of [
      ['From_Account', ''],
      ['To_Account', 7],
      ['MsgKey', null],
      ['CallbackCommand', ['C2C.CallbackAfterMsgWithDraw']],
    ] as const) {
      expect(validate({ ...SAMPLE_WITH_UNREAD, [field]: value }), `${field}=${JSON.stringify(value)}`).to.equal(false);
    }
  });

  it('should refuse a negative, fractional or string UnreadMsgNum', () => {
    for (const value of [-1, 1.5, '7']) {
      expect(validate({ ...SAMPLE_WITH_UNREAD, UnreadMsgNum: value }), JSON.stringify(value)).to.equal(false);
    }
  });

  it('should refuse an EventTime that is not whole milliseconds a Date can hold', () => {
    for (const value of [-1, 1.5, '12a', '1e12', ' 1000', 1e16, '1234567890123456', true, null]) {
      expect(validate({ ...SAMPLE_WITH_EVENT_TIME, EventTime: value }), JSON.stringify(value)).to.equal(false);
    }
  });

  it('should bound every string at 128 characters, generous for a 32-byte UserID and any MsgKey seen', () => {
    for (const field of ['CallbackCommand', 'From_Account', 'To_Account', 'MsgKey']) {
      expect(validate({ ...SAMPLE_WITH_UNREAD, [field]: 'x'.repeat(128) }), field).to.equal(true);
      expect(validate({ ...SAMPLE_WITH_UNREAD, [field]: 'x'.repeat(129) }), field).to.equal(false);
    }
  });

  it("should keep UnreadMsgNum within JavaScript's safe integers, where a JSON number is still exact", () => {
    expect(validate({ ...SAMPLE_WITH_UNREAD, UnreadMsgNum: Number.MAX_SAFE_INTEGER })).to.equal(true);
    expect(validate({ ...SAMPLE_WITH_UNREAD, UnreadMsgNum: Number.MAX_SAFE_INTEGER + 1 })).to.equal(false);
    expect(
      validate(
        JSON.parse(
          '{"CallbackCommand":"c","From_Account":"a","To_Account":"b","MsgKey":"k","UnreadMsgNum":18446744073709551616}',
        ),
      ),
    ).to.equal(false);
  });

  it('should refuse anything but an object', () => {
    for (const value of [null, [], 'x', 1, true]) expect(validate(value), JSON.stringify(value)).to.equal(false);
  });
});
