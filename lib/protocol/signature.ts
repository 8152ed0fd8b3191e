import * as crypto from 'node:crypto';

/**
 * Hex SHA-256 of a string's UTF-8 with `hash`, the one-shot digest (faster than `createHash`),
 * which came in Node.js 20.12; without it, with `createHash`, which every Node.js 20 has.
 * @internal
 */
export function sha256HexWith(hash: typeof crypto.hash | undefined): (data: string) => string {
  return typeof hash === 'function'
    ? (data) => hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data, 'utf8').digest('hex');
}

// Read once: `crypto.hash` is undefined on the Node.js 20 releases before 20.12.
const sha256Hex = sha256HexWith(crypto.hash);

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
  const expected = new Map<string, readonly Buffer[]>();
  // The given Sign's UTF-8, written over on every check (nothing runs between the write and the
  // compares): a Buffer made per request cost as much as the compares. Room for a Sign's 64
  // bytes and more, so that a longer text shows by what was written.
  const written = Buffer.alloc(3 * SIGN_LENGTH);
  const actual = written.subarray(0, SIGN_LENGTH);
  return (requestTime, given) => {
    let signs = expected.get(requestTime);
    if (signs === undefined) {
      if (expected.size >= 256) expected.clear();
      signs = tokens.map((token) => Buffer.from(sha256Hex(`${token}${requestTime}`), 'latin1'));
      expected.set(requestTime, signs);
    }
    // Hex case is ignored. Only the length can leak here, and it is public: a Sign that is not
    // 64 bytes of UTF-8 is not compared (64 bytes that are not ASCII match no hex digit).
    if (written.write(given.toLowerCase()) !== SIGN_LENGTH) return -1;
    // Every token is compared, each in constant time, and none ends the loop early: the time a
    // refusal takes tells nothing of how much of a forged Sign was right, nor for which token.
    let signedWith = -1;
    let index = 0;
    for (const sign of signs) {
      if (crypto.timingSafeEqual(actual, sign)) signedWith = index;
      index++;
    }
    return signedWith;
  };
}
