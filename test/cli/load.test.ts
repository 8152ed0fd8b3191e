import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, progressBar, runLoad, summary } from '../../lib/cli/load.js';

describe('cli load', () => {
  it('should take the nearest-rank percentile', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).to.equal(50);
    expect(percentile(sorted, 0.99)).to.equal(99);
    expect(percentile([7], 0.99)).to.equal(7);
    expect(percentile([], 0.5)).to.equal(0);
  });

  it('should draw a bar in proportion', () => {
    expect(progressBar(0, 10, 10)).to.equal('[..........]  0/10');
    expect(progressBar(5, 10, 10)).to.equal('[#####.....]  5/10');
    expect(progressBar(10, 10, 10)).to.equal('[##########] 10/10');
  });

  it('should send each index once, no more than concurrency at a time, and count outcomes', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    const report = await runLoad(
      40,
      4,
      async (index) => {
        seen.push(index);
        most = Math.max(most, ++inFlight);
        await sleep(1);
        inFlight -= 1;
        if (index % 10 === 9) throw new Error(`lost ${String(index)}`);
        return index % 5 === 0
          ? { ActionStatus: 'FAIL', ErrorInfo: 'X: no', ErrorCode: 1 }
          : { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };
      },
      () => undefined,
    );
    expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(most).to.equal(4);
    expect(report).to.deep.include({ sent: 40, ok: 28, fail: 8, errors: 4, firstProblem: 'X: no' });
    expect(report.latenciesMs).to.have.length(40);
    expect(summary(report)).to.match(
      /^sent 40, OK 28, FAIL 8, errors 4 in [\d.]+ s: \d+ req\/s, p50 [\d.]+ ms, p99 [\d.]+ ms$/,
    );
  });
});
