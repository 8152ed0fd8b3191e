import { expect } from 'chai';
import { bodyAborted, bodyTimedOut, bodyTooLarge, RecallWebhookError, refusal } from '../../lib/core/errors.js';

describe('errors', () => {
  it('should name itself RecallWebhookError, as an Error subclass does', () => {
    const error = new RecallWebhookError('SIGNATURE_INVALID', 'Sign does not match');
    expect([error instanceof Error, error.name, String(error)]).to.deep.equal([
      true,
      'RecallWebhookError',
      'RecallWebhookError: Sign does not match',
    ]);
  });

  it('should carry a cause only when there is one, as Error does', () => {
    const cause = new Error('database down');
    expect(Object.hasOwn(new RecallWebhookError('LISTENER_FAILED', 'a recall listener failed'), 'cause')).to.equal(
      false,
    );
    const caused = new RecallWebhookError('LISTENER_FAILED', 'a recall listener failed', { cause });
    expect([Object.hasOwn(caused, 'cause'), caused.cause]).to.deep.equal([true, cause]);
    // A cause that is undefined was given all the same, as with Error.
    expect(Object.hasOwn(new RecallWebhookError('LISTENER_FAILED', 'x', { cause: undefined }), 'cause')).to.equal(true);
    expect(Object.hasOwn(refusal('LISTENER_FAILED', 'x'), 'cause')).to.equal(false);
    expect(refusal('LISTENER_FAILED', 'x', cause)).to.deep.equal({ code: 'LISTENER_FAILED', message: 'x', cause });
  });

  it('should hold the peer, the command and the field it was made with', () => {
    const error = new RecallWebhookError('BODY_INVALID', 'body.MsgKey must be string', {
      remoteAddress: '203.0.113.7',
      command: 'C2C.CallbackAfterMsgWithDraw',
      field: '/MsgKey',
    });
    expect([error.code, error.remoteAddress, error.command, error.field]).to.deep.equal([
      'BODY_INVALID',
      '203.0.113.7',
      'C2C.CallbackAfterMsgWithDraw',
      '/MsgKey',
    ]);
    const bare = new RecallWebhookError('INTERNAL_ERROR', 'the receiver failed');
    expect([bare.remoteAddress, bare.command, bare.field]).to.deep.equal([undefined, undefined, undefined]);
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
