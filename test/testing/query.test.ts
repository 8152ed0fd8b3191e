import { expect } from 'chai';
import { callbackQuery } from '../../lib/testing/query.js';
import { SIGN_VECTOR } from '../fixtures/callbacks.js';

describe('testing/callbackQuery()', () => {
  it('should give the documented sample query without a token', () => {
    expect(callbackQuery({ sdkAppId: 1400000000 })).to.equal(
      'SdkAppid=1400000000&CallbackCommand=C2C.CallbackAfterMsgWithDraw&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI',
    );
  });

  it('should sign with the documented vector', () => {
    const query = new URLSearchParams(
      callbackQuery({ sdkAppId: 1, token: SIGN_VECTOR.token, requestTime: SIGN_VECTOR.requestTime }),
    );
    expect(query.get('RequestTime')).to.equal(String(SIGN_VECTOR.requestTime));
    expect(query.get('Sign')).to.equal(SIGN_VECTOR.sign);
  });

  it('should sign at the current time when no requestTime is given', () => {
    const requestTime = Number(new URLSearchParams(callbackQuery({ sdkAppId: 1, token: 't' })).get('RequestTime'));
    expect(Math.abs(requestTime - Date.now() / 1000)).to.be.below(5);
  });

  it('should set the platform, client IP and command it is given', () => {
    const query = new URLSearchParams(
      callbackQuery({
        sdkAppId: '7',
        optPlatform: 'iOS',
        clientIp: '10.0.0.1',
        callbackCommand: 'C2C.CallbackAfterSendMsg',
      }),
    );
    expect(Object.fromEntries(query)).to.deep.include({
      SdkAppid: '7',
      OptPlatform: 'iOS',
      ClientIP: '10.0.0.1',
      CallbackCommand: 'C2C.CallbackAfterSendMsg',
    });
  });
});
