import { expect } from 'chai';
import express from 'express';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, runLoad } from '../../lib/cli/load.js';
import { recallWebhook } from '../../lib/adapters/express.js';
import { callbackUrl, postCallback } from '../../lib/testing/post.js';
import { callbackQuery } from '../../lib/testing/query.js';
import { sampleRecall } from '../../lib/testing/sample.js';
import { listen, type Running } from '../helpers/http.js';
import { LOAD } from './figures.js';

// Load and faults over real HTTP. The figures asserted here are in the README's Reliability section.

const SDK_APP_ID = 1400000000;
const TOKEN = 'load-token';
/** Heap in use after a full collection (mocha runs with --expose-gc). */
async function settledHeap(): Promise<number> {
  await sleep(50);
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

describe('load and faults', function () {
  this.timeout(180_000);
  let running: Running | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    agent?.destroy();
    await running?.close();
    running = undefined;
  });

  async function serve(
    options: { timeoutMs?: number } = {},
  ): Promise<{ url: URL; seen: Uint8Array; recall: ReturnType<typeof recallWebhook> }> {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, ...options });
    // A counter per MsgKey index, not the events themselves, so the test holds no growing heap.
    const seen = new Uint8Array(LOAD.requests + 1);
    recall.events.on('recall', (event) => {
      const index = Number(/-(\d+)$/.exec(event.body.MsgKey)?.[1] ?? 0);
      seen[index] = (seen[index] ?? 0) + 1;
    });
    running = await listen(express().use('/callback', recall));
    agent = new Agent({ keepAlive: true, maxSockets: LOAD.concurrency });
    return { url: new URL(`http://127.0.0.1:${String(running.port)}/callback`), seen, recall };
  }

  function send(url: URL, index: number, token = TOKEN): ReturnType<typeof postCallback> {
    const body = JSON.stringify(sampleRecall({ MsgKey: `load-${String(index)}` }));
    return postCallback(callbackUrl(url, undefined, callbackQuery({ sdkAppId: SDK_APP_ID, token })), body, agent);
  }

  it(`should answer ${String(LOAD.requests)} distinct recalls at concurrency ${String(LOAD.concurrency)} with exactly one event each, no FAIL, and heap growth under ${String(LOAD.heapGrowthMiB)} MiB`, async () => {
    const { url, seen } = await serve();
    await runLoad(
      2_000,
      LOAD.concurrency,
      (i) => send(url, LOAD.requests - i),
      () => undefined,
    );
    seen.fill(0);
    const before = await settledHeap();
    const report = await runLoad(
      LOAD.requests,
      LOAD.concurrency,
      (i) => send(url, i + 1),
      () => undefined,
    );
    const growthMiB = ((await settledHeap()) - before) / 2 ** 20;
    console.log(
      `      ${String(LOAD.requests)} recalls: ${(LOAD.requests / report.seconds).toFixed(0)} req/s, p99 ${percentile(report.latenciesMs, 0.99).toFixed(1)} ms, heap growth ${growthMiB.toFixed(2)} MiB`,
    );
    expect(report).to.deep.include({ ok: LOAD.requests, fail: 0, errors: 0 });
    expect(seen.subarray(1).every((count) => count === 1)).to.equal(true);
    expect(growthMiB).to.be.below(LOAD.heapGrowthMiB);
  });

  it(`should not slow valid recalls after ${String(LOAD.rejectedBurst)} refused ones in a row (median latency at most ${String(LOAD.slowdownAtMost)} times)`, async () => {
    const { url, recall } = await serve();
    let refused = 0;
    recall.events.on('rejected', () => (refused += 1));
    const medianOf = async (): Promise<number> => {
      const report = await runLoad(
        1_000,
        10,
        (i) => send(url, i + 1),
        () => undefined,
      );
      expect(report.ok).to.equal(1_000);
      return percentile(report.latenciesMs, 0.5);
    };
    await medianOf();
    const before = await medianOf();
    const burst = await runLoad(
      LOAD.rejectedBurst,
      10,
      (i) => send(url, i + 1, 'wrong-token'),
      () => undefined,
    );
    const after = await medianOf();
    console.log(
      `      median latency ${before.toFixed(2)} ms before, ${after.toFixed(2)} ms after ${String(LOAD.rejectedBurst)} refusals`,
    );
    expect(burst.fail).to.equal(LOAD.rejectedBurst);
    expect(refused).to.equal(LOAD.rejectedBurst);
    expect(after / before).to.be.at.most(LOAD.slowdownAtMost);
  });

  it('should answer by timeoutMs when a listener never settles, and leave no timer or socket behind', async () => {
    const resources = (): number =>
      process.getActiveResourcesInfo().filter((name) => name === 'Timeout' || name === 'TCPSocketWrap').length;
    await sleep(10);
    const baseline = resources();
    const { url, recall } = await serve({ timeoutMs: LOAD.listenerTimeoutMs });
    recall.events.on('recall', () => new Promise(() => undefined));
    const started = Date.now();
    const report = await runLoad(
      50,
      50,
      (i) => send(url, i + 1),
      () => undefined,
    );
    expect(report).to.deep.include({
      fail: 50,
      firstProblem: 'LISTENER_TIMEOUT: listeners did not finish within 100 ms',
    });
    expect(Date.now() - started).to.be.below(1_000);
    agent?.destroy();
    await running?.close();
    running = undefined;
    await sleep(50);
    expect(resources()).to.equal(baseline);
  });
});
