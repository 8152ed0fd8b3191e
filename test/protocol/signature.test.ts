import { expect } from 'chai';
import { createHash, hash } from 'node:crypto';
import { sign, signatureVerifier } from '../../lib/protocol/signature.js';
import { sha256HexWith } from '../../lib/runtime/node.js';
import { SIGN_VECTOR } from '../fixtures/callbacks.js';

describe('signature', () => {
  describe('sign()', () => {
    it('should give the documented Sign for token xxxxyyyy and RequestTime 1669872112', () => {
      expect(sign(SIGN_VECTOR.token, SIGN_VECTOR.requestTime)).to.equal(SIGN_VECTOR.sign);
    });

    it('should give the same Sign for RequestTime as a number or a string', () => {
      expect(sign('t', 1700000000)).to.equal(sign('t', '1700000000'));
    });

    it('should give lowercase hex of 64 characters', () => {
      expect(sign('token', 1)).to.match(/^[0-9a-f]{64}$/);
    });
  });

  describe('a verifier of one token', () => {
    const time = String(SIGN_VECTOR.requestTime);
    const signatureMatches = (token: string, requestTime: string, given: string): boolean =>
      signatureVerifier([token])(requestTime, given) === 0;

    it('should accept the documented Sign', () => {
      expect(signatureMatches(SIGN_VECTOR.token, time, SIGN_VECTOR.sign)).to.equal(true);
    });

    it('should accept the Sign in uppercase hex', () => {
      expect(signatureMatches(SIGN_VECTOR.token, time, SIGN_VECTOR.sign.toUpperCase())).to.equal(true);
    });

    it('should take only A to F for a to f: no other character stands for a hex digit', () => {
      // A Sign with all sixteen hex digits: each is replaced by what differs from it in the case
      // bit alone (a digit's is a control character, a letter's its capital).
      const requestTime = Array.from({ length: 100 }, (_, at) => String(SIGN_VECTOR.requestTime + at)).find(
        (candidate) => new Set(sign(SIGN_VECTOR.token, candidate)).size === 16,
      );
      expect(requestTime).to.be.a('string');
      const every = sign(SIGN_VECTOR.token, requestTime ?? '');
      for (let i = 0; i < every.length; i++) {
        const code = every.charCodeAt(i);
        const flipped = `${every.slice(0, i)}${String.fromCharCode(code ^ 0x20)}${every.slice(i + 1)}`;
        expect(signatureMatches(SIGN_VECTOR.token, requestTime ?? '', flipped), flipped).to.equal(code >= 0x61);
      }
    });

    it('should refuse a Sign with one character changed', () => {
      const forged = `${SIGN_VECTOR.sign.slice(0, -1)}0`;
      expect(signatureMatches(SIGN_VECTOR.token, time, forged)).to.equal(false);
    });

    it('should refuse the Sign of another RequestTime', () => {
      expect(signatureMatches(SIGN_VECTOR.token, String(SIGN_VECTOR.requestTime + 1), SIGN_VECTOR.sign)).to.equal(
        false,
      );
    });

    it('should refuse a Sign of another length without throwing', () => {
      expect(signatureMatches(SIGN_VECTOR.token, time, SIGN_VECTOR.sign.slice(1))).to.equal(false);
      expect(signatureMatches(SIGN_VECTOR.token, time, '')).to.equal(false);
      expect(signatureMatches(SIGN_VECTOR.token, time, `${SIGN_VECTOR.sign}${'0'.repeat(1000)}`)).to.equal(false);
    });

    it('should refuse a Sign of 64 characters that are not all one byte each', () => {
      const wide = `é${SIGN_VECTOR.sign.slice(1)}`;
      expect(signatureMatches(SIGN_VECTOR.token, time, wide)).to.equal(false);
    });

    it('should refuse 64 bytes of UTF-8 that are not 64 characters, and stay right after it', () => {
      const verify = signatureVerifier([SIGN_VECTOR.token]);
      expect(verify(time, 'é'.repeat(32))).to.equal(-1);
      expect(verify(time, `${'é'.repeat(31)}${SIGN_VECTOR.sign.slice(62)}`)).to.equal(-1);
      expect(verify(time, SIGN_VECTOR.sign)).to.equal(0);
      expect(verify(time, `${SIGN_VECTOR.sign.slice(0, -1)}é`)).to.equal(-1);
      expect(verify(time, SIGN_VECTOR.sign.toUpperCase())).to.equal(0);
    });
  });

  describe('a verifier of several tokens', () => {
    const time = String(SIGN_VECTOR.requestTime);
    const tokens = ['old-token', SIGN_VECTOR.token, 'third-token'];
    const verify = signatureVerifier(tokens);

    it('should accept the Sign of each token, saying which by its position', () => {
      tokens.forEach((token, index) => {
        expect(verify(time, sign(token, time))).to.equal(index);
      });
      expect(verify(time, SIGN_VECTOR.sign)).to.equal(1);
    });

    it('should refuse a Sign of none of them, one character off any of them', () => {
      for (const token of tokens) expect(verify(time, `${sign(token, time).slice(0, -1)}x`)).to.equal(-1);
      expect(verify(time, sign('another', time))).to.equal(-1);
      for (const given of ['', '0'.repeat(63), `${sign(tokens[1] ?? '', time)}0`])
        expect(verify(time, given)).to.equal(-1);
    });

    it('should compare the Sign with every token in constant time, whichever it matches or comes close to', () => {
      // Each comparison reads every byte of every expected Sign; counting the reads shows that
      // how many are made does not depend on which token the Sign matches, nor where it differs.
      // The expected Signs are the bytes TextEncoder gives: wrapped here to count reads of them.
      let reads = 0;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, below
      const original = TextEncoder.prototype.encode;
      TextEncoder.prototype.encode = function (this: InstanceType<typeof TextEncoder>, input?: string) {
        const bytes = original.call(this, input);
        return new Proxy(bytes, {
          get(target, key) {
            if (typeof key === 'string' && /^[0-9]+$/.test(key)) reads++;
            return Reflect.get(target, key) as unknown;
          },
        });
      };
      try {
        const counting = signatureVerifier(tokens);
        const calls = (given: string): number => {
          reads = 0;
          counting(time, given);
          return reads;
        };
        const candidates = [
          ...tokens.map((token) => sign(token, time)),
          ...tokens.map((token) => `${sign(token, time).slice(0, -1)}x`),
          `x${sign(tokens[0] ?? '', time).slice(1)}`,
          '0'.repeat(64),
          sign(tokens[2] ?? '', time).toUpperCase(),
        ];
        for (const given of candidates) expect(calls(given), given).to.equal(tokens.length * 64);
        // Only a Sign's length, which is public, ends it at once, and so does a character that is
        // not ASCII, whose UTF-8 gives no Sign of 64 bytes.
        expect(calls('0'.repeat(63))).to.equal(0);
        expect(calls(`${'0'.repeat(63)}é`)).to.equal(0);
      } finally {
        TextEncoder.prototype.encode = original;
      }
    });
  });

  describe('sha256HexWith()', () => {
    it('should give the same hex SHA-256 with crypto.hash and, where Node.js has none, with createHash', () => {
      const input = `${SIGN_VECTOR.token}${String(SIGN_VECTOR.requestTime)}`;
      expect(sha256HexWith(hash)(input)).to.equal(SIGN_VECTOR.sign);
      expect(sha256HexWith(undefined)(input)).to.equal(SIGN_VECTOR.sign);
      // UTF-8, not Latin-1 or UTF-16, on both paths.
      expect(sha256HexWith(undefined)('你')).to.equal(sha256HexWith(hash)('你'));
      expect(sha256HexWith(undefined)('你')).to.equal(
        createHash('sha256').update(Buffer.from('你', 'utf8')).digest('hex'),
      );
    });
  });

  describe('signatureVerifier()', () => {
    it('should accept the documented Sign, again and again, and refuse others', () => {
      const verify = signatureVerifier([SIGN_VECTOR.token]);
      const time = String(SIGN_VECTOR.requestTime);
      for (let i = 0; i < 3; i++) expect(verify(time, SIGN_VECTOR.sign)).to.equal(0);
      expect(verify(time, '0'.repeat(64))).to.equal(-1);
      expect(verify(String(SIGN_VECTOR.requestTime + 1), SIGN_VECTOR.sign)).to.equal(-1);
    });

    it('should keep its memory bounded however many RequestTimes come', () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc === undefined) throw new Error('run with --expose-gc (.mocharc.json does)');
      const verify = signatureVerifier(['t', 'u']);
      gc();
      const before = process.memoryUsage().heapUsed;
      // 200,000 seconds, about two days of callbacks: kept, they would take tens of MB.
      for (let time = 1700000000; time < 1700200000; time++) verify(String(time), '0'.repeat(64));
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      expect(verify('1700000000', sign('u', 1700000000))).to.equal(1);
      expect(grown, `${String(grown)} bytes`).to.be.below(4 * 1024 * 1024);
    });

    it('should stay right past the 256 RequestTimes it remembers', () => {
      const verify = signatureVerifier(['t', 'u']);
      for (let time = 1700000000; time < 1700000600; time++) {
        expect(verify(String(time), sign('t', time))).to.equal(0);
        expect(verify(String(time), sign('u', time))).to.equal(1);
        expect(verify(String(time), sign('t', time + 1))).to.equal(-1);
      }
    });
  });
});
