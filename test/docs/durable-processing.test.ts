import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { TOKEN } from '../fixtures/callbacks.js';
import { OK } from '../helpers/app.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';
import { startRedisServer, type RedisServer } from '../helpers/redis.js';

const GUIDE = guide('durable-processing.md');

// The app's database, as the worker's `./db.js` imports it: a stand-in that keeps its rows in
// Redis, so that the test can take it down and count what was processed, across processes.
const DATABASE = `
import { Redis } from 'ioredis';
import type { Conversation, RecalledMessage } from 'tencent-chat-recall-webhook';
const redis = new Redis(process.env.REDIS_URL ?? '');
// Quiet while Redis is away: the failures show in the worker's own lines.
redis.on('error', () => undefined);
export async function markRecalled(conversation: Conversation, message: RecalledMessage): Promise<void> {
  if ((await redis.exists('test-db:down')) === 1) throw new Error('database down');
  await redis.hincrby('test-db:recalled', JSON.stringify([conversation, message]), 1);
}
`;

describe('docs/durable-processing.md', function () {
  this.timeout(60_000);
  const programs: Spawned[] = [];
  let redis: RedisServer | undefined;
  let client: Redis | undefined;
  after(async () => {
    await Promise.all(programs.map((program) => program.stop()));
    client?.disconnect();
    await redis?.kill();
  });

  /** The guide's receiver and worker, written out to run. */
  const programFiles = (): { receiver: URL; worker: URL } => {
    const [receiverCode, workerCode] = blocksOf('The receiver', 'ts', GUIDE).concat(
      blocksOf('The worker', 'ts', GUIDE),
    );
    writeExample('db.ts', DATABASE);
    return {
      receiver: writeExample('bullmq-receiver.ts', receiverCode ?? ''),
      worker: writeExample('bullmq-worker.ts', workerCode ?? ''),
    };
  };

  it('should answer OK while the database is down, then process every recall exactly once when it is back', async () => {
    const { receiver, worker } = programFiles();
    // A Redis of this test's own: the queue's name is the guide's, and must start empty.
    redis = await startRedisServer();
    client = new Redis(redis.url);
    await client.set('test-db:down', '1');
    const env = { REDIS_URL: redis.url, IM_CALLBACK_TOKEN: TOKEN };
    const port = await freePort();
    programs.push(start('node', ['--import', 'tsx', receiver.pathname], { ...env, PORT: String(port) }));
    for (let i = 0; i < 2; i++) programs.push(start('node', ['--import', 'tsx', worker.pathname], env));
    const url = `http://127.0.0.1:${String(port)}/im/callback`;
    await untilListening(url, TOKEN);
    // The probe that found the receiver listening is a recall too: 31 in all.

    const deliveries = Array.from({ length: 30 }, (_, i) => {
      const command = RECALL_COMMANDS[i % 3] ?? 'C2C.CallbackAfterMsgWithDraw';
      const body =
        command === 'Group.CallbackAfterRecallMsg'
          ? { MsgSeqList: [{ MsgSeq: i }] }
          : command === 'OfficialAccount.CallbackAfterMsgWithDraw'
            ? { WithdrawMsgList: [{ MsgKey: `account-${String(i)}` }] }
            : { MsgKey: `c2c-${String(i)}` };
      return { sdkAppId: 1400000000, token: TOKEN, command, body };
    });
    // Every recall, and a copy of every third one, as Tencent's retry or another instance would get.
    const answers = await Promise.all(
      [...deliveries, ...deliveries.filter((_, i) => i % 3 === 0)].map((options) => deliverRecall(url, options)),
    );
    expect(answers.filter((answer) => JSON.stringify(answer) !== JSON.stringify(OK))).to.deep.equal([]);

    // The workers meet the database down, and retry.
    await sleep(1_000);
    expect(await client.hlen('test-db:recalled')).to.equal(0);
    await client.del('test-db:down');
    for (let waited = 0; (await client.hlen('test-db:recalled')) < 31 && waited < 30_000; waited += 100)
      await sleep(100);
    // Time for a second processing of anything, had there been one.
    await sleep(500);
    const counts = Object.values(await client.hgetall('test-db:recalled'));
    expect(counts).to.have.length(31);
    expect(counts.every((count) => count === '1')).to.equal(true);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('recalls', { connection });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active')).to.deep.equal({
        completed: 31,
        failed: 0,
        waiting: 0,
        delayed: 0,
        active: 0,
      });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    // The failures the workers met were logged, one line each.
    expect(
      programs
        .slice(1)
        .map((program) => program.errors())
        .join(''),
    ).to.match(/failed \(attempt 1\): database down/);
  });

  it('should answer FAIL while Redis is down, and still add and process the job once Redis is back', async () => {
    const { receiver, worker } = programFiles();
    const own = await startRedisServer();
    const env = { REDIS_URL: own.url, IM_CALLBACK_TOKEN: TOKEN };
    const port = await freePort();
    const running = [
      start('node', ['--import', 'tsx', receiver.pathname], { ...env, PORT: String(port) }),
      start('node', ['--import', 'tsx', worker.pathname], env),
    ];
    programs.push(...running);
    const url = `http://127.0.0.1:${String(port)}/im/callback`;
    try {
      await untilListening(url, TOKEN);
      // The probe that found the receiver listening is a recall too: processed before Redis goes.
      const before = new Redis(own.url);
      try {
        for (let waited = 0; (await before.hlen('test-db:recalled')) === 0 && waited < 20_000; waited += 100)
          await sleep(100);
      } finally {
        before.disconnect();
      }
      await own.kill();
      const answer = await deliverRecall(url, { sdkAppId: 1400000000, token: TOKEN, body: { MsgKey: 'held' } });
      expect(answer).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
      expect(answer.ErrorInfo).to.match(/^LISTENER_TIMEOUT: /);
      await own.restart();
      const back = new Redis(own.url);
      try {
        let recalled: Record<string, string> = {};
        for (let waited = 0; Object.keys(recalled).length === 0 && waited < 20_000; waited += 100) {
          await sleep(100);
          recalled = await back.hgetall('test-db:recalled');
        }
        // The one recall the restarted, empty Redis saw: the held one, its job added on reconnect.
        expect(
          Object.keys(recalled).map((row) => (JSON.parse(row) as [unknown, { msgKey: string }])[1].msgKey),
        ).to.deep.equal(['held']);
      } finally {
        back.disconnect();
      }
      // The guide's 'error' listeners said what happened in one line each, without a stack.
      const said = running.map((program) => program.errors()).join('');
      expect(said, said).not.to.match(/^\s+at /m);
    } finally {
      await Promise.all(running.map((program) => program.stop()));
      await own.kill();
    }
  });
});
