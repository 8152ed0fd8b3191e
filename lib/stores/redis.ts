import { configError } from '../options/checks.js';
import type { DedupeStore } from '../core/dedupe-store.js';

/** A node-redis client: `createClient()` of the `redis` package. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A node-redis cluster client: `createCluster()` of the `redis` package. Each command goes to the
 * node that holds its key's slot.
 */
export interface NodeRedisClusterLike {
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>;
  getSlotRandomNode(slot: number): unknown;
}

/** An ioredis client, `new Redis()`, or cluster client, `new Cluster()`, of the `ioredis` package. */
export interface IORedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IORedisClientLike;

/** Options of `redisStore(client, options)`. */
export interface RedisStoreOptions {
  /**
   * Put before every key, so that the claims are easy to find and do not collide with the app's
   * own keys. A key is the prefix and the recall's key: for a one-to-one recall the `SdkAppid`,
   * a colon and the `MsgKey`; for a group recall `<SdkAppid>/group:` and a JSON list of its group,
   * topic and MsgSeqs; for an Official Account recall `<SdkAppid>/officialAccount:` and a JSON
   * list of its account and MsgKeys. Past 128 bytes, `#` and the SHA-256 of what follows the colon
   * take the place of the colon and it.
   * @default 'tcrw:recall:'
   */
  readonly prefix?: string | undefined;
}

const DEFAULT_PREFIX = 'tcrw:recall:';

// Deletes the key only while it still holds this owner's value: a claim that expired and was
// taken by another instance meanwhile must stay. A script, so that the check and the delete are
// one atomic step (the pattern of the Redis documentation of SET, "Patterns").
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A store in Redis, shared by every instance of the app: of copies of one recall that reach
 * several instances at once, exactly one is handled. A claim is one atomic `SET key owner NX PX
 * ttl`; Redis expires it, so nothing here keeps state. Takes the app's connected client, of
 * `redis` (node-redis) or `ioredis`, for one Redis or a Redis Cluster (every command touches one
 * key, so each goes whole to the node of that key's slot); neither package is loaded by this one.
 *
 * Commands wait in the client's offline queue while Redis is down, and a claim that does not come
 * back within the dedupe `storeTimeoutMs` counts as a store failure. A client created with
 * `disableOfflineQueue: true` (node-redis) or `enableOfflineQueue: false` (ioredis) fails at once
 * instead.
 *
 * @example
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * recallWebhook({ sdkAppId: 1400000000, dedupe: { store: redisStore(client) } });
 */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): DedupeStore {
  const run = commandRunner(client);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') throw configError('redisStore: `prefix` must be a string.');
  return {
    async claim(key, owner, ttlMs) {
      // PX takes whole milliseconds of at least 1.
      const ttl = String(Math.max(1, Math.ceil(ttlMs)));
      const reply = await run(prefix + key, ['SET', prefix + key, owner, 'PX', ttl, 'NX']);
      // SET ... NX answers OK when it set the key and nil when the key was there; a client set to
      // map simple strings to buffers gives the OK as bytes. Anything else (a client queueing
      // commands in a transaction, a proxy's answer) says nothing of the key: taken for a
      // duplicate, it would answer OK and drop the recall, so the store counts as failed.
      if (reply === 'OK' || (reply instanceof Uint8Array && String.fromCharCode(...reply) === 'OK')) return true;
      if (reply === null) return false;
      throw new TypeError(`Redis answered SET NX with ${describeReply(reply)}, not OK or nil`);
    },
    async release(key, owner) {
      await run(prefix + key, ['EVAL', RELEASE_SCRIPT, '1', prefix + key, owner]);
    },
  };
}

/** Sends a raw command whose one key is `key` (a cluster client routes by it). */
type Run = (key: string, args: string[]) => Promise<unknown>;

// The clients' ways of sending a raw command, told apart once: ioredis's clients and clusters have
// `call` (and route by the command's key themselves); node-redis's client has `sendCommand`
// taking the command as one array, and its cluster `sendCommand` taking the key to route by first
// (ioredis's `sendCommand` takes a Command object).
function commandRunner(client: unknown): Run {
  if (typeof client === 'object' && client !== null) {
    const { call, sendCommand, getSlotRandomNode } = client as Partial<
      IORedisClientLike & NodeRedisClientLike & Omit<NodeRedisClusterLike, 'sendCommand'>
    >;
    if (typeof call === 'function') {
      return (_key, [command = '', ...args]) => call.call(client, command, ...args);
    }
    if (typeof sendCommand === 'function' && typeof getSlotRandomNode === 'function') {
      const send = sendCommand as unknown as NodeRedisClusterLike['sendCommand'];
      return (key, args) => send.call(client, key, false, args);
    }
    if (typeof sendCommand === 'function') return (_key, args) => sendCommand.call(client, args);
  }
  throw configError(
    'redisStore(client) needs a connected Redis client: createClient() or createCluster() of `redis`, or new Redis() or new Cluster() of `ioredis`.',
  );
}

function describeReply(reply: unknown): string {
  return typeof reply === 'string' ? JSON.stringify(reply.slice(0, 40)) : typeof reply;
}
