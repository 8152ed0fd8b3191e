import { expect } from 'chai';
import fc from 'fast-check';
import { findUnsafeText, mayHoldUnsafeText, parseJson } from '../../lib/protocol/json.js';
import { sampleGroupRecall, sampleRecall } from '../../lib/testing/index.js';

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

  describe('mayHoldUnsafeText()', () => {
    it('should clear the sample bodies, written as JSON.stringify writes them, and text without escapes', () => {
      for (const body of [sampleRecall(), sampleGroupRecall()]) {
        expect(mayHoldUnsafeText(JSON.stringify(body), false)).to.equal(false);
      }
      expect(mayHoldUnsafeText('{"Text":"撤回了一条消息","proto":1}', true)).to.equal(false);
    });

    it('should not clear a text with a forbidden word, a backslash, a lone surrogate, or U+FFFD decoded elsewhere', () => {
      for (const text of [
        '{"__proto__":1}',
        '{"a":"constructor"}',
        '{"prototype":1}',
        '{"a":"\\n"}',
        '"\ud800"',
        '"\\ud800"',
      ]) {
        expect(mayHoldUnsafeText(text, false), text).to.equal(true);
      }
      expect(mayHoldUnsafeText('"\ufffd"', true)).to.equal(true);
      expect(mayHoldUnsafeText('"\ufffd"', false)).to.equal(false);
    });

    it('should clear no text whose value findUnsafeText() finds something in, so that given the text it finds the same', () => {
      // Keys and strings from a small alphabet that can spell the forbidden words, with escapes.
      // Each of the characters, and its JSON escape: `\\ud800` in a TypeScript string is the text \ud800.
      const piece = fc.constantFrom(
        ...['__proto__', 'constructor', 'prototype', 'a', '_', 'ü', '\ud800', '\udc00', '\ufffd'],
        ...['\\u005f', '\\u0063', '\\ud800', '\\udc00', '\\ufffd', '\\n', '\\\\'],
      );
      const word = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
      const json = fc.letrec<{ value: string }>((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          word.map((text) => `"${text}"`),
          fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
          fc
            .array(fc.tuple(word, tie('value')), { maxLength: 3 })
            .map((entries) => `{${entries.map(([key, value]) => `"${key}":${value}`).join(',')}}`),
        ),
      })).value;
      fc.assert(
        fc.property(json, fc.boolean(), (text, decodedElsewhere) => {
          const parsed = parseJson(text);
          if (!parsed.ok) return;
          const walked = findUnsafeText(parsed.value, decodedElsewhere);
          if (walked !== undefined) {
            expect(mayHoldUnsafeText(text, decodedElsewhere), text).to.equal(true);
          }
          // Given its text, findUnsafeText() finds the same, walking or not.
          expect(findUnsafeText(parsed.value, decodedElsewhere, text), text).to.deep.equal(walked);
        }),
        { numRuns: 2000 },
      );
    });
  });
});
