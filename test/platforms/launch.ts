import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';

// Starts the app of test/fixtures/platforms in each runtime, from a project that installed the
// packed package: each runtime's own binary from this repository's devDependencies, and the
// bundling each platform's tooling does (esbuild, with the conditions wrangler and Next.js use).

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string): string => join(REPO, 'node_modules', '.bin', name);

/** The tokens the app is given: the current one and the next, as while the console's token changes. */
export const TOKENS = { IM_CALLBACK_TOKEN: 'token-now', IM_CALLBACK_TOKEN_NEXT: 'token-next' } as const;

/** A running server of the app, at `url`. */
export interface Served {
  readonly url: string;
  stop(): Promise<void>;
}

/** How a JSON Schema of the app's own, without `ajv`, is refused there. */
type SchemaRefusal = 'code generation' | 'no Ajv';

export interface Platform {
  readonly name: string;
  readonly schemaRefusal: SchemaRefusal;
  start(app: string): Promise<Served>;
}

async function served(spawned: Spawned, port: number): Promise<Served> {
  await spawned.waitFor(/listening/, 60_000);
  return { url: `http://127.0.0.1:${String(port)}`, stop: () => spawned.stop() };
}

const node: Platform = {
  name: 'Node.js with --disallow-code-generation-from-strings',
  schemaRefusal: 'code generation',
  async start(app) {
    const port = await freePort();
    const spawned = start(
      process.execPath,
      ['--disallow-code-generation-from-strings', 'node.mjs'],
      { ...TOKENS, PORT: String(port) },
      app,
    );
    return served(spawned, port);
  },
};

const deno: Platform = {
  name: 'Deno (Deno.serve), --allow-env limited to the variables it reads',
  schemaRefusal: 'no Ajv',
  async start(app) {
    const port = await freePort();
    const spawned = start(
      bin('deno'),
      ['run', '--allow-net=127.0.0.1', '--allow-env=IM_CALLBACK_TOKEN,IM_CALLBACK_TOKEN_NEXT,PORT', 'deno.mjs'],
      { ...TOKENS, PORT: String(port), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      app,
    );
    return served(spawned, port);
  },
};

const bun: Platform = {
  name: 'Bun (Bun.serve)',
  schemaRefusal: 'no Ajv',
  async start(app) {
    const port = await freePort();
    const spawned = start(bin('bun'), ['bun.mjs'], { ...TOKENS, PORT: String(port) }, app);
    return served(spawned, port);
  },
};

/** What esbuild is asked, as wrangler bundles a Worker and Next.js an edge route. */
async function bundle(
  app: string,
  entry: string,
  options: { conditions: string[]; format: 'esm' | 'iife'; define?: Record<string, string> },
): Promise<string> {
  const result = await build({
    absWorkingDir: app,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: options.format,
    platform: 'neutral',
    conditions: options.conditions,
    mainFields: ['browser', 'module', 'main'],
    define: options.define ?? {},
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote nothing');
  return output.text;
}

/** wrangler's conditions for a Worker. */
const WORKER_CONDITIONS = ['workerd', 'worker', 'browser'];

function workerd(where: 'module scope' | 'fetch', nodejsCompat: boolean): Platform {
  return {
    name: `Cloudflare Workers (workerd), handler created ${where === 'fetch' ? 'in fetch from env' : 'at module scope'}, ${nodejsCompat ? 'with' : 'without'} nodejs_compat`,
    schemaRefusal: 'code generation',
    async start(app) {
      const port = await freePort();
      const name = `worker-${where === 'fetch' ? 'fetch' : 'module'}-${nodejsCompat ? 'compat' : 'plain'}`;
      const code = await bundle(app, 'worker.mjs', {
        conditions: WORKER_CONDITIONS,
        format: 'esm',
        define: { PER_REQUEST: String(where === 'fetch') },
      });
      writeFileSync(join(app, `${name}.js`), code);
      const bindings = Object.entries(TOKENS)
        .map(([key, value]) => `(name = "${key}", text = "${value}")`)
        .join(', ');
      writeFileSync(
        join(app, `${name}.capnp`),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${String(port)}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "${name}.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${nodejsCompat ? '"nodejs_compat"' : ''}],
  bindings = [ ${bindings} ],
);
`,
      );
      const spawned = start(bin('workerd'), ['serve', `${name}.capnp`], {}, app);
      // workerd says nothing when it listens: the first answer says it.
      return {
        url: `http://127.0.0.1:${String(port)}`,
        stop: () => spawned.stop(),
        ...(await untilAnswering(port, spawned)),
      };
    },
  };
}

async function untilAnswering(port: number, spawned: Spawned): Promise<object> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${String(port)}/received`);
      return {};
    } catch (error) {
      if (spawned.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`workerd did not answer: ${spawned.errors()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const edge: Platform = {
  name: "Vercel's Edge Runtime (edge-runtime), bundled as for a Next.js edge route",
  schemaRefusal: 'code generation',
  async start(app) {
    const port = await freePort();
    const code = await bundle(app, 'edge.mjs', { conditions: ['edge-light', 'worker', 'browser'], format: 'iife' });
    writeFileSync(join(app, 'edge-bundle.js'), code);
    const spawned = start(
      process.execPath,
      [join(REPO, 'test/platforms/edge-server.mjs'), 'edge-bundle.js'],
      { ...TOKENS, PORT: String(port) },
      app,
    );
    return served(spawned, port);
  },
};

/** Every runtime the package is tested in. */
export const PLATFORMS: readonly Platform[] = [
  node,
  deno,
  bun,
  workerd('module scope', true),
  workerd('module scope', false),
  workerd('fetch', true),
  workerd('fetch', false),
  edge,
];

/** The fixture app's files, to copy into a project that installed the package. */
export function fixtureFiles(): Record<string, string> {
  const dir = join(REPO, 'test/fixtures/platforms');
  return Object.fromEntries(
    ['app.mjs', 'deno.mjs', 'bun.mjs', 'worker.mjs', 'edge.mjs', 'node.mjs'].map((file) => [
      file,
      readFileSync(join(dir, file), 'utf8'),
    ]),
  );
}
