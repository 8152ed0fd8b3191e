// The Redis of the dedupe variant: REDIS_URL, or a redis-server started for the run, on loopback.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const given = process.env.REDIS_URL;
  if (given !== undefined && given !== '') return { url: given, stop: () => undefined };
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const failed = once(child, 'error').then(([error]) => {
    throw new Error(`the Redis variant needs redis-server on the PATH, or REDIS_URL: ${String(error)}`);
  });
  let output = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  await Promise.race([ready, failed]);
  return { url: `redis://127.0.0.1:${String(port)}`, stop: () => child.kill() };
}
