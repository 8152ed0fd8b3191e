import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Ajv } from 'ajv';
import { resolveConfig } from '../lib/config.js';
import { deepFreeze } from '../lib/freeze.js';
import type { RecallWebhookOptions } from '../lib/options.js';
import { recallBodySchema } from '../lib/schema/body.js';

/** Calls resolveConfig with whatever a JavaScript caller might pass. */
function resolveUnchecked(options: unknown): ReturnType<typeof resolveConfig> {
  return resolveConfig(options as RecallWebhookOptions);
}

function expectConfigError(options: unknown, message: RegExp): void {
  expect(() => resolveUnchecked(options), JSON.stringify(options)).to.throw(TypeError, message);
}

describe('config', () => {
  describe('defaults', () => {
    it('should resolve the documented defaults: 60 s tolerance, 1500 ms timeout, 1000 ms body timeout, 16 KiB limit, no token', () => {
      const config = resolveConfig({ sdkAppId: 1400000000 });
      expect(config.bodyTimeoutMs).to.equal(1000);
      expect(config.toleranceMs).to.equal(60_000);
      expect(config.timeoutMs).to.equal(1500);
      expect(config.limitBytes).to.equal(16 * 1024);
      expect(config.verifySign).to.equal(undefined);
    });

    it('should treat an option set to undefined as not set', () => {
      const config = resolveConfig({
        sdkAppId: 1400000000,
        token: undefined,
        toleranceSeconds: undefined,
        timeoutMs: undefined,
        limit: undefined,
      });
      expect(config.toleranceMs).to.equal(60_000);
      expect(config.timeoutMs).to.equal(1500);
      expect(config.limitBytes).to.equal(16 * 1024);
    });

    it('should read limit given as a size string', () => {
      expect(resolveConfig({ sdkAppId: 1, limit: '1mb' }).limitBytes).to.equal(1024 * 1024);
      expect(resolveConfig({ sdkAppId: 1, limit: 512 }).limitBytes).to.equal(512);
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
      expect(resolveConfig({ sdkAppId: 1, emitter }).emitter).to.equal(emitter);
    });

    it('should compile with the Ajv it is given, so its own keywords work', () => {
      const schema = { ...recallBodySchema, 'x-owner': 'billing' };
      expectConfigError({ sdkAppId: 1, schema }, /unknown keyword: "x-owner"/);
      const ajv = new Ajv();
      ajv.addKeyword('x-owner');
      expect(() => resolveConfig({ sdkAppId: 1, ajv, schema })).not.to.throw();
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
    });

    it('should throw when sdkAppId is not a positive whole number', () => {
      for (const sdkAppId of [0, -1, 1.5, Number.NaN, 2 ** 53, '', 'abc', '0123', '1e9', ' 1', true, {}]) {
        expectConfigError({ sdkAppId }, /`sdkAppId` .* is not an SDKAppID/);
      }
    });

    it('should throw when the sdkAppId list is empty or holds a bad id', () => {
      expectConfigError({ sdkAppId: [] }, /empty list/);
      expectConfigError({ sdkAppId: [1400000000, 'x'] }, /"x" is not an SDKAppID/);
    });

    it('should throw when token is empty, too long or not a string', () => {
      for (const token of ['', 'x'.repeat(129), 12345678, null]) {
        expectConfigError({ sdkAppId: 1, token }, /`token` must be .*1 to 128 characters/);
      }
      expect(resolveConfig({ sdkAppId: 1, token: 'x'.repeat(128) }).verifySign).to.be.a('function');
    });

    it('should throw when toleranceSeconds or timeoutMs is negative or not a finite number', () => {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60']) {
        expectConfigError({ sdkAppId: 1, toleranceSeconds: bad }, /`toleranceSeconds` must be a finite number/);
        expectConfigError({ sdkAppId: 1, timeoutMs: bad }, /`timeoutMs` must be a finite number/);
        expectConfigError({ sdkAppId: 1, bodyTimeoutMs: bad }, /`bodyTimeoutMs` must be a finite number/);
      }
    });

    it('should throw when timeoutMs is 0 or beyond what setTimeout honours', () => {
      expectConfigError({ sdkAppId: 1, timeoutMs: 0 }, /`timeoutMs` must be more than 0/);
      expectConfigError({ sdkAppId: 1, timeoutMs: 2 ** 31 }, /`timeoutMs` must be more than 0/);
    });

    it('should throw when limit is not a size', () => {
      for (const limit of [-1, 1.5, 'lots', Number.NaN, {}]) {
        expectConfigError({ sdkAppId: 1, limit }, /`limit` must be a number of bytes/);
      }
    });

    it('should throw on an unknown option and suggest the likely one', () => {
      expectConfigError(
        { sdkAppId: 1, tolerance: 30 },
        /unknown option `tolerance`\. Did you mean `toleranceSeconds`\?/,
      );
      expectConfigError({ sdkAppID: 1 }, /unknown option `sdkAppID`\. Did you mean `sdkAppId`\?/);
      expectConfigError({ sdkAppId: 1, secret: 'x' }, /unknown option `secret`\. Known options: sdkAppId, token/);
    });

    it('should throw when ajv or emitter is not what it should be', () => {
      expectConfigError({ sdkAppId: 1, ajv: {} }, /`ajv` must be an Ajv instance/);
      expectConfigError({ sdkAppId: 1, emitter: {} }, /`emitter` must be an EventEmitter/);
    });

    it('should throw when a schema does not compile, naming the option', () => {
      expectConfigError({ sdkAppId: 1, schema: { type: 'nope' } }, /`schema` is not a schema this Ajv can compile/);
      expectConfigError(
        { sdkAppId: 1, querySchema: { minLenght: 1 } },
        /`querySchema` is not a schema this Ajv can compile: strict mode: unknown keyword/,
      );
    });

    it('should throw when a schema override is not an object or does not return one', () => {
      expectConfigError({ sdkAppId: 1, schema: () => undefined }, /`schema` must be a JSON Schema object/);
      expectConfigError({ sdkAppId: 1, querySchema: [] }, /`querySchema` must be a JSON Schema object/);
    });
  });
});
