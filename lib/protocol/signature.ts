import { sha256Hex } from '#runtime';

/**
 * The `Sign` the Chat backend sends when callback authentication is on: the lowercase hex SHA-256
 * of the token immediately followed by the `RequestTime` string
 * (cloud.tencent.com/document/api/269/32431). `sign('xxxxyyyy', 1669872112)` is
 * `17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061`.
 */
export function sign(token: string, requestTime: string | number): string {
  return sha256Hex(`${token}${String(requestTime)}`);
}

/**
 * Checks a `Sign` against the tokens': the position in the list of the token that signed it, or
 * -1 when none did.
 */
export type SignatureVerifier = (requestTime: string, given: string) => number;

// A Sign is the hex of a SHA-256: 64 characters. A valid Sign's length is public.
const SIGN_LENGTH = 64;

/**
 * A verifier for a list of tokens (one, or the old and the new one while the console's token
 * changes: protocol.md, "The callback token changes"), that remembers the expected Signs of
 * recent RequestTimes: the Chat backend signs with the current second, so callbacks that arrive
 * together share them, and the hash is the largest single cost of a signed request. Only a
 * RequestTime inside the replay window gets here (the time is checked first), and the memory is
 * cleared past 256 entries.
 */
export function signatureVerifier(tokens: readonly string[]): SignatureVerifier {
  const expected = new Map<string, readonly Uint8Array[]>();
  // The given Sign's bytes, written over on every check (nothing runs between the write and the
  // compares).
  const actual = new Uint8Array(SIGN_LENGTH);
  return (requestTime, given) => {
    let signs = expected.get(requestTime);
    if (signs === undefined) {
      if (expected.size >= 256) expected.clear();
      signs = tokens.map((token) => ascii.encode(sha256Hex(`${token}${requestTime}`)));
      expected.set(requestTime, signs);
    }
    // Only the length can leak here, and it is public: a Sign that is not 64 characters of ASCII
    // is not compared (a character that is not ASCII matches no hex digit). All 64 characters fit
    // in the 64 bytes only when each of them is one byte.
    if (given.length !== SIGN_LENGTH || ascii.encodeInto(given, actual).read !== SIGN_LENGTH) return -1;
    // Every token is compared, each in constant time, and none ends the loop early: the time a
    // refusal takes tells nothing of how much of a forged Sign was right, nor for which token.
    let signedWith = -1;
    let index = 0;
    for (const sign of signs) {
      if (sameInConstantTime(actual, sign)) signedWith = index;
      index++;
    }
    return signedWith;
  };
}

// The Signs' characters are ASCII: their UTF-8 is one byte each.
const ascii = new TextEncoder();

const UPPER_A = 0x41;
const UPPER_F = 0x46;
const LOWERCASE_BIT = 0x20;

// A given Sign against an expected one (lowercase hex), byte by byte, every one of them: the
// differences are gathered with OR and looked at once, at the end, so the time does not depend on
// where the first one is. Hex case is ignored: the given Sign's A to F are compared as a to f,
// which branches on the given bytes alone, never on the expected ones.
//
// Bytes rather than the strings' characters: `charCodeAt` is a String.prototype method, and in a
// process where String.prototype is no longer a fast object, each call of one is looked up anew,
// which made this loop five times slower. Any object made with String.prototype as its prototype
// (a class extending String, such as ioredis 6's VerbatimString) leaves it so in V8
// (github.com/inikulin/parse5/issues/1348). Plain code rather than node:crypto's
// timingSafeEqual, which exists on Node.js alone: the same on every runtime.
function sameInConstantTime(given: Uint8Array, expected: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < SIGN_LENGTH; i++) {
    const byte = given[i] ?? 0;
    difference |= (byte >= UPPER_A && byte <= UPPER_F ? byte | LOWERCASE_BIT : byte) ^ (expected[i] ?? 0);
  }
  return difference === 0;
}
