import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { memoryStore } from '../../lib/stores/memory.js';
import { redisStore } from '../../lib/stores/redis.js';
import type { DedupeStore } from '../../lib/core/dedupe-store.js';
import { receiverUrl, receiverOptions, SAMPLE_WITH_UNREAD } from '../fixtures/callbacks.js';
import { ioredisClient, sharedRedisUrl } from '../helpers/redis.js';
import { LOAD } from './figures.js';

// What a dedupe claim holds, whatever MsgKeys arrive: a schema of the app's may let any length
// through, and a store must not grow with what a caller sends.

/** Heap in use after a full collection (mocha runs with --expose-gc). */
async function settledHeap(): Promise<number> {
  await sleep(20);
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/** A body schema with no length bounds, as an app might write one. */
const unbounded = (schema: Record<string, unknown>): Record<string, unknown> => ({
  ...schema,
  properties: { ...(schema.properties as object), MsgKey: { type: 'string', minLength: 1 } },
});

/**
 * Delivers `count` distinct recalls whose MsgKeys are `length` characters long, padded with `char`,
 * to a receiver deduplicating in `store`.
 */
async function fill(store: DedupeStore, count: number, length: number, char = 'k'): Promise<void> {
  const handler = recallFetchHandler(receiverOptions({ schema: unbounded, limit: '64kb', dedupe: { store } }));
  const padding = char.repeat(length - 8);
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: `${padding}${String(i).padStart(8, '0')}` });
    const response = await handler(new Request(`https://receiver.test${receiverUrl()}`, { method: 'POST', body }));
    expect(((await response.json()) as { ErrorInfo: string }).ErrorInfo).to.equal('');
  }
}

/** Heap a memoryStore holds once full of 10,000 claims on MsgKeys of `length` characters. */
async function heapOfFullStore(length: number, char: string): Promise<number> {
  const before = await settledHeap();
  const store = memoryStore();
  await fill(store, 10_000, length, char);
  const grown = (await settledHeap()) - before;
  // Still in use here, so the collection above could not take it.
  expect(store.size).to.equal(10_000);
  return grown;
}

// The longest MsgKey the default schema takes, of one-byte and of three-byte characters (a claim is
// bounded in bytes), and one far longer that only an app's own schema lets through.
const KEYS = [
  [128, 'k'],
  [128, '你'],
  [16_384, 'k'],
] as const;

describe('memory a dedupe claim takes', function () {
  this.timeout(120_000);

  it(`should hold a full memoryStore of 10,000 claims of 16 kB MsgKeys under ${String(LOAD.fullStoreMiB)} MiB`, async () => {
    const figures: string[] = [];
    // Compiled schemas and warm code first, so that only the claims are measured.
    await fill(memoryStore(), 1000, 16_384);
    for (const [length, char] of KEYS) {
      const grown = await heapOfFullStore(length, char);
      const what = `${String(length)}-character MsgKeys of ${char}`;
      figures.push(`${what}: ${(grown / 10_000).toFixed(0)} bytes of heap per claim`);
      expect(grown / 2 ** 20, what).to.be.below(LOAD.fullStoreMiB);
    }
    console.log(`      memoryStore: ${figures.join('; ')}`);
  });

  it(`should keep a claim in Redis under ${String(LOAD.redisClaimBytes)} bytes whatever the MsgKey's length`, async () => {
    const { client } = await ioredisClient(await sharedRedisUrl());
    const prefix = `test:${randomUUID()}:`;
    try {
      const figures: string[] = [];
      for (const [length, char] of KEYS) {
        const space = `${prefix}${String(length)}${char}:`;
        await fill(redisStore(client, { prefix: space }), 20, length, char);
        const keys = await client.keys(`${space}*`);
        expect(keys).to.have.length(20);
        const usage = await Promise.all(keys.map((key) => client.call('MEMORY', 'USAGE', key) as Promise<number>));
        const most = Math.max(...usage);
        const what = `${String(length)}-character MsgKeys of ${char}`;
        figures.push(`${what}: ${String(most)} bytes per claim (MEMORY USAGE)`);
        expect(most, what).to.be.below(LOAD.redisClaimBytes);
      }
      console.log(`      redisStore: ${figures.join('; ')}`);
    } finally {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });
});
