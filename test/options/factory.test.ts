import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { recallNodeHandler } from '../../lib/adapters/node-handler.js';
import { recallWebhook } from '../../lib/adapters/express.js';

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
