import { expect } from 'chai';
import { attachVerified, verifiedCallback, type VerifiedCallback } from '../../lib/core/verified.js';

// What was verified of a callback of another command, attached to the request handed on.

const CALLBACK: VerifiedCallback = {
  command: 'C2C.CallbackBeforeSendMsg',
  sdkAppId: 1400000000,
  requestTime: 1669872112,
  signedWith: 0,
  clientIp: '127.0.0.1',
  optPlatform: 'RESTAPI',
  platform: 'RESTAPI',
  remoteAddress: '203.0.113.7',
  receivedAt: new Date(1669872112000),
};

describe('verifiedCallback()', () => {
  it('should read what was attached to the request, and nothing from one it was not attached to', () => {
    const request = new Request('http://x/');
    expect(verifiedCallback(request)).to.equal(undefined);
    expect(attachVerified(request, CALLBACK)).to.equal(true);
    expect(verifiedCallback(request)).to.equal(CALLBACK);
  });

  it('should take a second attachment over the first, as a request handed through two receivers', () => {
    const request = {};
    const second = { ...CALLBACK, command: 'State.StateChange' };
    expect([attachVerified(request, CALLBACK), attachVerified(request, second)]).to.deep.equal([true, true]);
    expect(verifiedCallback(request)).to.equal(second);
  });

  it('should not travel with a copy of the request, which nothing verified', () => {
    const request = {};
    attachVerified(request, CALLBACK);
    expect(verifiedCallback({ ...request })).to.equal(undefined);
    expect(verifiedCallback(Object.assign({}, request))).to.equal(undefined);
  });

  it('should say it could not attach to a frozen request, which then reads as unverified', () => {
    const frozen = Object.freeze({});
    expect(attachVerified(frozen, CALLBACK)).to.equal(false);
    expect(verifiedCallback(frozen)).to.equal(undefined);
  });

  it('should be read under the registered symbol, so that another copy of the package reads it', () => {
    const request = {};
    Object.defineProperty(request, Symbol.for('tencent-chat-recall-webhook.verifiedCallback'), { value: CALLBACK });
    expect(verifiedCallback(request)).to.equal(CALLBACK);
  });

  it('should read a value under that symbol that is no object as nothing verified', () => {
    for (const value of ['forged', 1, null, true]) {
      const request = {};
      Object.defineProperty(request, Symbol.for('tencent-chat-recall-webhook.verifiedCallback'), { value });
      expect(verifiedCallback(request), String(value)).to.equal(undefined);
    }
  });
});
