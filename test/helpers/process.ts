import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Everything printed on stderr so far. */
  errors(): string;
  /** Resolves with stdout's first match, or rejects when the process ends first or time runs out. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/**
 * Starts a command in `cwd` (the project folder by default), with `env` over this process's environment (a
 * variable set to `undefined` is left out), in a process group of its own so that `stop()` ends what it started
 * too (npm runs a shell that runs node).
 */
export function start(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Spawned {
  const child = spawn(command, args, {
    cwd: cwd ?? new URL('../..', import.meta.url),
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    waitFor: async (pattern, ms = 30_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(stdout);
        if (match !== null) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${String(pattern)} in output:\n${stdout}\nstderr:\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-(child.pid ?? 0), 'SIGTERM');
      await exited;
    },
  };
}

/** Runs a command to its end and gives its exit code and stdout. */
export async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const spawned = start(command, args, env, cwd);
  // 'close', not 'exit': stdout is complete only once its pipe has closed.
  const [code] = (await once(spawned.child, 'close')) as [number | null];
  return { code, stdout: spawned.output(), stderr: spawned.errors() };
}
