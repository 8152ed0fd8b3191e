import { expect } from 'chai';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { NAMED_PARAMETERS, namedProblem, parseQuery, readCallbackQuery } from '../../lib/protocol/query.js';
import { recallQuerySchema } from '../../lib/protocol/schemas.js';
import { receiverQuery, TOKEN } from '../fixtures/callbacks.js';

const validate = new Ajv().compile(recallQuerySchema);

function valid(query: string): boolean {
  return validate(parseQuery(`/?${query}`).query);
}

describe('schema/query', () => {
  it('should accept the documented sample query, signed or not', () => {
    expect(
      valid(
        'SdkAppid=1400000000&CallbackCommand=C2C.CallbackAfterMsgWithDraw&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI',
      ),
    ).to.equal(true);
    expect(valid(receiverQuery({ token: TOKEN }))).to.equal(true);
  });

  it('should accept a query with only SdkAppid and CallbackCommand', () => {
    expect(valid('SdkAppid=1&CallbackCommand=C2C.CallbackAfterMsgWithDraw')).to.equal(true);
  });

  it('should refuse a query without SdkAppid, or with a SdkAppid that is not digits', () => {
    expect(valid('CallbackCommand=C2C.CallbackAfterMsgWithDraw')).to.equal(false);
    for (const id of ['', 'abc', '-1', '1.0', '1'.repeat(21)]) {
      expect(valid(`SdkAppid=${id}&CallbackCommand=C2C.CallbackAfterMsgWithDraw`), id).to.equal(false);
    }
  });

  it('should refuse any documented parameter given twice', () => {
    for (const name of [
      'SdkAppid',
      'CallbackCommand',
      'contenttype',
      'ClientIP',
      'OptPlatform',
      'Sign',
      'RequestTime',
    ]) {
      expect(valid(`${receiverQuery({ token: TOKEN })}&${name}=again`), name).to.equal(false);
    }
  });

  it('should accept parameters it does not know', () => {
    expect(valid(`${receiverQuery()}&tenant=a&tenant=b`)).to.equal(true);
  });

  it('should bound the length of every value events keep or no later step checks', () => {
    const bounds = { contenttype: 32, ClientIP: 64, OptPlatform: 64, RequestTime: 32 };
    for (const [name, most] of Object.entries(bounds)) {
      const query = (length: number): string =>
        new URLSearchParams({ SdkAppid: '1', CallbackCommand: 'c', [name]: 'x'.repeat(length) }).toString();
      expect(valid(query(most)), name).to.equal(true);
      expect(valid(query(most + 1)), name).to.equal(false);
    }
  });
});

describe('schema/query, checked without Ajv', () => {
  // Values as a sender might put them: ours, near the bounds, escaped, empty, repeated.
  const value = fc.oneof(
    fc.constantFrom('1400000000', '', '12a', '1'.repeat(20), '1'.repeat(21), 'json', '127.0.0.1', 'RESTAPI'),
    fc.string({ maxLength: 70 }),
    fc.nat({ max: 70 }).map((length) => 'x'.repeat(length)),
  );
  const names = [...Object.keys(NAMED_PARAMETERS), 'tenant', 'RequestId'];
  const query = fc
    .array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 12 })
    .map((pairs) =>
      [['CallbackCommand', 'C2C.CallbackAfterMsgWithDraw'] as const, ...pairs]
        .map(([name, v]) => `${name}=${encodeURIComponent(v)}`)
        .join('&'),
    );

  it('should refuse exactly the named parameters the default query schema refuses, over 2,000 random queries', () => {
    fc.assert(
      fc.property(query, (text) => {
        const { named, unread } = readCallbackQuery(`/?${text}`);
        expect(unread).to.equal(undefined);
        expect(namedProblem(named) === undefined, text).to.equal(valid(text));
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });
});
