import { expect } from 'chai';
import { findUnsafeText, parseJson } from '../../lib/protocol/json.js';

/** The forbidden key findUnsafeText() found, if that is what it found. */
function forbiddenKey(value: unknown): string | undefined {
  const found = findUnsafeText(value, false);
  return typeof found === 'object' ? found.key : undefined;
}

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

  describe('forbiddenKey()', () => {
    it('should find __proto__ at the top level, as JSON.parse keeps it as an own key', () => {
      const parsed = parseJson('{"a":1,"__proto__":{"polluted":true}}');
      expect(parsed.ok && forbiddenKey(parsed.value)).to.equal('__proto__');
    });

    it('should find an escaped __proto__ key', () => {
      const parsed = parseJson('{"\\u005f_proto__":{}}');
      expect(parsed.ok && forbiddenKey(parsed.value)).to.equal('__proto__');
    });

    it('should find constructor and prototype keys nested in objects and arrays', () => {
      expect(forbiddenKey({ a: [{ b: { constructor: { prototype: {} } } }] })).to.equal('constructor');
      expect(forbiddenKey([[{ prototype: 1 }]])).to.equal('prototype');
    });

    it('should find nothing in the documented sample bodies or in scalars', () => {
      expect(forbiddenKey({ CallbackCommand: 'x', MsgKey: '__proto__', nested: { proto: 1 } })).to.equal(undefined);
      expect(forbiddenKey('__proto__')).to.equal(undefined);
      expect(forbiddenKey(null)).to.equal(undefined);
    });

    it('should find a lone surrogate or U+FFFD in any string, not only the first it looks at', () => {
      expect(findUnsafeText(['\ud800', 'fine', 'also fine'], false)).to.equal('lone surrogate');
      expect(findUnsafeText({ a: '\ufffd', b: 'fine' }, true)).to.equal('replacement character');
      // Bytes this package decoded itself were valid UTF-8: a U+FFFD in them was sent as such.
      expect(findUnsafeText({ a: '\ufffd', b: 'fine' }, false)).to.equal(undefined);
    });

    it('should walk a body nested 100000 deep without overflowing the stack', () => {
      const deep = parseJson(`${'['.repeat(100_000)}{"__proto__":1}${']'.repeat(100_000)}`);
      expect(deep.ok).to.equal(true);
      if (deep.ok) expect(forbiddenKey(deep.value)).to.equal('__proto__');
    });
  });
});
