import { recallError, type RecallWebhookError } from './errors.js';
import { single, type RawQuery } from './query.js';
import type { SignatureVerifier } from './signature.js';

/** Outcome of authentication: the verified `RequestTime` in seconds, or why the request is refused. */
export type AuthResult =
  { readonly ok: true; readonly requestTime: number } | { readonly ok: false; readonly error: RecallWebhookError };

// Unix seconds as the Chat backend sends them: decimal digits. Twelve digits outlast any clock.
const SECONDS = /^[0-9]{1,12}$/;

/**
 * Verifies callback authentication (cloud.tencent.com/document/api/269/32431): `RequestTime` must
 * be within the tolerance of `nowMs` either way (Tencent tells receivers to refuse a request more
 * than a minute off, against replay), and `Sign` must equal hex(sha256(token + RequestTime)).
 * The time is checked first: it is cheap and its failure reveals nothing about the token.
 */
export function authenticate(
  verify: SignatureVerifier,
  toleranceMs: number,
  query: RawQuery,
  nowMs: number,
): AuthResult {
  const sign = single(query, 'Sign');
  const requestTime = single(query, 'RequestTime');
  if (sign === undefined || requestTime === undefined) {
    return refuse(recallError('SIGNATURE_MISSING', 'Sign and RequestTime are required: callback authentication is on'));
  }
  if (!SECONDS.test(requestTime)) {
    return refuse(recallError('REQUEST_TIME_INVALID', 'RequestTime must be Unix time in seconds'));
  }
  const seconds = Number(requestTime);
  if (Math.abs(nowMs - seconds * 1000) > toleranceMs) {
    return refuse(recallError('REQUEST_EXPIRED', 'RequestTime is outside the accepted window'));
  }
  if (!verify(requestTime, sign)) {
    return refuse(recallError('SIGNATURE_INVALID', 'Sign does not match'));
  }
  return { ok: true, requestTime: seconds };
}

function refuse(error: RecallWebhookError): AuthResult {
  return { ok: false, error };
}
