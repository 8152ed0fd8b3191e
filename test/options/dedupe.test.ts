import { expect } from 'chai';
import { resolveDedupe } from '../../lib/options/resolve.js';
import { memoryStore } from '../../lib/stores/memory.js';
import type { DedupeOptions } from '../../lib/options/options.js';

/** resolveDedupe with whatever a JavaScript caller might pass. */
function resolveUnchecked(option: unknown): ReturnType<typeof resolveDedupe> {
  return resolveDedupe(option as DedupeOptions);
}

function expectConfigError(option: unknown, message: RegExp): void {
  expect(() => resolveUnchecked(option), String(option)).to.throw(TypeError, message);
}

describe('dedupe config', () => {
  it('should be off when not given', () => {
    expect(resolveDedupe(undefined)).to.equal(undefined);
  });

  it('should resolve the documented defaults: one hour, fail closed, 500 ms for the store', () => {
    const store = memoryStore();
    expect(resolveDedupe({ store })).to.deep.equal({ store, ttlMs: 3_600_000, failOpen: false, storeTimeoutMs: 500 });
  });

  it('should take a frozen option object, with undefined meaning not set', () => {
    const store = memoryStore();
    const option = Object.freeze({ store, ttlSeconds: undefined, failOpen: true, storeTimeoutMs: 20 });
    expect(resolveDedupe(option)).to.deep.equal({ store, ttlMs: 3_600_000, failOpen: true, storeTimeoutMs: 20 });
  });

  it('should take fractions of a second as ttlSeconds, rounded up to a millisecond', () => {
    expect(resolveDedupe({ store: memoryStore(), ttlSeconds: 0.0504 })?.ttlMs).to.equal(51);
  });

  it('should throw when dedupe is not an object or its store has no claim and release', () => {
    expectConfigError(true, /`dedupe` must be an object such as \{ store: memoryStore\(\) \}/);
    expectConfigError({}, /`dedupe.store` must be a store with claim\(\) and release\(\)/);
    expectConfigError({ store: { claim: () => true } }, /`dedupe.store` must be a store/);
  });

  it('should throw when ttlSeconds, failOpen or storeTimeoutMs is out of range', () => {
    const store = memoryStore();
    expectConfigError({ store, ttlSeconds: 0 }, /`dedupe.ttlSeconds` must be more than 0/);
    expectConfigError({ store, ttlSeconds: -1 }, /`dedupe.ttlSeconds` must be a finite number/);
    expectConfigError({ store, failOpen: 'yes' }, /`dedupe.failOpen` must be true or false/);
    expectConfigError(
      { store, ttlSeconds: 1e16 },
      /^tencent-chat-recall-webhook: `dedupe.ttlSeconds` is at most 2592000 \(30 days\), got 10000000000000000: a retry follows its timeout within seconds, so a longer claim only holds memory, and past its range Redis refuses every claim\.$/,
    );
    expect(resolveDedupe({ store, ttlSeconds: 2592000 })?.ttlMs).to.equal(2_592_000_000);
    expectConfigError({ store, storeTimeoutMs: 0 }, /`dedupe.storeTimeoutMs` must be more than 0/);
  });

  it('should throw on an unknown key and suggest the likely one', () => {
    expectConfigError(
      { store: memoryStore(), ttl: 60 },
      /unknown option `dedupe.ttl`. Did you mean `dedupe.ttlSeconds`\?/,
    );
  });
});
