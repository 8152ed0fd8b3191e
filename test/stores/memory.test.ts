import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryStore } from '../../lib/stores/memory.js';
import { captureLog } from '../helpers/log.js';

const HOUR = 3_600_000;

/** Runs `test` with `Date.now()` reading `clock.now`, which the test moves by hand. */
async function withClock(test: (clock: { now: number }) => Promise<void>): Promise<void> {
  const clock = { now: 1_000_000 };
  const realNow = Date.now;
  Date.now = () => clock.now;
  try {
    await test(clock);
  } finally {
    Date.now = realNow;
  }
}

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

  it('should end a claim exactly ttlMs after it was taken, as Redis PX does', async () => {
    await withClock(async (clock) => {
      const store = memoryStore();
      // An older claim that lives on, so that 'a' is found by its key, not swept from the oldest end.
      await store.claim('long', 'one', HOUR);
      expect(await store.claim('a', 'one', 100)).to.equal(true);
      clock.now += 99;
      expect(await store.claim('a', 'two', 100)).to.equal(false);
      clock.now += 1;
      expect(await store.claim('a', 'three', 100)).to.equal(true);
      // The first claim was dropped when it ended, not kept beside the new one.
      expect(store.size).to.equal(2);
    });
  });

  it('should drop an ended claim from the oldest end exactly when it ends', async () => {
    await withClock(async (clock) => {
      const store = memoryStore();
      await store.claim('a', 'one', 100);
      clock.now += 100;
      await store.claim('b', 'one', HOUR);
      expect(store.size).to.equal(1);
    });
  });

  it('should grant again a key whose ended claim is not the oldest, and keep the new claim once the old one is swept', async () => {
    await withClock(async (clock) => {
      const store = memoryStore();
      // 'long' is the oldest claim and still alive, so sweeping stops before 'short'.
      await store.claim('long', 'one', 1000);
      await store.claim('short', 'one', 10);
      clock.now += 20;
      expect(await store.claim('short', 'two', HOUR)).to.equal(true);
      expect(store.size).to.equal(2);
      // Once 'long' ends, sweeping reaches what was left of the first 'short' claim: it must not
      // take the second one with it.
      clock.now += 1000;
      await store.claim('other', 'one', HOUR);
      expect(await store.claim('short', 'three', HOUR)).to.equal(false);
      // The second claim's owner can release it; the first owner could not.
      await store.release('short', 'one');
      expect(await store.claim('short', 'four', HOUR)).to.equal(false);
      await store.release('short', 'two');
      expect(await store.claim('short', 'four', HOUR)).to.equal(true);
    });
  });

  it('should drop two ended claims per claim taken, no more', async () => {
    await withClock(async (clock) => {
      const store = memoryStore();
      for (let i = 0; i < 10; i++) await store.claim(`old${String(i)}`, 'owner', 10);
      clock.now += 10;
      await store.claim('new', 'owner', HOUR);
      expect(store.size).to.equal(9);
    });
  });

  describe('with the debug log on', () => {
    const lines = captureLog();

    it('should hold one claim with maxEntries 1, and log each claim dropped to make room', async () => {
      const store = memoryStore({ maxEntries: 1 });
      expect(await store.claim('a', 'one', HOUR)).to.equal(true);
      expect(await store.claim('b', 'one', HOUR)).to.equal(true);
      expect(store.size).to.equal(1);
      expect(await store.claim('a', 'two', HOUR)).to.equal(true);
      expect(
        lines.filter((line) => line.endsWith('memoryStore is full (1 claims): dropped the oldest')),
      ).to.have.length(2);
    });
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
