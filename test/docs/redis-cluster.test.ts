import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { TOKEN } from '../fixtures/callbacks.js';
import { OK } from '../helpers/app.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis.js';

const GUIDE = guide('redis-cluster.md');

describe('docs/redis-cluster.md', function () {
  this.timeout(60_000);
  const servers: Spawned[] = [];
  let cluster: RedisCluster | undefined;
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster?.stop();
  });

  it('should run both programs as written on a real cluster: one recall and one duplicate for two copies', async () => {
    cluster = await startRedisCluster();
    const env = {
      REDIS_CLUSTER_NODES: cluster.nodes.map(({ host, port }) => `${host}:${String(port)}`).join(','),
      IM_CALLBACK_TOKEN: TOKEN,
    };
    const urls: string[] = [];
    for (const heading of ['node-redis', 'ioredis']) {
      const [code] = blocksOf(heading, 'ts', GUIDE);
      const file = writeExample(`cluster-${heading}.ts`, code ?? '');
      const port = await freePort();
      servers.push(start('node', ['--import', 'tsx', file.pathname], { ...env, PORT: String(port) }));
      urls.push(`http://127.0.0.1:${String(port)}/im/callback`);
    }
    for (const url of urls) await untilListening(url, TOKEN);
    const keys = Array.from({ length: 20 }, () => `cluster-${randomUUID()}`);
    for (const MsgKey of keys) {
      const options = { sdkAppId: 1400000000, token: TOKEN, body: { MsgKey } };
      expect(await Promise.all(urls.map((url) => deliverRecall(url, options)))).to.deep.equal([OK, OK]);
    }
    for (const key of keys) {
      await Promise.all(servers.map((server) => server.waitFor(new RegExp(`${key}$`, 'm'))));
      const seen = servers.flatMap((server) => server.output().split('\n')).filter((line) => line.endsWith(key));
      expect(seen.sort()).to.deep.equal([`duplicate of ${key}`, `jared recalled ${key}`]);
    }
  });
});
