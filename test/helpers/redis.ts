import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describeCause } from '../../lib/log.js';
import { freePort } from './http.js';
import { start, type Spawned } from './process.js';

// The Redis tests run against a real redis-server, never a mock: the one at REDIS_URL (CI starts
// one on loopback and sets it), or else one this test run starts from the redis-server on the
// PATH. Either way an unreachable Redis fails the tests; it never skips them.

export interface RedisServer {
  readonly url: string;
  /** Ends the server as a crash would (SIGKILL): clients see their connections drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** Starts a redis-server of its own on a free loopback port, for a test that stops and restarts it. */
export async function startRedisServer(): Promise<RedisServer> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(
      'These tests need a real Redis: install redis-server (Debian: apt-get install redis-server) or set REDIS_URL.',
    );
  }
  const port = await freePort();
  let server: Spawned | undefined;
  const launch = async (): Promise<void> => {
    // No persistence, so that a restarted server starts empty, as one that lost its data would.
    server = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await server.waitFor(/Ready to accept connections/, 10_000);
    // The server must not keep the test run alive once the tests are done; it ends with it.
    server.child.unref();
    for (const stream of [server.child.stdout, server.child.stderr])
      (stream as { unref?: () => void } | null)?.unref?.();
  };
  await launch();
  process.once('exit', () => server?.child.kill('SIGKILL'));
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    async kill() {
      const child = server?.child;
      if (child?.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    restart: launch,
  };
}

let shared: Promise<string> | undefined;

/** The URL of the Redis most tests share: REDIS_URL, or a server started once for this run. */
export function sharedRedisUrl(): Promise<string> {
  const fromEnvironment = process.env.REDIS_URL;
  shared ??=
    fromEnvironment !== undefined && fromEnvironment !== ''
      ? reachable(fromEnvironment)
      : startRedisServer().then((server) => server.url);
  return shared;
}

/** `url` once a TCP connection to it succeeds; a clear failure when none does within 2 s. */
async function reachable(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379), timeout: 2000 });
  try {
    await Promise.race([
      once(socket, 'connect'),
      once(socket, 'timeout').then(() => {
        throw new Error('timed out');
      }),
    ]);
  } catch (error) {
    throw new Error(`The Redis at REDIS_URL (${url}) is unreachable: ${describeCause(error)}`, { cause: error });
  } finally {
    socket.destroy();
  }
  return url;
}

export type NodeRedisClient = ReturnType<typeof createClient>;

/** A connected node-redis client; errors are recorded, as an app's `error` listener would. */
export async function nodeRedisClient(
  url: string,
  options: { disableOfflineQueue?: boolean } = {},
): Promise<{ client: NodeRedisClient; errors: unknown[] }> {
  const errors: unknown[] = [];
  const client = createClient({
    url,
    ...options,
    // Reconnect quickly, so a test of Redis coming back need not wait long.
    socket: { reconnectStrategy: () => 50, connectTimeout: 2000 },
  });
  client.on('error', (error: unknown) => errors.push(error));
  await client.connect();
  return { client, errors };
}

/** A connected ioredis client; errors are recorded, as an app's `error` listener would. */
export async function ioredisClient(
  url: string,
  options: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: number } = {},
): Promise<{ client: Redis; errors: unknown[] }> {
  const errors: unknown[] = [];
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, ...options });
  client.on('error', (error: unknown) => errors.push(error));
  await client.connect();
  return { client, errors };
}

/** Waits until `ping` succeeds: a client that lost its server has reconnected. */
export async function reconnected(ping: () => Promise<unknown>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
