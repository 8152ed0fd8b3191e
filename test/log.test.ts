import { expect } from 'chai';
import { describeCause, printable } from '../lib/log.js';
import { THROWABLES } from './fixtures/throwables.js';

describe('log', () => {
  describe('printable()', () => {
    it('should escape line breaks of every kind, control characters and the backslash', () => {
      expect(printable('a\nb\rc\u2028d\u2029e')).to.equal('a\\u000ab\\u000dc\\u2028d\\u2029e');
      expect(printable('\u001b[31mred\u0000\u007f\u009b')).to.equal('\\u001b[31mred\\u0000\\u007f\\u009b');
      expect(printable('C:\\u000a')).to.equal('C:\\\\u000a');
    });

    it('should escape half a surrogate pair standing alone, and keep whole pairs and other text', () => {
      expect(printable('x\ud800y\udc00')).to.equal('x\\ud800y\\udc00');
      expect(printable('消息 😀 "quoted"')).to.equal('消息 😀 "quoted"');
    });

    it('should cut a long value to 200 characters, saying how many were left out', () => {
      expect(printable('k'.repeat(16_384))).to.equal(`${'k'.repeat(200)}... (16184 more characters)`);
      expect(printable('k'.repeat(200))).to.equal('k'.repeat(200));
    });
  });

  describe('describeCause()', () => {
    it('should describe whatever was thrown, without throwing', () => {
      const described = THROWABLES.map(([, make]) => describeCause(make()));
      expect(described).to.deep.equal([
        'metrics down',
        'metrics down',
        'undefined',
        'null',
        'a thrown object',
        'a thrown value that cannot be described',
        'Symbol(metrics down)',
      ]);
    });

    it('should give an error’s message, never its stack, and name other kinds of value', () => {
      expect(describeCause(new TypeError('bad'))).to.equal('bad');
      expect(describeCause([1])).to.equal('a thrown array');
      expect(describeCause(() => 'secret source')).to.equal('a thrown function');
      const weird = new Error('x');
      (weird as { message: unknown }).message = Object.create(null);
      expect(describeCause(weird)).to.equal('a thrown value that cannot be described');
    });
  });
});
