import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyRecallEvent, RecallEvent } from '../../lib/core/events.js';
import type { DedupeStore } from '../../lib/core/dedupe-store.js';
import { redisStore } from '../../lib/stores/redis.js';
import { receiverUrl, SAMPLE_WITH_UNREAD, TOKEN } from '../fixtures/callbacks.js';
import { buildApp, OK, type Emitted } from '../helpers/app.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
  type RecallCommand,
} from '../../lib/protocol/commands.js';
import { sampleGroupRecall, sampleOfficialAccountRecall } from '../../lib/testing/sample.js';
import { LOAD } from '../reliability/figures.js';
import { listen, type Running } from '../helpers/http.js';
import { ioredisClient, nodeRedisClient, reconnected, sharedRedisUrl, startRedisServer } from '../helpers/redis.js';

// Several instances of an app behind a load balancer: two Express apps on two ports, each with a
// Redis client of its own, sharing one real Redis.

interface Instance {
  readonly running: Running;
  readonly recalls: RecallEvent[];
  readonly emitted: Emitted[];
  readonly duplicates: AnyRecallEvent[];
  readonly events: ReturnType<typeof buildApp>['recall']['events'];
}

async function instance(
  store: DedupeStore,
  options: { storeTimeoutMs?: number; failOpen?: boolean } = {},
): Promise<Instance> {
  const target = buildApp({ token: TOKEN, commands: [...RECALL_COMMANDS], dedupe: { store, ...options } });
  const duplicates: AnyRecallEvent[] = [];
  target.recall.events.on('duplicate', (event) => duplicates.push(event));
  return {
    running: await listen(target.app),
    recalls: target.recalls,
    emitted: target.emitted,
    duplicates,
    events: target.recall.events,
  };
}

async function deliver(to: Instance, msgKey: string): Promise<unknown> {
  return post(to, RECALL_COMMAND, { ...SAMPLE_WITH_UNREAD, MsgKey: msgKey });
}

async function post(to: Instance, command: RecallCommand, body: object): Promise<unknown> {
  const res = await fetch(
    `http://127.0.0.1:${String(to.running.port)}${receiverUrl({ callbackCommand: command, token: TOKEN })}`,
    {
      method: 'POST',
      body: JSON.stringify(body),
    },
  );
  expect(res.status).to.equal(200);
  return res.json();
}

const DEDUPE_UNAVAILABLE = (reason: string) => ({
  ActionStatus: 'FAIL',
  ErrorInfo: `DEDUPE_UNAVAILABLE: the dedupe store ${reason}`,
  ErrorCode: 1,
});

describe('dedupe across instances sharing Redis', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  const prefix = `test:${randomUUID()}:`;

  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((close) => close()));
  });

  async function twoInstances(): Promise<[Instance, Instance]> {
    const url = await sharedRedisUrl();
    // One instance on node-redis and one on ioredis: the claims are the same keys either way.
    const a = await nodeRedisClient(url);
    const b = await ioredisClient(url);
    const instances = [
      await instance(redisStore(a.client, { prefix })),
      await instance(redisStore(b.client, { prefix })),
    ] as const;
    cleanup.push(
      () => a.client.quit(),
      () => b.client.quit(),
      ...instances.map((i) => () => i.running.close()),
    );
    return [instances[0], instances[1]];
  }

  it('should emit exactly one recall when the same recall reaches both at the same moment, every time', async () => {
    const [a, b] = await twoInstances();
    const rounds = 200;
    for (let round = 0; round < rounds; round++) {
      const answers = await Promise.all([deliver(a, `race-${String(round)}`), deliver(b, `race-${String(round)}`)]);
      expect(answers).to.deep.equal([OK, OK]);
    }
    const recalled = [...a.recalls, ...b.recalls].map((e) => e.body.MsgKey).sort();
    expect(recalled).to.deep.equal(Array.from({ length: rounds }, (_, i) => `race-${String(i)}`).sort());
    expect(a.duplicates.length + b.duplicates.length).to.equal(rounds);
  });

  it('should emit exactly one group recall when the same one reaches both at once, telling groups and topics apart', async () => {
    const [a, b] = await twoInstances();
    // The same MsgSeq in two groups, in two topics of one group, and in the group without a topic.
    const bodies = [
      sampleGroupRecall({ GroupId: 'g1' }),
      sampleGroupRecall({ GroupId: 'g2' }),
      sampleGroupRecall({ GroupId: 'g1', TopicId: 'g1-topic-2' }),
      sampleGroupRecall({ GroupId: 'g1' }, 'international-docs'),
      sampleGroupRecall(
        { GroupId: '@TGS#2J4SZEAEL', MsgSeqList: [{ MsgSeq: 130 }, { MsgSeq: 131 }] },
        'international-docs',
      ),
    ];
    for (let round = 0; round < 20; round++) {
      for (const [index, body] of bodies.entries()) {
        const each = { ...body, GroupId: `${body.GroupId}-${String(round)}` };
        const answers = await Promise.all([post(a, GROUP_RECALL_COMMAND, each), post(b, GROUP_RECALL_COMMAND, each)]);
        expect(answers, `round ${String(round)}, body ${String(index)}`).to.deep.equal([OK, OK]);
      }
    }
    const emitted = [...a.emitted, ...b.emitted];
    expect(emitted.every(({ name }) => name === 'groupRecall')).to.equal(true);
    expect(emitted).to.have.length(20 * bodies.length);
    const duplicates = [...a.duplicates, ...b.duplicates];
    expect(duplicates).to.have.length(20 * bodies.length);
    expect(duplicates.every(({ command }) => command === GROUP_RECALL_COMMAND)).to.equal(true);
  });

  it('should keep a one-to-one MsgKey and an Official Account MsgKey of the same text apart', async () => {
    const [a, b] = await twoInstances();
    const msgKey = `shared-${randomUUID()}`;
    expect(await deliver(a, msgKey)).to.deep.equal(OK);
    const account = sampleOfficialAccountRecall({ WithdrawMsgList: [{ MsgKey: msgKey }] });
    expect(await post(b, OFFICIAL_ACCOUNT_RECALL_COMMAND, account)).to.deep.equal(OK);
    expect(await post(a, OFFICIAL_ACCOUNT_RECALL_COMMAND, account)).to.deep.equal(OK);
    expect([...a.emitted, ...b.emitted].map(({ name }) => name)).to.deep.equal(['recall', 'officialAccountRecall']);
    expect(a.duplicates.map(({ command }) => command)).to.deep.equal([OFFICIAL_ACCOUNT_RECALL_COMMAND]);
  });

  it(`should emit one recall each for ${LOAD.dedupeRecalls.toLocaleString('en-US')} recalls sent to both at concurrency ${String(LOAD.dedupeConcurrency)}`, async function () {
    this.timeout(60_000);
    const [a, b] = await twoInstances();
    const answers: unknown[] = [];
    let next = 0;
    // Each worker sends one recall to both instances at once, then takes the next.
    await Promise.all(
      Array.from({ length: LOAD.dedupeConcurrency }, async () => {
        for (let index = next++; index < LOAD.dedupeRecalls; index = next++) {
          answers.push(
            ...(await Promise.all([deliver(a, `load-${String(index)}`), deliver(b, `load-${String(index)}`)])),
          );
        }
      }),
    );
    expect(answers.filter((answer) => JSON.stringify(answer) !== JSON.stringify(OK))).to.deep.equal([]);
    const recalled = new Set([...a.recalls, ...b.recalls].map((e) => e.body.MsgKey));
    expect(recalled.size).to.equal(LOAD.dedupeRecalls);
    expect(a.recalls.length + b.recalls.length).to.equal(LOAD.dedupeRecalls);
    expect(a.duplicates.length + b.duplicates.length).to.equal(LOAD.dedupeRecalls);
  });

  it('should let the retry through on the other instance when the first copy failed', async () => {
    const [a, b] = await twoInstances();
    a.events.on('recall', () => {
      throw new Error('database down on instance a');
    });
    expect(await deliver(a, 'retried')).to.deep.equal({
      ActionStatus: 'FAIL',
      ErrorInfo: 'LISTENER_FAILED: a recall listener failed',
      ErrorCode: 1,
    });
    expect(await deliver(b, 'retried')).to.deep.equal(OK);
    expect(await deliver(a, 'retried')).to.deep.equal(OK);
    expect(b.recalls.map((e) => e.body.MsgKey)).to.deep.equal(['retried']);
    expect(a.duplicates.map((e) => e.body.MsgKey)).to.deep.equal(['retried']);
  });

  /**
   * A Redis of this test's own, and two instances on it: one on node-redis without an offline
   * queue (a command fails at once while Redis is away) and one on ioredis with its default
   * offline queue (a command waits, and storeTimeoutMs ends the wait).
   */
  async function onOwnRedis(failOpen: boolean) {
    const server = await startRedisServer();
    cleanup.push(() => server.kill());
    const quick = await nodeRedisClient(server.url, { disableOfflineQueue: true });
    const queued = await ioredisClient(server.url);
    cleanup.push(
      () => {
        quick.client.destroy();
        return Promise.resolve();
      },
      () => {
        queued.client.disconnect();
        return Promise.resolve();
      },
    );
    const instances = [
      await instance(redisStore(quick.client), { failOpen, storeTimeoutMs: 200 }),
      await instance(redisStore(queued.client), { failOpen, storeTimeoutMs: 200 }),
    ] as const;
    cleanup.push(...instances.map((i) => () => i.running.close()));
    const reconnectedBoth = async (): Promise<void> => {
      await reconnected(() => quick.client.ping());
      await reconnected(() => queued.client.ping());
    };
    return { server, instances, reconnectedBoth, quickErrors: quick.errors };
  }

  for (const { name, failOpen } of [
    { name: 'fail closed by default', failOpen: false },
    { name: 'fail open when set', failOpen: true },
  ]) {
    it(`should answer while Redis is away (${name}) and dedupe again once it is back`, async () => {
      const { server, instances, reconnectedBoth, quickErrors } = await onOwnRedis(failOpen);
      for (const [index, i] of instances.entries())
        expect(await deliver(i, `before-${String(index)}`)).to.deep.equal(OK);
      await server.kill();
      for (const i of instances) {
        const started = Date.now();
        const answer = await deliver(i, 'while-away');
        expect(Date.now() - started).to.be.below(1500);
        expect(answer).to.deep.equal(
          failOpen ? OK : DEDUPE_UNAVAILABLE(i === instances[0] ? 'failed' : 'did not answer in time'),
        );
      }
      const emittedWhileAway = instances.flatMap((i) => i.recalls).filter((e) => e.body.MsgKey === 'while-away');
      expect(emittedWhileAway).to.have.length(failOpen ? 2 : 0);

      await server.restart();
      await reconnectedBoth();
      for (const [index, i] of instances.entries()) {
        const key = `after-${String(index)}`;
        expect(await deliver(i, key)).to.deep.equal(OK);
        expect(await deliver(i, key)).to.deep.equal(OK);
        expect(i.recalls.filter((e) => e.body.MsgKey === key)).to.have.length(1);
        expect(i.duplicates.filter((e) => e.body.MsgKey === key)).to.have.length(1);
      }
      expect(quickErrors.length).to.be.above(0);
    });
  }

  it('should answer every request while Redis dies and comes back under load, emitting only for OK answers', async function () {
    this.timeout(30_000);
    const { server, instances, reconnectedBoth } = await onOwnRedis(false);
    const answers: { ok: boolean; ms: number }[] = [];
    let sent = 0;
    let running = true;
    // 20 workers sending distinct recalls to both instances, without pause, until told to stop.
    const workers = Array.from({ length: 20 }, async (_, worker) => {
      while (running) {
        const to = instances[(sent += 1) % 2] ?? instances[0];
        const started = Date.now();
        const answer = await deliver(to, `outage-${String(worker)}-${String(sent)}`);
        const ok = JSON.stringify(answer) === JSON.stringify(OK);
        if (!ok) expect(JSON.stringify(answer)).to.include('DEDUPE_UNAVAILABLE');
        answers.push({ ok, ms: Date.now() - started });
      }
    });
    await sleep(300);
    await server.kill();
    await sleep(500);
    await server.restart();
    await reconnectedBoth();
    await sleep(300);
    running = false;
    await Promise.all(workers);

    const failed = answers.filter((a) => !a.ok).length;
    expect(failed, 'some requests met the outage').to.be.above(0);
    expect(answers.length - failed, 'some requests were handled').to.be.above(0);
    // Fail closed: a recall is emitted exactly when its answer is OK.
    expect(instances[0].recalls.length + instances[1].recalls.length).to.equal(answers.length - failed);
    // Every answer came within timeoutMs (1500 ms by default), however the store behaved.
    expect(Math.max(...answers.map((a) => a.ms))).to.be.below(1500);
    // And once Redis is back, recalls are handled again.
    expect(answers.slice(-20).every((a) => a.ok)).to.equal(true);
  });
});
