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

describe('every factory reads every index of a list option', () => {
  // A list with holes: `[, next]`, `new Array(2)`, or `t[1] = ...` with `t[0]` never set.
  const holed = <T>(...set: readonly (readonly [number, T])[]): T[] => {
    const list: T[] = [];
    for (const [index, value] of set) list[index] = value;
    return list;
  };

  for (const [name, factory] of Object.entries(FACTORIES)) {
    const call = factory as (options: unknown) => unknown;

    it(`${name} should refuse a token list with a hole as it refuses a missing token, so sha256("undefined" + RequestTime) never signs`, () => {
      for (const token of [
        holed([1, 'next-token']),
        new Array<string>(2),
        holed([0, 'old-token'], [2, 'next-token']),
      ]) {
        expect(() => call({ sdkAppId: 1400000000, token }), String(token.length)).to.throw(
          TypeError,
          /`token\[[01]\]` is missing \(check that the variable is set\)/,
        );
      }
    });

    it(`${name} should refuse a hole in sdkAppId, allowFrom and commands as an undefined entry`, () => {
      const base = { sdkAppId: 1400000000, token: 't' };
      for (const [options, message] of [
        [{ ...base, sdkAppId: holed([1, 1400000000]) }, /`sdkAppId` undefined is not a number or a string of digits/],
        [{ ...base, allowFrom: holed([1, '127.0.0.1']) }, /`allowFrom` entry undefined is not a string/],
        [{ ...base, commands: holed([1, 'C2C.CallbackAfterMsgWithDraw']) }, /`commands` names undefined/],
      ] as const) {
        expect(() => call(options), String(message)).to.throw(TypeError, message);
      }
    });
  }
});

describe('every factory checks its options alike', () => {
  for (const [name, factory] of Object.entries(FACTORIES)) {
    const call = factory as (options?: unknown) => unknown;

    it(`${name} should say it needs an options object, naming itself, when given none or not an object`, () => {
      for (const options of [undefined, null, 1400000000, 'options', []]) {
        expect(() => call(options), String(options)).to.throw(
          TypeError,
          `tencent-chat-recall-webhook: ${name}(options) needs an options object, e.g. ${name}({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN }).`,
        );
      }
    });

    it(`${name} should name itself and suggest the option meant for a misspelt one`, () => {
      expect(() => call({ sdkAppId: 1400000000, token: 't', tokn: 'x' })).to.throw(
        TypeError,
        `tencent-chat-recall-webhook: unknown option \`tokn\` of ${name}. Did you mean \`token\`?`,
      );
    });
  }

  for (const [name, factory] of Object.entries({ recallNodeHandler, recallFetchHandler })) {
    const call = factory as (options?: unknown) => unknown;

    it(`${name} should suggest its own options too, and take them as own properties only`, () => {
      for (const [typo, meant] of [
        ['remoteAdress', 'remoteAddress'],
        ['onUnhandeld', 'onUnhandled'],
      ] as const) {
        expect(() => call({ sdkAppId: 1400000000, token: 't', [typo]: () => undefined })).to.throw(
          TypeError,
          `tencent-chat-recall-webhook: unknown option \`${typo}\` of ${name}. Did you mean \`${meant}\`?`,
        );
      }
      const proto = Object.prototype as Record<string, unknown>;
      proto.onUnhandled = 'not a function';
      try {
        expect(call({ sdkAppId: 1400000000, token: 't' })).to.be.a('function');
      } finally {
        delete proto.onUnhandled;
      }
    });
  }

  it("recallWebhook should not take the node and fetch handlers' own options", () => {
    expect(() => recallWebhook({ sdkAppId: 1400000000, token: 't', onUnhandled: () => undefined } as never)).to.throw(
      TypeError,
      /unknown option `onUnhandled` of recallWebhook\./,
    );
  });
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
