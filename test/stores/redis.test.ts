import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisStore, type RedisClientLike } from '../../lib/stores/redis.js';
import { memoryStore } from '../../lib/stores/memory.js';
import { resolveDedupe } from '../../lib/options/resolve.js';
import { ioredisClient, nodeRedisClient, sharedRedisUrl } from '../helpers/redis.js';
import { RESP_TYPES } from 'redis';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { receiverOptions, receiverUrl, SAMPLE_BODY_TEXT } from '../fixtures/callbacks.js';

interface Client {
  readonly raw: RedisClientLike;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Each client the store supports, opened on the shared Redis. */
const CLIENTS: readonly { name: string; open: (url: string) => Promise<Client> }[] = [
  {
    name: 'node-redis',
    open: async (url) => {
      const { client } = await nodeRedisClient(url);
      return {
        raw: client,
        get: (key) => client.get(key),
        pttl: (key) => client.pTTL(key),
        close: async () => {
          await client.quit();
        },
      };
    },
  },
  {
    name: 'ioredis',
    open: async (url) => {
      const { client } = await ioredisClient(url);
      return {
        raw: client,
        get: (key) => client.get(key),
        pttl: (key) => client.pttl(key),
        close: async () => {
          await client.quit();
        },
      };
    },
  },
];

for (const { name, open } of CLIENTS) {
  describe(`redisStore with ${name}`, () => {
    let clients: Client[] = [];
    let prefix = '';

    async function client(): Promise<Client> {
      const opened = await open(await sharedRedisUrl());
      clients.push(opened);
      return opened;
    }

    beforeEach(() => {
      // A prefix of each test's own, so tests never see each other's keys on a shared server.
      prefix = `test:${randomUUID()}:`;
    });

    afterEach(async () => {
      await Promise.all(clients.map((c) => c.close()));
      clients = [];
    });

    it('should grant the first claim and refuse the next while it lives', async () => {
      const store = redisStore((await client()).raw, { prefix });
      expect(await store.claim('k', 'one', 60_000)).to.equal(true);
      expect(await store.claim('k', 'two', 60_000)).to.equal(false);
    });

    it('should set the claim with its owner and the TTL under the prefix', async () => {
      const c = await client();
      await redisStore(c.raw, { prefix }).claim('1400000000:msg', 'owner-1', 60_000);
      expect(await c.get(`${prefix}1400000000:msg`)).to.equal('owner-1');
      expect(await c.pttl(`${prefix}1400000000:msg`)).to.be.within(59_000, 60_000);
    });

    it('should use tcrw:recall: as the default prefix', async () => {
      const c = await client();
      const key = `${randomUUID()}:msg`;
      await redisStore(c.raw).claim(key, 'owner', 60_000);
      expect(await c.get(`tcrw:recall:${key}`)).to.equal('owner');
    });

    it('should take a claim for the longest dedupe.ttlSeconds a receiver accepts', async () => {
      const c = await client();
      const longest = resolveDedupe({ store: memoryStore(), ttlSeconds: 30 * 24 * 3600 })?.ttlMs ?? 0;
      expect(await redisStore(c.raw, { prefix }).claim('k', 'one', longest)).to.equal(true);
      expect(await c.pttl(`${prefix}k`)).to.be.within(longest - 1000, longest);
    });

    it('should grant a claim again once Redis expired it', async () => {
      const store = redisStore((await client()).raw, { prefix });
      expect(await store.claim('k', 'one', 30)).to.equal(true);
      await sleep(80);
      expect(await store.claim('k', 'two', 60_000)).to.equal(true);
    });

    it('should delete a claim on release by its owner only', async () => {
      const c = await client();
      const store = redisStore(c.raw, { prefix });
      await store.claim('k', 'one', 60_000);
      await store.release('k', 'someone else');
      expect(await c.get(`${prefix}k`)).to.equal('one');
      await store.release('k', 'one');
      expect(await c.get(`${prefix}k`)).to.equal(null);
      expect(await store.claim('k', 'two', 60_000)).to.equal(true);
    });

    it('should grant exactly one of many claims racing from several connections', async () => {
      const stores = await Promise.all(
        Array.from({ length: 4 }, async () => redisStore((await client()).raw, { prefix })),
      );
      for (let round = 0; round < 20; round++) {
        const results = await Promise.all(
          stores.flatMap((store, s) =>
            Array.from({ length: 10 }, (_, i) =>
              store.claim(`k${String(round)}`, `o${String(s)}-${String(i)}`, 60_000),
            ),
          ),
        );
        expect(results.filter(Boolean)).to.have.length(1);
      }
    });
  });
}

describe('redisStore', () => {
  it('should throw at creation for something that is not a Redis client', () => {
    for (const client of [undefined, null, {}, { get: () => null }, 'redis://127.0.0.1']) {
      expect(() => redisStore(client as unknown as RedisClientLike)).to.throw(
        TypeError,
        /needs a connected Redis client/,
      );
    }
  });

  it('should throw at creation for a prefix that is not a string', () => {
    const client = { call: () => Promise.resolve(null) } as unknown as RedisClientLike;
    for (const prefix of [1, {}, ['tcrw:']]) {
      expect(() => redisStore(client, { prefix: prefix as unknown as string })).to.throw(
        TypeError,
        'tencent-chat-recall-webhook: redisStore: `prefix` must be a string.',
      );
    }
  });
});

describe('redisStore replies', () => {
  it('should take the OK of a node-redis client that maps simple strings to buffers as a claim', async () => {
    const { client } = await nodeRedisClient(await sharedRedisUrl());
    try {
      const store = redisStore(client.withTypeMapping({ [RESP_TYPES.SIMPLE_STRING]: Buffer }), {
        prefix: `test:${randomUUID()}:`,
      });
      expect(await store.claim('k', 'one', 60_000)).to.equal(true);
      expect(await store.claim('k', 'two', 60_000)).to.equal(false);
    } finally {
      await client.quit();
    }
  });

  it('should fail a claim answered neither OK nor nil, so a receiver answers FAIL and emits nothing', async () => {
    // A client in a transaction queues the command and answers QUEUED: nothing is known of the key.
    const queueing = { call: () => Promise.resolve('QUEUED') };
    let failure: unknown;
    await redisStore(queueing)
      .claim('k', 'one', 60_000)
      .catch((error: unknown) => (failure = error));
    expect(String(failure)).to.equal('TypeError: Redis answered SET NX with "QUEUED", not OK or nil');
    for (const [reply, said] of [
      [Buffer.from('QUEUED'), 'object'],
      ['x'.repeat(60), JSON.stringify('x'.repeat(40))],
    ] as const) {
      const answered = await redisStore({ call: () => Promise.resolve(reply) })
        .claim('k', 'one', 60_000)
        .then(
          () => 'claimed',
          (error: unknown) => String(error),
        );
      expect(answered).to.equal(`TypeError: Redis answered SET NX with ${said}, not OK or nil`);
    }
    const handler = recallFetchHandler(receiverOptions({ dedupe: { store: redisStore(queueing) } }));
    const recalls: unknown[] = [];
    handler.events.on('recall', (event) => recalls.push(event));
    const response = await handler(
      new Request(`https://receiver.test${receiverUrl()}`, { method: 'POST', body: SAMPLE_BODY_TEXT }),
    );
    expect(((await response.json()) as { ErrorInfo: string }).ErrorInfo).to.equal(
      'DEDUPE_UNAVAILABLE: the dedupe store failed',
    );
    expect(recalls).to.deep.equal([]);
  });
});

describe('redisStore clients', () => {
  it('should refuse at creation a client with a cluster method but no way to send a command', () => {
    expect(() => redisStore({ getSlotRandomNode: () => undefined } as unknown as RedisClientLike)).to.throw(
      TypeError,
      /redisStore\(client\) needs a connected Redis client/,
    );
  });
});
