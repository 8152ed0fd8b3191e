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
  const expected = new Map<string, readonly string[]>();
  return (requestTime, given) => {
    let signs = expected.get(requestTime);
    if (signs === undefined) {
      if (expected.size >= 256) expected.clear();
      signs = tokens.map((token) => sha256Hex(`${token}${requestTime}`));
      expected.set(requestTime, signs);
    }
    // Hex case is ignored. Only the length can leak here, and it is public: a Sign that is not
    // 64 characters is not compared (characters that are not ASCII match no hex digit).
    const actual = given.toLowerCase();
    if (actual.length !== SIGN_LENGTH) return -1;
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

// Two strings of SIGN_LENGTH characters compared character by character, every one of them: the
// differences are gathered with OR and looked at once, at the end, so the time does not depend on
// where the first one is. Plain code rather than node:crypto's timingSafeEqual, which needs
// Buffers and exists on Node.js alone; the same on every runtime.
function sameInConstantTime(a: string, b: string): boolean {
  let difference = 0;
  for (let i = 0; i < SIGN_LENGTH; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
