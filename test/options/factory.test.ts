import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { recallNodeHandler } from '../../lib/adapters/node-handler.js';
import { recallWebhook } from '../../lib/adapters/express.js';
import { captureLog, messagesOf } from '../helpers/log.js';

const FACTORIES = { recallWebhook, recallNodeHandler, recallFetchHandler } as const;

describe('every factory', () => {
  for (const [name, factory] of Object.entries(FACTORIES)) {
    it(`${name} should throw without a token, token: undefined included, unless allowUnsigned: true`, () => {
      const unset = process.env.TCRW_NEVER_SET;
      for (const options of [{ sdkAppId: 1400000000 }, { sdkAppId: 1400000000, token: unset }]) {
        expect(() => factory(options)).to.throw(
          TypeError,
          /`token` is missing\. Pass the callback authentication token/,
        );
      }
      expect(() => factory({ sdkAppId: 1400000000, token: 't', allowUnsigned: true })).to.throw(
        TypeError,
        /contradict/,
      );
      expect(factory({ sdkAppId: 1400000000, allowUnsigned: true }).events).to.be.an('object');
      expect(factory({ sdkAppId: 1400000000, token: 't' }).events).to.be.an('object');
    });
  }
});

describe('creating a receiver', () => {
  const lines = captureLog();

  for (const [name, factory] of Object.entries(FACTORIES)) {
    it(`${name} should log its name, its apps, and whether Sign is checked`, () => {
      factory({ sdkAppId: [1400000000, 1400000001], token: 'secret-token' });
      factory({ sdkAppId: 1400000000, allowUnsigned: true });
      expect(messagesOf(lines)).to.deep.equal([
        `${name} created for SdkAppid 1400000000, 1400000001; Sign and RequestTime required`,
        `${name} created for SdkAppid 1400000000; UNSIGNED: allowUnsigned is set, so Sign and RequestTime are not checked`,
      ]);
      expect(lines.join('\n')).not.to.include('secret-token');
    });
  }

  it('should take an object without all of socket, headers and method for options, not for a request', () => {
    for (const [options, unknown] of [
      [{ socket: {}, headers: {} }, 'socket'],
      [{ headers: {}, method: 'POST' }, 'headers'],
      [{ socket: {}, method: 'POST' }, 'socket'],
    ] as const) {
      expect(() => recallWebhook(options as never)).to.throw(TypeError, `unknown option \`${unknown}\``);
    }
  });
});
