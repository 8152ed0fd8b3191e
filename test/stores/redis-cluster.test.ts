import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import type { AnyRecallEvent } from '../../lib/core/events.js';
import { redisStore } from '../../lib/stores/redis.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { sampleGroupRecall } from '../../lib/testing/sample.js';
import { receiverUrl, SAMPLE_WITH_UNREAD, TOKEN } from '../fixtures/callbacks.js';
import { buildApp, OK, type Emitted } from '../helpers/app.js';
import { listen, type Running } from '../helpers/http.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis.js';

// Exactly once on a Redis Cluster: two instances, one on a node-redis createCluster() client and
// one on an ioredis Cluster, sharing a real three-master cluster started for this file.

interface Instance {
  readonly running: Running;
  readonly emitted: Emitted[];
  readonly duplicates: AnyRecallEvent[];
  readonly events: ReturnType<typeof buildApp>['recall']['events'];
}

describe('dedupe on a Redis Cluster', function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  let nodeRedis: ReturnType<typeof createCluster>;
  let ioredis: Cluster;
  const instances: Instance[] = [];
  const prefix = `test:${randomUUID()}:`;

  before(async () => {
    cluster = await startRedisCluster();
    nodeRedis = createCluster({
      rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${String(port)}` })),
    });
    nodeRedis.on('error', () => undefined);
    await nodeRedis.connect();
    ioredis = new Cluster(cluster.nodes.map(({ host, port }) => ({ host, port })));
    for (const store of [redisStore(nodeRedis, { prefix }), redisStore(ioredis, { prefix })]) {
      const target = buildApp({ token: TOKEN, commands: [...RECALL_COMMANDS], dedupe: { store } });
      const duplicates: AnyRecallEvent[] = [];
      target.recall.events.on('duplicate', (event) => duplicates.push(event));
      instances.push({
        running: await listen(target.app),
        emitted: target.emitted,
        duplicates,
        events: target.recall.events,
      });
    }
  });

  after(async () => {
    await Promise.all(instances.map((instance) => instance.running.close()));
    await nodeRedis.close();
    ioredis.disconnect();
    await cluster.stop();
  });

  afterEach(() => {
    for (const instance of instances) {
      instance.emitted.length = 0;
      instance.duplicates.length = 0;
      instance.events.removeAllListeners('recall');
    }
  });

  async function post(to: Instance | undefined, command: string, body: object): Promise<unknown> {
    const res = await fetch(
      `http://127.0.0.1:${String(to?.running.port)}${receiverUrl({ callbackCommand: command, token: TOKEN })}`,
      {
        method: 'POST',
        body: JSON.stringify(body),
      },
    );
    expect(res.status).to.equal(200);
    return res.json();
  }

  it('should emit exactly one event for each of 300 recalls sent to both instances at once, keys on every master', async () => {
    const [a, b] = instances;
    const keys = Array.from({ length: 300 }, (_, i) => `cluster-${String(i)}-${randomUUID()}`);
    for (let start = 0; start < keys.length; start += 30) {
      await Promise.all(
        keys.slice(start, start + 30).flatMap((MsgKey) => {
          const body = { ...SAMPLE_WITH_UNREAD, MsgKey };
          return [post(a, 'C2C.CallbackAfterMsgWithDraw', body), post(b, 'C2C.CallbackAfterMsgWithDraw', body)];
        }),
      ).then((answers) => {
        expect(answers.every((answer) => JSON.stringify(answer) === JSON.stringify(OK))).to.equal(true);
      });
    }
    const emitted = instances.flatMap((instance) => instance.emitted);
    expect(emitted.map(({ event }) => event.messages[0]?.msgKey).sort()).to.deep.equal([...keys].sort());
    expect(instances.reduce((sum, instance) => sum + instance.duplicates.length, 0)).to.equal(keys.length);
    // The claims are spread over the cluster, not all on one node.
    for (const master of nodeRedis.masters) {
      const client = await nodeRedis.nodeClient(master);
      expect(await client.dbSize(), `${master.host}:${String(master.port)}`).to.be.above(0);
    }
  });

  it('should emit one group recall of two copies, one to each instance', async () => {
    const [a, b] = instances;
    const body = sampleGroupRecall({ GroupId: `g-${randomUUID()}` });
    expect(
      await Promise.all([post(a, 'Group.CallbackAfterRecallMsg', body), post(b, 'Group.CallbackAfterRecallMsg', body)]),
    ).to.deep.equal([OK, OK]);
    expect(instances.flatMap((instance) => instance.emitted.map(({ name }) => name))).to.deep.equal(['groupRecall']);
    expect(instances.flatMap((instance) => instance.duplicates.map(({ command }) => command))).to.deep.equal([
      'Group.CallbackAfterRecallMsg',
    ]);
  });

  it('should release the claim when a listener fails, on either client, so the retry is handled', async () => {
    for (const [failing, retrying] of [instances, [...instances].reverse()]) {
      const MsgKey = `retried-${randomUUID()}`;
      failing?.events.once('recall', () => {
        throw new Error('database down');
      });
      const body = { ...SAMPLE_WITH_UNREAD, MsgKey };
      expect(await post(failing, 'C2C.CallbackAfterMsgWithDraw', body)).to.deep.include({ ErrorCode: 1 });
      expect(await post(retrying, 'C2C.CallbackAfterMsgWithDraw', body)).to.deep.equal(OK);
      expect(await post(failing, 'C2C.CallbackAfterMsgWithDraw', body)).to.deep.equal(OK);
    }
    expect(instances.reduce((sum, instance) => sum + instance.duplicates.length, 0)).to.equal(2);
  });

  it('should claim, refuse and release through a store made for each cluster client', async () => {
    // Made here rather than in before(), so that what making a store does is part of this test.
    for (const client of [nodeRedis, ioredis]) {
      const store = redisStore(client, { prefix });
      const key = `made-here-${randomUUID()}`;
      expect(await store.claim(key, 'one', 60_000)).to.equal(true);
      expect(await store.claim(key, 'two', 60_000)).to.equal(false);
      await store.release(key, 'one');
      expect(await store.claim(key, 'three', 60_000)).to.equal(true);
    }
  });
});
