import { expect } from 'chai';
import { authenticate } from '../../lib/core/decide.js';
import { parseQuery, type RawQuery } from '../../lib/protocol/query.js';
import { sign, signatureVerifier } from '../../lib/protocol/signature.js';
import { SIGN_VECTOR } from '../fixtures/callbacks.js';

const TOLERANCE_MS = 60_000;
const NOW_MS = SIGN_VECTOR.requestTime * 1000;
const VERIFY = signatureVerifier([SIGN_VECTOR.token]);

function query(params: Record<string, string>): RawQuery {
  return parseQuery(`/?${new URLSearchParams(params).toString()}`).query;
}

function signedAt(requestTime: number | string): RawQuery {
  return query({ RequestTime: String(requestTime), Sign: sign(SIGN_VECTOR.token, requestTime) });
}

function codeOf(result: ReturnType<typeof authenticate>): string {
  return result.ok ? 'OK' : result.error.code;
}

describe('auth', () => {
  it('should accept the documented test vector at its own time and return RequestTime in seconds', () => {
    const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(SIGN_VECTOR.requestTime), NOW_MS);
    expect(result).to.deep.equal({ ok: true, requestTime: SIGN_VECTOR.requestTime, signedWith: 0 });
  });

  it('should accept RequestTime exactly at the edge of the window, either way', () => {
    for (const offset of [-60, 60]) {
      const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(SIGN_VECTOR.requestTime + offset), NOW_MS);
      expect(codeOf(result), `offset ${String(offset)} s`).to.equal('OK');
    }
  });

  it('should refuse RequestTime one second past the window, either way, with REQUEST_EXPIRED', () => {
    for (const offset of [-61, 61]) {
      const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(SIGN_VECTOR.requestTime + offset), NOW_MS);
      expect(codeOf(result), `offset ${String(offset)} s`).to.equal('REQUEST_EXPIRED');
    }
  });

  it('should refuse a replayed request signed an hour ago with REQUEST_EXPIRED', () => {
    const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(SIGN_VECTOR.requestTime), NOW_MS + 3_600_000);
    expect(codeOf(result)).to.equal('REQUEST_EXPIRED');
  });

  it('should refuse a RequestTime in milliseconds (13 digits) with REQUEST_TIME_INVALID', () => {
    const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(NOW_MS), NOW_MS);
    expect(codeOf(result)).to.equal('REQUEST_TIME_INVALID');
  });

  it('should refuse a RequestTime that is not decimal seconds with REQUEST_TIME_INVALID', () => {
    for (const bad of [
      '',
      'abc',
      '1669872112.5',
      '-1669872112',
      '1e9',
      ' 1669872112',
      '0x63886e70',
      '１６６９８７２１１２',
    ]) {
      const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(bad), NOW_MS);
      expect(codeOf(result), JSON.stringify(bad)).to.equal('REQUEST_TIME_INVALID');
    }
  });

  it('should refuse a RequestTime with leading zeros, correctly signed, so each second has one Sign-cache entry', () => {
    for (const padded of [`0${String(SIGN_VECTOR.requestTime)}`, `000${String(SIGN_VECTOR.requestTime)}`, '0']) {
      const result = authenticate(VERIFY, TOLERANCE_MS, signedAt(padded), NOW_MS);
      expect(codeOf(result), padded).to.equal('REQUEST_TIME_INVALID');
    }
  });

  it('should refuse a request missing Sign or RequestTime with SIGNATURE_MISSING', () => {
    const time = String(SIGN_VECTOR.requestTime);
    for (const params of [{}, { RequestTime: time }, { Sign: SIGN_VECTOR.sign }]) {
      const result = authenticate(VERIFY, TOLERANCE_MS, query(params), NOW_MS);
      expect(codeOf(result), JSON.stringify(params)).to.equal('SIGNATURE_MISSING');
    }
  });

  it('should refuse a repeated Sign with SIGNATURE_MISSING', () => {
    const repeated = parseQuery(
      `/?RequestTime=${String(SIGN_VECTOR.requestTime)}&Sign=${SIGN_VECTOR.sign}&Sign=${SIGN_VECTOR.sign}`,
    ).query;
    expect(codeOf(authenticate(VERIFY, TOLERANCE_MS, repeated, NOW_MS))).to.equal('SIGNATURE_MISSING');
  });

  it('should refuse the Sign of another token with SIGNATURE_INVALID', () => {
    const time = String(SIGN_VECTOR.requestTime);
    const result = authenticate(
      signatureVerifier(['another-token']),
      TOLERANCE_MS,
      query({ RequestTime: time, Sign: SIGN_VECTOR.sign }),
      NOW_MS,
    );
    expect(codeOf(result)).to.equal('SIGNATURE_INVALID');
  });

  it('should never put the token or the expected Sign in the error', () => {
    const time = String(SIGN_VECTOR.requestTime);
    const result = authenticate(VERIFY, TOLERANCE_MS, query({ RequestTime: time, Sign: '0'.repeat(64) }), NOW_MS);
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.error.message).not.to.include(SIGN_VECTOR.token);
    expect(result.error.message).not.to.include(SIGN_VECTOR.sign);
  });
});
