import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { writeConsumer } from '../helpers/consumer.js';
import { freePort } from '../helpers/http.js';
import { run, start, type Spawned } from '../helpers/process.js';

// Runs code in each runtime, from a project that installed the packed package: each runtime's own
// binary from this repository's devDependencies, and the bundling each platform's tooling does
// (esbuild, with the conditions wrangler and Next.js use).

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string): string => join(REPO, 'node_modules', '.bin', name);

/** A running server, at `url`, and what it printed. */
export interface Served {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

let installing: Promise<string> | undefined;

/**
 * A project that installed the packed tarball as a fetch-only app does, with no Express (an
 * optional peer), from the npm cache: made once per test run, shared by every test that needs it.
 */
export function fetchOnlyApp(): Promise<string> {
  installing ??= (async () => {
    const work = mkdtempSync(join(tmpdir(), 'tcrw-platforms-'));
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
    expect(packed.code, `npm pack: ${packed.stderr}`).to.equal(0);
    const [pack] = JSON.parse(packed.stdout) as [{ filename: string; integrity: string }];
    const app = join(work, 'app');
    mkdirSync(app);
    writeConsumer(app, { file: join(work, pack.filename), integrity: pack.integrity }, {});
    const installed = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {}, app);
    expect(installed.code, `npm ci --offline:\n${installed.stdout}${installed.stderr}`).to.equal(0);
    return app;
  })();
  return installing;
}

/** Writes files into the app's folder. */
export function writeFiles(app: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(app, file), text);
}

async function listening(spawned: Spawned, port: number, ready: RegExp | undefined): Promise<Served> {
  const url = `http://127.0.0.1:${String(port)}`;
  const served = { url, output: () => `${spawned.output()}${spawned.errors()}`, stop: () => spawned.stop() };
  if (ready !== undefined) {
    await spawned.waitFor(ready, 60_000);
    return served;
  }
  // Some say nothing when they listen: the first answer says it.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(url);
      return served;
    } catch (error) {
      if (spawned.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`nothing answers at ${url}: ${served.output()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Node.js running `file`, with `flags`. */
export async function startNode(
  app: string,
  file: string,
  env: Record<string, string>,
  flags: readonly string[] = [],
): Promise<Served> {
  const port = await freePort();
  return listening(start(process.execPath, [...flags, file], { ...env, PORT: String(port) }, app), port, undefined);
}

/** `deno run` of `file`, allowed the network and the variables of `env` and PORT only. */
export async function startDeno(app: string, file: string, env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const variables = [...Object.keys(env), 'PORT'].join(',');
  const spawned = start(
    bin('deno'),
    ['run', '--allow-net', `--allow-env=${variables}`, file],
    { ...env, PORT: String(port), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    app,
  );
  return listening(spawned, port, undefined);
}

/** `bun` running `file`. */
export async function startBun(app: string, file: string, env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  return listening(start(bin('bun'), [file], { ...env, PORT: String(port) }, app), port, undefined);
}

/** What esbuild is asked, as wrangler bundles a Worker and Next.js an edge route. */
async function bundle(
  app: string,
  entry: string,
  conditions: string[],
  format: 'esm' | 'iife',
  define: Record<string, string> = {},
): Promise<string> {
  const result = await build({
    absWorkingDir: app,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format,
    platform: 'neutral',
    conditions,
    mainFields: ['browser', 'module', 'main'],
    define,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote nothing');
  return output.text;
}

/** wrangler's conditions for a Worker; Next.js's for an edge route. */
const WORKER_CONDITIONS = ['workerd', 'worker', 'browser'];
const EDGE_CONDITIONS = ['edge-light', 'worker', 'browser'];

/** A Worker bundled from `entry` as wrangler would, served by workerd with `bindings` as text. */
export async function startWorkerd(
  app: string,
  entry: string,
  bindings: Record<string, string>,
  options: { nodejsCompat: boolean; define?: Record<string, string> },
): Promise<Served> {
  const port = await freePort();
  const dir = mkdtempSync(join(app, '.workerd-'));
  writeFileSync(join(dir, 'worker.js'), await bundle(app, entry, WORKER_CONDITIONS, 'esm', options.define));
  const texts = Object.entries(bindings)
    .map(([key, value]) => `(name = ${JSON.stringify(key)}, text = ${JSON.stringify(value)})`)
    .join(', ');
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${String(port)}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${options.nodejsCompat ? '"nodejs_compat"' : ''}],
  bindings = [ ${texts} ],
);
`,
  );
  return listening(start(bin('workerd'), ['serve', '--verbose', 'config.capnp'], {}, dir), port, undefined);
}

/** An edge route bundled from `entry` as Next.js would, served by Vercel's Edge Runtime with `env` as its process.env. */
export async function startEdge(app: string, entry: string, env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const file = join(mkdtempSync(join(app, '.edge-')), 'edge.js');
  writeFileSync(file, await bundle(app, entry, EDGE_CONDITIONS, 'iife'));
  const spawned = start(
    process.execPath,
    [join(REPO, 'test/platforms/edge-server.mjs'), file],
    { ...env, PORT: String(port) },
    app,
  );
  return listening(spawned, port, /listening/);
}

/** The fixture app's files (test/fixtures/platforms), to write into the app's folder. */
export function fixtureFiles(): Record<string, string> {
  const dir = join(REPO, 'test/fixtures/platforms');
  return Object.fromEntries(
    ['app.mjs', 'deno.mjs', 'bun.mjs', 'worker.mjs', 'edge.mjs', 'node.mjs'].map((file) => [
      file,
      readFileSync(join(dir, file), 'utf8'),
    ]),
  );
}
