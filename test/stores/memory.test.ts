import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryStore } from '../../lib/stores/memory.js';

const HOUR = 3_600_000;

describe('memoryStore', () => {
  it('should grant the first claim on a key and refuse the next while it lives', async () => {
    const store = memoryStore();
    expect(await store.claim('a', 'one', HOUR)).to.equal(true);
    expect(await store.claim('a', 'two', HOUR)).to.equal(false);
    expect(await store.claim('b', 'two', HOUR)).to.equal(true);
  });

  it('should grant a claim again once the TTL has passed', async () => {
    const store = memoryStore();
    expect(await store.claim('a', 'one', 20)).to.equal(true);
    await sleep(40);
    expect(await store.claim('a', 'two', 20)).to.equal(true);
    expect(await store.claim('a', 'three', 20)).to.equal(false);
  });

  it('should free a key on release by its owner', async () => {
    const store = memoryStore();
    await store.claim('a', 'one', HOUR);
    await store.release('a', 'one');
    expect(await store.claim('a', 'two', HOUR)).to.equal(true);
  });

  it('should keep a claim when another owner releases it', async () => {
    const store = memoryStore();
    await store.claim('a', 'one', 20);
    await sleep(40);
    await store.claim('a', 'two', HOUR);
    await store.release('a', 'one');
    expect(await store.claim('a', 'three', HOUR)).to.equal(false);
  });

  it('should never hold more than maxEntries, dropping the oldest claim first', async () => {
    const store = memoryStore({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) {
      await store.claim(`k${String(i)}`, 'owner', HOUR);
      expect(store.size).to.be.at.most(100);
    }
    expect(store.size).to.equal(100);
    // The newest 100 are still claimed; the ones before them were dropped.
    expect(await store.claim('k999', 'again', HOUR)).to.equal(false);
    expect(await store.claim('k900', 'again', HOUR)).to.equal(false);
    expect(await store.claim('k899', 'again', HOUR)).to.equal(true);
  });

  it('should drop expired claims as new ones come in, without a timer per key', async () => {
    const store = memoryStore({ maxEntries: 1_000_000 });
    const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    await store.claim('old', 'owner', 10);
    const timersAfterOne = timers();
    for (let i = 0; i < 499; i++) await store.claim(`old${String(i)}`, 'owner', 10);
    expect(timers()).to.equal(timersAfterOne);
    await sleep(30);
    for (let i = 0; i < 500; i++) await store.claim(`new${String(i)}`, 'owner', HOUR);
    // Each claim drops up to two expired ones, so the 500 old claims are gone after 250 new ones.
    expect(store.size).to.equal(500);
  });

  it('should keep the cost of a claim flat as the store fills', async () => {
    // O(1) per operation: a full store of 100,000 claims answers about as fast as one of 1,000.
    const time = async (maxEntries: number): Promise<number> => {
      const store = memoryStore({ maxEntries });
      for (let i = 0; i < maxEntries; i++) await store.claim(`fill${String(i)}`, 'o', HOUR);
      const start = process.hrtime.bigint();
      for (let i = 0; i < 20_000; i++) await store.claim(`more${String(i)}`, 'o', HOUR);
      return Number(process.hrtime.bigint() - start);
    };
    await time(1000);
    const small = await time(1000);
    const large = await time(100_000);
    // A linear scan would make this about 100 times slower; allow for a noisy machine.
    expect(large / small).to.be.below(10);
  });

  it('should refuse a maxEntries that is not a whole number of 1 or more', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, '10' as unknown as number]) {
      expect(() => memoryStore({ maxEntries })).to.throw(TypeError, /maxEntries/);
    }
  });
});
