import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Ajv } from 'ajv';
import { resolveConfig } from '../../lib/options/resolve.js';
import { deepFreeze } from '../../lib/protocol/schemas.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { recallBodySchema } from '../../lib/protocol/schemas.js';
import { sign } from '../../lib/protocol/signature.js';
import { memoryStore } from '../../lib/stores/memory.js';

/** Calls resolveConfig with whatever a JavaScript caller might pass. */
function resolveUnchecked(options: unknown): ReturnType<typeof resolveConfig> {
  return resolveConfig(options as RecallWebhookOptions);
}

function expectConfigError(options: unknown, message: RegExp): void {
  expect(() => resolveUnchecked(options), JSON.stringify(options)).to.throw(TypeError, message);
}

/** An unsigned receiver of SDKAppID 1, with `options` over it. */
const base = (options: object = {}): object => ({ sdkAppId: 1, allowUnsigned: true, ...options });

describe('config', () => {
  describe('defaults', () => {
    it('should resolve the documented defaults: 60 s tolerance, 1500 ms timeout, 1000 ms body timeout, 16 KiB limit, any address', () => {
      const config = resolveConfig({ sdkAppId: 1400000000, token: 'secret' });
      expect(config.bodyDeadlines.ms).to.equal(1000);
      expect(config.toleranceMs).to.equal(60_000);
      expect(config.timeoutMs).to.equal(1500);
      expect(config.limitBytes).to.equal(16 * 1024);
      expect(config.verifySign).to.be.a('function');
      expect(config.allowFrom).to.equal(undefined);
    });

    it('should end the body by timeoutMs when that is shorter than bodyTimeoutMs: the request has one deadline', () => {
      expect(resolveConfig({ sdkAppId: 1, token: 't', timeoutMs: 300 }).bodyDeadlines.ms).to.equal(300);
      expect(resolveConfig({ sdkAppId: 1, token: 't', timeoutMs: 300, bodyTimeoutMs: 200 }).bodyDeadlines.ms).to.equal(
        200,
      );
    });

    it('should treat an option set to undefined as not set', () => {
      const config = resolveConfig({
        sdkAppId: 1400000000,
        token: undefined,
        allowUnsigned: true,
        allowFrom: undefined,
        toleranceSeconds: undefined,
        timeoutMs: undefined,
        limit: undefined,
      });
      expect(config.toleranceMs).to.equal(60_000);
      expect(config.timeoutMs).to.equal(1500);
      expect(config.limitBytes).to.equal(16 * 1024);
    });

    it('should read limit given as a size string', () => {
      const limitOf = (limit: unknown): number => resolveUnchecked(base({ limit })).limitBytes;
      expect(limitOf('1mb')).to.equal(1024 * 1024);
      expect(limitOf('16kb')).to.equal(16 * 1024);
      expect(limitOf('16KB')).to.equal(16 * 1024);
      expect(limitOf('1.5kb')).to.equal(1536);
      expect(limitOf('100b')).to.equal(100);
      expect(limitOf('1gb')).to.equal(1024 ** 3);
      expect(limitOf(512)).to.equal(512);
      expect(limitOf('1.25kb')).to.equal(1280);
      expect(limitOf(' 16kb ')).to.equal(16 * 1024);
      expect(limitOf('16 kb')).to.equal(16 * 1024);
      expect(limitOf(1)).to.equal(1);
    });

    it('should refuse a limit with anything after its unit, or of less than one byte', () => {
      for (const limit of ['16kbx', '16kb;', '16kb 1', '16k', '0.5b', 0, '0kb', '-1kb', 'kb']) {
        expectConfigError(
          base({ limit }),
          /`limit` must be a positive number of bytes or a size with its unit \(b, kb, mb, gb\) such as '16kb', got /,
        );
      }
    });

    it('should take a frozen options object and leave it as it was', () => {
      const options = deepFreeze({
        sdkAppId: [1400000000, '1400000001'],
        token: 'secret',
        schema: { type: 'object', required: ['MsgKey'] },
      } as const);
      const before = JSON.stringify(options);
      const config = resolveConfig(options);
      expect([...config.sdkAppIds]).to.deep.equal(['1400000000', '1400000001']);
      expect(JSON.stringify(options)).to.equal(before);
    });

    it('should use the emitter it is given', () => {
      const emitter = new EventEmitter();
      expect(resolveUnchecked(base({ emitter })).emitter).to.equal(emitter);
    });

    it('should compile with the Ajv it is given, so its own keywords work', () => {
      const schema = { ...recallBodySchema, 'x-owner': 'billing' };
      expectConfigError(base({ schema }), /unknown keyword: "x-owner"/);
      const ajv = new Ajv();
      ajv.addKeyword('x-owner');
      expect(() => resolveUnchecked(base({ ajv, schema }))).not.to.throw();
    });
  });

  describe('mistakes', () => {
    it('should throw when options are missing or not an object', () => {
      for (const options of [undefined, null, 1400000000, 'x', []]) {
        expectConfigError(options, /needs an options object/);
      }
    });

    it('should throw when sdkAppId is missing, saying how to set it', () => {
      expectConfigError({}, /`sdkAppId` is required\. Set `sdkAppId` to the SDKAppID/);
      expectConfigError({ sdkAppId: null }, /`sdkAppId` is required\. Set `sdkAppId` to the SDKAppID/);
    });

    it('should throw when sdkAppId is not a positive whole number, naming what is wrong with it', () => {
      const cases: [unknown, RegExp][] = [
        [0, /is not positive/],
        [-1, /is not positive/],
        ['0123', /starts with 0/],
        [1.5, /is not a whole number\./],
        [Number.NaN, /is not a whole number\./],
        ['', /is not a whole number written in digits/],
        ['abc', /is not a whole number written in digits/],
        ['1e9', /is not a whole number written in digits/],
        [' 1', /is not a whole number written in digits/],
        [true, /is not a number or a string of digits/],
        [{}, /is not a number or a string of digits/],
      ];
      for (const [sdkAppId, message] of cases) expectConfigError(base({ sdkAppId }), message);
    });

    it("should throw for an sdkAppId beyond JavaScript's safe integers, saying so rather than calling it not a number", () => {
      for (const sdkAppId of [2 ** 53, 2 ** 60, '1152921504606846976']) {
        expectConfigError(base({ sdkAppId }), /is larger than JavaScript's largest safe integer \(9007199254740991\)/);
      }
      expect([...resolveUnchecked(base({ sdkAppId: 2 ** 53 - 1 })).sdkAppIds]).to.deep.equal(['9007199254740991']);
    });

    it('should throw when the sdkAppId list is empty or holds a bad id', () => {
      expectConfigError(base({ sdkAppId: [] }), /empty list/);
      expectConfigError(base({ sdkAppId: [1400000000, 'x'] }), /"x" is not a whole number/);
    });

    it('should throw when neither a token nor allowUnsigned: true is given, token: undefined included, saying how to fix it', () => {
      for (const options of [
        { sdkAppId: 1 },
        { sdkAppId: 1, token: undefined },
        { sdkAppId: 1, allowUnsigned: false },
      ]) {
        expectConfigError(
          options,
          /`token` is missing\. Pass the callback authentication token .* \{ allowUnsigned: true \}/,
        );
      }
    });

    it('should throw when both a token and allowUnsigned: true are given', () => {
      expectConfigError(
        { sdkAppId: 1, token: 'secret', allowUnsigned: true },
        /`token` and `allowUnsigned: true` contradict/,
      );
      expect(resolveConfig({ sdkAppId: 1, token: 'secret', allowUnsigned: false }).verifySign).to.be.a('function');
    });

    it('should throw when allowUnsigned is not a boolean', () => {
      for (const allowUnsigned of ['true', 1, null]) {
        expectConfigError({ sdkAppId: 1, allowUnsigned }, /`allowUnsigned` must be true or false/);
      }
    });

    it('should throw when token is empty, too long or not a string', () => {
      for (const token of ['', 'x'.repeat(129), 12345678, null]) {
        expectConfigError({ sdkAppId: 1, token }, /`token` must be .*1 to 128 characters/);
      }
      expect(resolveConfig({ sdkAppId: 1, token: 'x'.repeat(128) }).verifySign).to.be.a('function');
    });

    it('should take a list of up to 4 tokens, each checked as a single token is', () => {
      for (const token of [['old-token', 'new-token'], ['a', 'b', 'c', 'x'.repeat(128)], ['only-one']]) {
        expect(resolveUnchecked({ sdkAppId: 1, token }).verifySign).to.be.a('function');
      }
      for (const [token, message] of [
        [[], /`token` is an empty list\. Pass the callback authentication token .* the old and the new one/],
        [['a', 'b', 'c', 'd', 'e'], /`token` lists 5 tokens; at most 4/],
        [['old-token', undefined], /`token\[1\]` is missing \(check that the variable is set\)/],
        [['old-token', ''], /`token\[1\]` must be the callback authentication token .*1 to 128 characters/],
        [['x'.repeat(129)], /`token\[0\]` must be the callback authentication token/],
        [[7], /`token\[0\]` must be/],
        [['old-token', 'new-token', 'old-token'], /`token\[2\]` is the same as `token\[0\]`: list each token once/],
      ] as const) {
        expectConfigError({ sdkAppId: 1, token }, message);
      }
      expectConfigError(
        { sdkAppId: 1, token: ['old-token', 'new-token'], allowUnsigned: true },
        /`token` and `allowUnsigned: true` contradict/,
      );
    });

    it('should keep the tokens it was given, whatever happens to the list later', () => {
      const token = ['old-token', 'new-token'];
      const { verifySign } = resolveConfig({ sdkAppId: 1, token: Object.freeze([...token]) });
      const mutable = resolveConfig({ sdkAppId: 1, token });
      token[1] = 'changed-token';
      for (const verify of [verifySign, mutable.verifySign]) {
        expect(verify?.('1700000000', sign('new-token', 1700000000))).to.equal(1);
        expect(verify?.('1700000000', sign('changed-token', 1700000000))).to.equal(-1);
      }
    });

    it('should say what to pass instead of an empty or too long list of tokens', () => {
      expect(() => resolveUnchecked({ sdkAppId: 1, token: [] })).to.throw(
        TypeError,
        'tencent-chat-recall-webhook: `token` is an empty list. Pass the callback authentication token from the ' +
          'Chat console (1 to 128 characters), or while it changes the old and the new one, e.g. ' +
          '{ token: [process.env.IM_CALLBACK_TOKEN, process.env.IM_CALLBACK_TOKEN_NEXT] }.',
      );
      expect(() => resolveUnchecked({ sdkAppId: 1, token: ['a', 'b', 'c', 'd', 'e'] })).to.throw(
        TypeError,
        "tencent-chat-recall-webhook: `token` lists 5 tokens; at most 4: while the console's token changes, " +
          'the old and the new one.',
      );
    });

    it('should never put a token of a list in its error', () => {
      for (const token of [
        ['secret-one', 'secret-one'],
        ['secret-one', ''],
        ['secret-one', 'secret-two', 'secret-three', 'secret-four', 'secret-five'],
      ]) {
        expect(() => resolveUnchecked({ sdkAppId: 1, token }))
          .to.throw(TypeError)
          .with.property('message')
          .that.does.not.match(/secret/);
      }
    });

    it('should throw when toleranceSeconds or a timeout is negative or not a finite number', () => {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60']) {
        expectConfigError(base({ toleranceSeconds: bad }), /`toleranceSeconds` must be a finite number/);
        expectConfigError(base({ timeoutMs: bad }), /`timeoutMs` must be a finite number/);
        expectConfigError(base({ bodyTimeoutMs: bad }), /`bodyTimeoutMs` must be a finite number/);
      }
    });

    it('should throw when a timeout is 0, or longer than the 2000 ms the Chat backend waits, saying why', () => {
      expectConfigError(base({ timeoutMs: 0 }), /`timeoutMs` must be more than 0/);
      for (const name of ['timeoutMs', 'bodyTimeoutMs']) {
        expectConfigError(
          base({ [name]: 5000 }),
          new RegExp(`\`${name}\` is at most 2000, got 5000: the Chat backend gives up after 2000 ms`),
        );
        expect(() => resolveUnchecked(base({ [name]: 2000 }))).not.to.throw();
      }
    });

    it('should throw when toleranceSeconds is over 600, saying why', () => {
      expectConfigError(
        base({ toleranceSeconds: 3600 }),
        /`toleranceSeconds` is at most 600, got 3600: Tencent's rule is 60/,
      );
      expect(resolveUnchecked(base({ toleranceSeconds: 600 })).toleranceMs).to.equal(600_000);
    });

    it('should throw when limit is not a positive size with a unit, never reading "16k" as 16 bytes', () => {
      for (const limit of [0, -1, 1.5, '16k', '1m', '16', '', 'lots', '1 tb', '-1kb', Number.NaN, {}]) {
        expectConfigError(
          base({ limit }),
          /`limit` must be a positive number of bytes or a size with its unit \(b, kb, mb, gb\) such as '16kb'/,
        );
      }
    });

    it('should throw on an unknown option and suggest the likely one', () => {
      expectConfigError(
        base({ tolerance: 30 }),
        /unknown option `tolerance` of recallWebhook\. Did you mean `toleranceSeconds`\?/,
      );
      expectConfigError({ sdkAppID: 1 }, /unknown option `sdkAppID` of recallWebhook\. Did you mean `sdkAppId`\?/);
      expectConfigError(
        base({ secret: 'x' }),
        /unknown option `secret` of recallWebhook\. Known options: sdkAppId, token, allowUnsigned/,
      );
    });

    it('should read options as own properties only, whatever Object.prototype holds', () => {
      const proto = Object.prototype as Record<string, unknown>;
      proto.allowUnsigned = true;
      proto.toleranceSeconds = 600;
      proto.failOpen = true;
      try {
        expectConfigError({ sdkAppId: 1 }, /`token` is missing/);
        const config = resolveConfig({ sdkAppId: 1, token: 'secret', dedupe: { store: memoryStore() } });
        expect(config.toleranceMs).to.equal(60_000);
        expect(config.dedupe?.failOpen).to.equal(false);
      } finally {
        delete proto.allowUnsigned;
        delete proto.toleranceSeconds;
        delete proto.failOpen;
      }
    });

    it('should throw when ajv or emitter is not what it should be', () => {
      expectConfigError(base({ ajv: {} }), /`ajv` must be an Ajv instance/);
      expectConfigError(base({ emitter: {} }), /`emitter` must be an EventEmitter/);
    });

    it('should throw when a schema does not compile, naming the option', () => {
      expectConfigError(base({ schema: { type: 'nope' } }), /`schema` is not a schema this Ajv can compile/);
      expectConfigError(
        base({ querySchema: { minLenght: 1 } }),
        /`querySchema` is not a schema this Ajv can compile: strict mode: unknown keyword/,
      );
    });

    it('should throw when a schema override is not an object or does not return one', () => {
      expectConfigError(base({ schema: () => undefined }), /`schema` must be a JSON Schema object/);
      expectConfigError(base({ querySchema: [] }), /`querySchema` must be a JSON Schema object/);
    });

    it('should throw for a malformed allowFrom entry or prefix, naming it', () => {
      const cases: [unknown, RegExp][] = [
        [[], /`allowFrom` must be a non-empty list/],
        ['183.192.202.0/25', /`allowFrom` must be a non-empty list/],
        [[42], /entry 42 is not a string/],
        [['183.192.202.0/33'], /entry "183.192.202.0\/33" has a prefix length that is not a whole number from 0 to 32/],
        [['2001:db8::/129'], /has a prefix length that is not a whole number from 0 to 128/],
        [['10.0.0.0/'], /has a prefix length/],
        [['10.0.0.0/8/8'], /has a prefix length/],
        [['10.0.0.0/-1'], /has a prefix length/],
        [['10.0.0.256'], /entry "10.0.0.256" is not an IPv4 or IPv6 address/],
        [['localhost'], /is not an IPv4 or IPv6 address/],
        [[' 10.0.0.1'], /is not an IPv4 or IPv6 address/],
        [['fe80::1%eth0'], /has a zone index/],
      ];
      for (const [allowFrom, message] of cases) expectConfigError(base({ allowFrom }), message);
      expect(resolveUnchecked(base({ allowFrom: ['10.0.0.0/8', '::1', '2001:db8::/32'] })).allowFrom).to.be.a(
        'function',
      );
    });
  });
});

describe('resolveConfig() messages', () => {
  it('should say how to pass the token, and when to allow unsigned callbacks instead', () => {
    expect(() => resolveUnchecked({ sdkAppId: 1 })).to.throw(
      TypeError,
      'tencent-chat-recall-webhook: `token` is missing. Pass the callback authentication token from the Chat console, ' +
        'e.g. { token: process.env.IM_CALLBACK_TOKEN } (check that the variable is set), or, only if authentication ' +
        'is off in the console, { allowUnsigned: true } to accept unsigned callbacks.',
    );
  });

  it('should say why toleranceSeconds is bounded, and what to do instead', () => {
    expect(() => resolveUnchecked(base({ toleranceSeconds: 3601 }))).to.throw(
      TypeError,
      "got 3601: Tencent's rule is 60, and a wider window lets a captured callback URL be used for longer. " +
        'Synchronise the clock (NTP) instead.',
    );
  });

  it('should show a number that is not a number as NaN, and a string quoted', () => {
    expect(() => resolveUnchecked(base({ timeoutMs: Number.NaN }))).to.throw(TypeError, /, got NaN\.$/);
    expect(() => resolveUnchecked(base({ timeoutMs: '100' }))).to.throw(TypeError, /, got "100"\.$/);
  });

  it('should refuse a dedupe that is not an object, and a store of null, saying what to pass', () => {
    for (const dedupe of ['memory', null, [], 1]) {
      expectConfigError(base({ dedupe }), /`dedupe` must be an object such as \{ store: memoryStore\(\) \}\./);
    }
    expectConfigError(
      base({ dedupe: { store: null } }),
      /`dedupe\.store` must be a store with claim\(\) and release\(\), such as memoryStore\(\) or redisStore\(client\)\./,
    );
  });
});
