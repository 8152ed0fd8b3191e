import * as crypto from 'node:crypto';

/**
 * Hex SHA-256 of a string's UTF-8 with `hash`, the one-shot digest (faster than `createHash`),
 * which came in Node.js 20.12; without it, with `createHash`, which every Node.js 20 has.
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

/** Checks a Sign against the token's, for one token. */
export type SignatureVerifier = (requestTime: string, given: string) => boolean;

/**
 * A verifier for one token that remembers the expected Sign of recent RequestTimes: the Chat
 * backend signs with the current second, so callbacks that arrive together share one, and the
 * hash is the largest single cost of a signed request. Only a RequestTime inside the replay
 * window gets here (the time is checked first), and the memory is cleared past 256 entries.
 */
export function signatureVerifier(token: string): SignatureVerifier {
  const expected = new Map<string, Buffer>();
  return (requestTime, given) => {
    let sign = expected.get(requestTime);
    if (sign === undefined) {
      if (expected.size >= 256) expected.clear();
      sign = Buffer.from(sha256Hex(`${token}${requestTime}`), 'latin1');
      expected.set(requestTime, sign);
    }
    return equalInConstantTime(sign, given);
  };
}

// Compared in constant time, so that the answer's timing tells nothing about how much of a forged
// Sign was right. Hex case is ignored.
function equalInConstantTime(expected: Buffer, given: string): boolean {
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  // Only the length can leak here, and a valid Sign's length (64) is public.
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
