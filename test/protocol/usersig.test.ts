import { expect } from 'chai';
import { userSig } from '../../lib/protocol/usersig.js';
import { verifyUserSig } from '../helpers/tencent-api.js';

describe('protocol/userSig()', () => {
  // Signed now, when each test runs.
  let claims = { identifier: 'administrator', sdkAppId: 1400000000, time: 0, expire: 300 };
  beforeEach(() => {
    claims = { ...claims, time: Math.floor(Date.now() / 1000) };
  });

  it('should sign a UserSig that the algorithm, worked out apart, reads as signed with the key', () => {
    const sig = userSig('the-key', claims);
    expect(sig).to.match(/^[A-Za-z0-9*_-]+$/);
    const { problem, claims: read } = verifyUserSig(sig, {
      identifier: 'administrator',
      sdkAppId: 1400000000,
      secretKey: 'the-key',
    });
    expect(problem).to.equal(undefined);
    expect(read).to.deep.include({
      'TLS.ver': '2.0',
      'TLS.identifier': 'administrator',
      'TLS.sdkappid': 1400000000,
      'TLS.time': claims.time,
      'TLS.expire': 300,
    });
  });

  it('should not verify with another key, for another admin or app, or once expired', () => {
    const sig = userSig('the-key', claims);
    const expected = { identifier: 'administrator', sdkAppId: 1400000000, secretKey: 'the-key' };
    expect(verifyUserSig(sig, { ...expected, secretKey: 'another-key' }).problem).to.equal('HMAC does not match');
    expect(verifyUserSig(sig, { ...expected, identifier: 'someone' }).problem).to.equal('another identifier');
    expect(verifyUserSig(sig, { ...expected, sdkAppId: 1400000001 }).problem).to.equal('another app');
    const old = userSig('the-key', { ...claims, time: claims.time - 3600 });
    expect(verifyUserSig(old, expected).problem).to.equal('not signed now');
  });

  it("should write base64's padding as _, Tencent's alphabet for =, so every UserSig is whole groups of 4", () => {
    // The deflated document's length varies with the time signed, and with it the padding.
    const sigs = Array.from({ length: 12 }, (_, i) => userSig('the-key', { ...claims, time: claims.time + i }));
    for (const sig of sigs) {
      expect(sig.length % 4, sig).to.equal(0);
      expect(sig).to.not.include('=');
    }
    expect(sigs.some((sig) => sig.endsWith('_'))).to.equal(true);
  });
});
