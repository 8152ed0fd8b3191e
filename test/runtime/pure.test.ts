import { expect } from 'chai';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { hmacSha256, sha256 } from '../../lib/runtime/sha256.js';
import { toBase64, toHex, utf8Length } from '../../lib/runtime/bytes.js';
import { zlibStored } from '../../lib/runtime/zlib.js';
import * as web from '../../lib/runtime/web.js';
import * as node from '../../lib/runtime/node.js';
import type { Runtime } from '../../lib/runtime/types.js';
import { SIGN_VECTOR } from '../fixtures/callbacks.js';

// Both builds provide the one interface the shared layers import through `#runtime`: type-checked.
const webRuntime: Runtime = web;
export const nodeRuntime: Runtime = node;

// The web runtime's own code, checked against Node.js's, which it stands in for elsewhere.

// Text of every kind: ASCII, CJK, astral characters, and surrogates standing alone.
const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const anyBytes = fc.uint8Array({ maxLength: 300 });

describe('runtime: the web build', () => {
  describe('sha256()', () => {
    it("should give node:crypto's digest for any bytes, and for any text as its UTF-8", () => {
      fc.assert(
        fc.property(anyBytes, (bytes) => {
          expect(toHex(sha256(bytes))).to.equal(createHash('sha256').update(bytes).digest('hex'));
        }),
        { numRuns: 500 },
      );
      fc.assert(
        fc.property(anyText, (text) => {
          expect(toHex(sha256(text))).to.equal(createHash('sha256').update(text, 'utf8').digest('hex'));
        }),
        { numRuns: 500 },
      );
    });

    it('should hash across every block boundary the padding can fall on (55, 56, 63, 64 bytes and more)', () => {
      for (let length = 0; length <= 200; length++) {
        const bytes = new Uint8Array(length).fill(0x61);
        expect(toHex(sha256(bytes)), String(length)).to.equal(createHash('sha256').update(bytes).digest('hex'));
      }
    });

    it('should give the documented Sign through the web runtime', () => {
      expect(web.sha256Hex(`${SIGN_VECTOR.token}${String(SIGN_VECTOR.requestTime)}`)).to.equal(SIGN_VECTOR.sign);
    });
  });

  describe('hmacSha256()', () => {
    it("should give node:crypto's HMAC for any key and text, keys longer than a block included", () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 150 }), anyText, (key, text) => {
          expect(web.hmacSha256Base64(key, text)).to.equal(node.hmacSha256Base64(key, text));
          expect(toBase64(hmacSha256(key, text))).to.equal(createHmac('sha256', key).update(text).digest('base64'));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('zlibStored()', () => {
    it('should write a zlib stream that zlib inflates back to the bytes, past one stored block too', () => {
      fc.assert(
        fc.property(anyBytes, (bytes) => {
          expect(new Uint8Array(inflateSync(zlibStored(bytes)))).to.deep.equal(bytes);
        }),
        { numRuns: 300 },
      );
      const large = new Uint8Array(150_000).map((_, i) => i % 251);
      expect(new Uint8Array(inflateSync(zlibStored(large)))).to.deep.equal(large);
    });
  });

  describe('bytes', () => {
    it('should count UTF-8 bytes as Buffer.byteLength does, lone surrogates included', () => {
      fc.assert(
        fc.property(anyText, (text) => {
          expect(utf8Length(text)).to.equal(Buffer.byteLength(text));
        }),
        { numRuns: 1000 },
      );
    });

    it('should write base64 and hex as Buffer does', () => {
      fc.assert(
        fc.property(anyBytes, (bytes) => {
          expect(toBase64(bytes)).to.equal(Buffer.from(bytes).toString('base64'));
          expect(toHex(bytes)).to.equal(Buffer.from(bytes).toString('hex'));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('the rest of the runtime', () => {
    it('should load no Ajv, log nothing, and leave timers as they are', () => {
      expect(webRuntime.loadAjv()).to.equal(undefined);
      expect(webRuntime.logSink.enabled).to.equal(false);
      const timer = setTimeout(() => undefined, 1);
      // A number on Deno and workerd: nothing may be called on it.
      expect(() => {
        webRuntime.holdProcess(timer, false);
      }).not.to.throw();
      clearTimeout(timer);
    });
  });
});
