import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { TimerQueue } from '../../lib/core/timer-queue.js';
import { captureLog } from '../helpers/log.js';

/** Timers the process holds now. */
const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

/** The timers held once the test runs, mocha's own for its timeout included (set after the test starts). */
async function timersAtStart(): Promise<number> {
  await sleep(1);
  return timers();
}

describe('TimerQueue', () => {
  const lines = captureLog();

  it('should call each function once its deadline has passed, in the order they began, none early', async () => {
    const queue = new TimerQueue(40);
    const began = performance.now();
    const calls: [string, number][] = [];
    queue.start(() => calls.push(['a', performance.now() - began]));
    await sleep(15);
    queue.start(() => calls.push(['b', performance.now() - began]));
    await sleep(100);
    expect(calls.map(([name]) => name)).to.deep.equal(['a', 'b']);
    expect(calls[0]?.[1]).to.be.at.least(39);
    expect(calls[1]?.[1]).to.be.at.least(54);
  });

  it('should not call a cancelled function, and take a second cancel as nothing', async () => {
    const queue = new TimerQueue(20);
    const calls: string[] = [];
    const a = queue.start(() => calls.push('a'));
    queue.start(() => calls.push('b'));
    a.cancel();
    a.cancel();
    await sleep(60);
    expect(calls).to.deep.equal(['b']);
  });

  it('should skip a deadline cancelled between live ones when the timer runs', async () => {
    const queue = new TimerQueue(20);
    const calls: string[] = [];
    queue.start(() => calls.push('a'));
    const b = queue.start(() => calls.push('b'));
    queue.start(() => calls.push('c'));
    b.cancel();
    await sleep(50);
    expect(calls).to.deep.equal(['a', 'c']);
  });

  it('should keep the deadlines still running after some expired, and those started after', async () => {
    const queue = new TimerQueue(30);
    const calls: string[] = [];
    queue.start(() => calls.push('a'));
    await sleep(15);
    queue.start(() => calls.push('b'));
    await sleep(20);
    // a has expired, b runs on; one more joins it.
    expect(calls).to.deep.equal(['a']);
    queue.start(() => calls.push('c'));
    await sleep(60);
    expect(calls).to.deep.equal(['a', 'b', 'c']);
  });

  it('should hold one timer for many deadlines, and none once every one is cancelled', () => {
    const queue = new TimerQueue(1000);
    const before = timers();
    const deadlines = Array.from({ length: 100 }, () => queue.start(() => undefined));
    expect(timers()).to.equal(before + 1);
    // Cancelled out of order: the timer stays while one is live.
    for (const deadline of deadlines.slice(1)) deadline.cancel();
    expect(timers()).to.equal(before + 1);
    deadlines[0]?.cancel();
    expect(timers()).to.equal(before);
  });

  it('should wait on for a deadline still live when the oldest was cancelled, and leave no timer after', async () => {
    const queue = new TimerQueue(30);
    const before = await timersAtStart();
    const calls: string[] = [];
    const a = queue.start(() => calls.push('a'));
    await sleep(15);
    queue.start(() => calls.push('b'));
    a.cancel();
    await sleep(25);
    // The timer ran at a's end, found it cancelled, and waits for b's.
    expect(calls).to.deep.equal([]);
    await sleep(40);
    expect(calls).to.deep.equal(['b']);
    expect(timers()).to.equal(before);
  });

  it('should time a deadline started after every earlier one ended from its own start, holding the process only while it runs', async () => {
    const queue = new TimerQueue(40);
    const before = await timersAtStart();
    const calls: number[] = [];
    queue.start(() => calls.push(0)).cancel();
    // Nothing is live: the timer, still armed for the cancelled deadline, holds nothing open.
    expect(timers()).to.equal(before);
    await sleep(20);
    const began = performance.now();
    queue.start(() => calls.push(performance.now() - began));
    expect(timers()).to.equal(before + 1);
    // The cancelled deadline's time has passed; this one's has not.
    await sleep(30);
    expect(calls).to.deep.equal([]);
    await sleep(40);
    expect(calls).to.have.length(1);
    expect(calls[0]).to.be.at.least(39);
    expect(timers()).to.equal(before);
  });

  it('should let a function start a deadline of its own, and call that one later', async () => {
    const queue = new TimerQueue(20);
    const before = await timersAtStart();
    const calls: string[] = [];
    queue.start(() => {
      calls.push('first');
      queue.start(() => calls.push('second'));
    });
    await sleep(30);
    expect(calls).to.deep.equal(['first']);
    await sleep(40);
    expect(calls).to.deep.equal(['first', 'second']);
    expect(timers()).to.equal(before);
  });

  it('should log a function that throws and still call the others', async () => {
    const queue = new TimerQueue(20);
    const calls: string[] = [];
    queue.start(() => {
      throw new Error('broken');
    });
    queue.start(() => calls.push('b'));
    await sleep(50);
    expect(calls).to.deep.equal(['b']);
    expect(lines.some((line) => line.includes('a deadline failed: broken'))).to.equal(true);
  });

  it('should keep time by the monotonic clock, not the wall clock, which may be set back', async () => {
    const realNow = Date.now;
    const hourAgo = realNow() - 3_600_000;
    Date.now = () => hourAgo;
    try {
      const queue = new TimerQueue(20);
      const calls: string[] = [];
      queue.start(() => calls.push('a'));
      await sleep(50);
      expect(calls).to.deep.equal(['a']);
    } finally {
      Date.now = realNow;
    }
  });
});
