import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer as createNetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export type NodeRedisClient = ReturnType<typeof newNodeRedisClient>;

// Reconnects quickly, so a test of Redis coming back need not wait long.
function newNodeRedisClient(url: string, options: { disableOfflineQueue?: boolean }) {
  return createClient({ url, ...options, socket: { reconnectStrategy: () => 50, connectTimeout: 2000 } });
}

/** A connected node-redis client; errors are recorded, as an app's `error` listener would. */
export async function nodeRedisClient(
  url: string,
  options: { disableOfflineQueue?: boolean } = {},
): Promise<{ client: NodeRedisClient; errors: unknown[] }> {
  const errors: unknown[] = [];
  const client = newNodeRedisClient(url, options);
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

/** A Redis Cluster of this test run's own, on loopback. */
export interface RedisCluster {
  /** The masters' addresses, each serving a third of the slots. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster of three masters from the redis-server on the PATH (`--cluster-enabled
 * yes`, nothing written but each node's cluster file, in a folder of its own), gives each a third
 * of the 16,384 slots, and resolves once every node says the cluster is ok.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const folder = mkdtempSync(join(tmpdir(), 'tcrw-cluster-'));
  const ports: number[] = [];
  // A node also listens on its port + 10000, for the cluster bus.
  while (ports.length < 3) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000)) && !ports.includes(port)) ports.push(port);
  }
  const servers = ports.map((port) =>
    start('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${String(port)}.conf`,
      '--dir',
      folder,
    ]),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await Promise.all(servers.map((server) => server.waitFor(/Ready to accept connections/, 10_000)));
    const clients = ports.map((port) => new Redis({ port, host: '127.0.0.1' }));
    try {
      const third = Math.ceil(16_384 / 3);
      await Promise.all(
        clients.map((client, index) =>
          client.call(
            'CLUSTER',
            'ADDSLOTSRANGE',
            String(index * third),
            String(Math.min(16_383, (index + 1) * third - 1)),
          ),
        ),
      );
      for (const port of ports.slice(1)) await clients[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(port));
      for (let attempt = 0; ; attempt++) {
        const states = await Promise.all(clients.map((client) => client.call('CLUSTER', 'INFO')));
        if (states.every((info) => String(info).includes('cluster_state:ok'))) break;
        if (attempt > 200) throw new Error(`the cluster did not form: ${String(states[0])}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      for (const client of clients) client.disconnect();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}

async function isFree(port: number): Promise<boolean> {
  const server = createNetServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}
