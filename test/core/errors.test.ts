import { expect } from 'chai';
import { bodyAborted, bodyTimedOut, bodyTooLarge, recallError } from '../../lib/core/errors.js';

describe('errors', () => {
  it('should name itself RecallWebhookError, as an Error subclass does', () => {
    const error = recallError('SIGNATURE_INVALID', 'Sign does not match');
    expect([error instanceof Error, error.name, String(error)]).to.deep.equal([
      true,
      'RecallWebhookError',
      'RecallWebhookError: Sign does not match',
    ]);
  });

  it('should carry a cause only when there is one, as Error does', () => {
    const cause = new Error('database down');
    expect(Object.hasOwn(recallError('LISTENER_FAILED', 'a recall listener failed'), 'cause')).to.equal(false);
    const caused = recallError('LISTENER_FAILED', 'a recall listener failed', cause);
    expect([Object.hasOwn(caused, 'cause'), caused.cause]).to.deep.equal([true, cause]);
  });

  it('should say the same of a body that could not be read, whichever adapter read it', () => {
    expect(
      [bodyTooLarge(16384), bodyAborted(), bodyTimedOut(1000)].map((e) => `${e.code}: ${e.message}`),
    ).to.deep.equal([
      'BODY_TOO_LARGE: body is larger than 16384 bytes',
      'BODY_ABORTED: the client closed the request before the body was complete',
      'BODY_TIMEOUT: the body did not arrive within 1000 ms',
    ]);
  });
});
