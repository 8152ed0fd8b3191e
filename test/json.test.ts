import { expect } from 'chai';
import { findForbiddenKey, parseJson } from '../lib/json.js';

describe('json', () => {
  describe('parseJson()', () => {
    it('should parse valid JSON', () => {
      expect(parseJson('{"a":[1,"b"]}')).to.deep.equal({ ok: true, value: { a: [1, 'b'] } });
    });

    it('should report invalid JSON without throwing', () => {
      for (const text of ['', '{', '{"a":1,}', "{'a':1}", '\u00ff']) {
        expect(parseJson(text), JSON.stringify(text)).to.deep.equal({ ok: false });
      }
    });
  });

  describe('findForbiddenKey()', () => {
    it('should find __proto__ at the top level, as JSON.parse keeps it as an own key', () => {
      const parsed = parseJson('{"a":1,"__proto__":{"polluted":true}}');
      expect(parsed.ok && findForbiddenKey(parsed.value)).to.equal('__proto__');
    });

    it('should find an escaped __proto__ key', () => {
      const parsed = parseJson('{"\\u005f_proto__":{}}');
      expect(parsed.ok && findForbiddenKey(parsed.value)).to.equal('__proto__');
    });

    it('should find constructor and prototype keys nested in objects and arrays', () => {
      expect(findForbiddenKey({ a: [{ b: { constructor: { prototype: {} } } }] })).to.equal('constructor');
      expect(findForbiddenKey([[{ prototype: 1 }]])).to.equal('prototype');
    });

    it('should find nothing in the documented sample bodies or in scalars', () => {
      expect(findForbiddenKey({ CallbackCommand: 'x', MsgKey: '__proto__', nested: { proto: 1 } })).to.equal(undefined);
      expect(findForbiddenKey('__proto__')).to.equal(undefined);
      expect(findForbiddenKey(null)).to.equal(undefined);
    });

    it('should walk a body nested 100000 deep without overflowing the stack', () => {
      const deep = parseJson(`${'['.repeat(100_000)}{"__proto__":1}${']'.repeat(100_000)}`);
      expect(deep.ok).to.equal(true);
      if (deep.ok) expect(findForbiddenKey(deep.value)).to.equal('__proto__');
    });
  });
});
