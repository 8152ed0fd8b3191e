import { expect } from 'chai';
import express from 'express';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, runLoad } from '../../lib/cli/load.js';
import { recallWebhook } from '../../lib/adapters/express.js';
import { callbackUrl } from '../../lib/testing/delivery.js';
import { postCallback } from '../../lib/testing/post.js';
import { callbackQuery } from '../../lib/testing/query.js';
import { sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../../lib/testing/sample.js';
import { memoryStore } from '../../lib/stores/memory.js';
import { RECALL_COMMAND, RECALL_COMMANDS } from '../../lib/protocol/commands.js';
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

  it(`should answer ${LOAD.mixedRequests.toLocaleString('en-US')} recalls of all three commands at concurrency ${String(LOAD.concurrency)}, deduplicated in memory, with exactly one event each under its own name`, async () => {
    const recall = recallWebhook({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      commands: [...RECALL_COMMANDS],
      dedupe: { store: memoryStore() },
    });
    // Each index is recalled once under every command, with the same text as its MsgKey or MsgSeq:
    // the same message names in three commands are three recalls.
    const indexes = LOAD.mixedRequests / RECALL_COMMANDS.length;
    const seen = {
      recall: new Uint8Array(indexes + 1),
      groupRecall: new Uint8Array(indexes + 1),
      officialAccountRecall: new Uint8Array(indexes + 1),
    };
    const count = (name: keyof typeof seen, id: string | number | undefined): void => {
      const index = Number(/(\d+)$/.exec(String(id))?.[1] ?? 0);
      seen[name][index] = (seen[name][index] ?? 0) + 1;
    };
    recall.events.on('recall', (event) => {
      count('recall', event.body.MsgKey);
    });
    recall.events.on('groupRecall', (event) => {
      count('groupRecall', event.messages[0]?.msgSeq);
    });
    recall.events.on('officialAccountRecall', (event) => {
      count('officialAccountRecall', event.messages[0]?.msgKey);
    });
    let others = 0;
    recall.events.on('duplicate', () => (others += 1));
    recall.events.on('rejected', () => (others += 1));
    running = await listen(express().use('/callback', recall));
    agent = new Agent({ keepAlive: true, maxSockets: LOAD.concurrency });
    const url = new URL(`http://127.0.0.1:${String(running.port)}/callback`);
    const bodies = {
      'C2C.CallbackAfterMsgWithDraw': (id: number) => sampleRecall({ MsgKey: `mixed-${String(id)}` }),
      'Group.CallbackAfterRecallMsg': (id: number) => sampleGroupRecall({ MsgSeqList: [{ MsgSeq: id }] }),
      'OfficialAccount.CallbackAfterMsgWithDraw': (id: number) =>
        sampleOfficialAccountRecall({ WithdrawMsgList: [{ MsgKey: `mixed-${String(id)}` }] }),
    } as const;
    const report = await runLoad(
      LOAD.mixedRequests,
      LOAD.concurrency,
      (i) => {
        const command = RECALL_COMMANDS[i % RECALL_COMMANDS.length] ?? RECALL_COMMAND;
        const query = callbackQuery({ sdkAppId: SDK_APP_ID, token: TOKEN, callbackCommand: command });
        const body = JSON.stringify(bodies[command](Math.floor(i / RECALL_COMMANDS.length) + 1));
        return postCallback(callbackUrl(url, undefined, query), body, agent);
      },
      () => undefined,
    );
    console.log(
      `      ${String(LOAD.mixedRequests)} mixed recalls: ${(LOAD.mixedRequests / report.seconds).toFixed(0)} req/s, p99 ${percentile(report.latenciesMs, 0.99).toFixed(1)} ms`,
    );
    expect(report).to.deep.include({ ok: LOAD.mixedRequests, fail: 0, errors: 0 });
    for (const [name, counts] of Object.entries(seen)) {
      expect(counts[0], `${name} events that named no message of the load`).to.equal(0);
      expect(
        counts.subarray(1).every((each) => each === 1),
        name,
      ).to.equal(true);
    }
    expect(others).to.equal(0);
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
    // The best of three runs each side: a shared machine's pauses would otherwise decide it. A
    // cost that grows with the refusals seen would be many times over the bound, not a fraction.
    const bestOfThree = async (): Promise<number> => Math.min(await medianOf(), await medianOf(), await medianOf());
    const before = await bestOfThree();
    const burst = await runLoad(
      LOAD.rejectedBurst,
      10,
      (i) => send(url, i + 1, 'wrong-token'),
      () => undefined,
    );
    const after = await bestOfThree();
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
