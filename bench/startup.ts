// Cold start and size, the costs a serverless function pays on every new instance: a fresh
// process from its start to the first answered signed callback, the package against a bare
// handler answering the same request (alternating, one pair at a time); the import and the
// creation of a receiver within a process; and a Worker that creates the handler, bundled and
// minified as wrangler bundles it, in gzip bytes.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { callbackQuery, sampleRecall } from '../dist/esm/testing/index.js';
import { SDK_APP_ID, TOKEN } from './variants.js';

const PACKAGE = pathToFileURL(fileURLToPath(new URL('../dist/esm/index.js', import.meta.url))).href;
const EXPRESS = pathToFileURL(createRequire(import.meta.url).resolve('express')).href;
const OK = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const BODY = JSON.stringify(sampleRecall());

// Each program answers one signed recall (its URL and body in the environment) and prints the
// answer. The bare ones read the body as JSON and answer OK: the least a receiver does.
const PROGRAMS = {
  'bare fetch handler': `
const handler = async (request) => {
  await request.json();
  return new Response(${JSON.stringify(OK)}, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
const response = await handler(new Request('http://localhost' + process.env.TARGET, { method: 'POST', body: process.env.BODY }));
process.stdout.write(await response.text());
process.exit(0);
`,
  recallFetchHandler: `
import { recallFetchHandler } from ${JSON.stringify(PACKAGE)};
const handler = recallFetchHandler({ sdkAppId: ${String(SDK_APP_ID)}, token: process.env.TOKEN });
handler.events.on('recall', () => undefined);
const response = await handler(new Request('http://localhost' + process.env.TARGET, { method: 'POST', body: process.env.BODY }));
process.stdout.write(await response.text());
process.exit(0);
`,
  'bare Express': `
import express from ${JSON.stringify(EXPRESS)};
import { request } from 'node:http';
const app = express();
app.post('/callback', express.json({ type: () => true }), (req, res) => {
  res.type('application/json').send(${JSON.stringify(OK)});
});
${deliverOverHttp()}`,
  'Express with recallWebhook': `
import express from ${JSON.stringify(EXPRESS)};
import { request } from 'node:http';
import { recallWebhook } from ${JSON.stringify(PACKAGE)};
const app = express();
const recall = recallWebhook({ sdkAppId: ${String(SDK_APP_ID)}, token: process.env.TOKEN });
recall.events.on('recall', () => undefined);
app.use('/callback', recall);
${deliverOverHttp()}`,
  // Within one process: the import, then creating a receiver with the default schemas.
  'import and create': `
const started = performance.now();
const { recallFetchHandler } = await import(${JSON.stringify(PACKAGE)});
const imported = performance.now();
recallFetchHandler({ sdkAppId: ${String(SDK_APP_ID)}, token: process.env.TOKEN });
const created = performance.now();
process.stdout.write(JSON.stringify({ importMs: imported - started, createMs: created - imported }));
process.exit(0);
`,
} as const;

function deliverOverHttp(): string {
  return `
const server = app.listen(0, '127.0.0.1', () => {
  const req = request({ port: server.address().port, host: '127.0.0.1', path: process.env.TARGET, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    let text = '';
    res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => {
      process.stdout.write(text);
      process.exit(0);
    });
  });
  req.end(process.env.BODY);
});
`;
}

type Program = keyof typeof PROGRAMS;

/** Runs a program in a fresh Node.js: milliseconds from the spawn to its whole answer, and what it printed. */
function runOnce(file: string): Promise<{ ms: number; output: string }> {
  const target = `/callback?${callbackQuery({ sdkAppId: SDK_APP_ID, token: TOKEN })}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file], {
      // No compile cache: each start is a first start.
      env: { ...process.env, TOKEN, TARGET: target, BODY, NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => {
      resolve({ ms: performance.now() - started, output });
    });
  });
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export interface StartupFigures {
  readonly pairs: number;
  /** Medians, in ms, from a process's start to the first answered callback. */
  readonly coldStartMs: Readonly<Record<string, number>>;
  /** The package's cold start over the bare one's: the median of each pair's ratio. */
  readonly fetchRatio: number;
  readonly expressRatio: number;
  /** Within one fresh process: the import, and creating a receiver, medians in ms. */
  readonly importMs: number;
  readonly createMs: number;
  readonly worker: WorkerSize;
}

interface WorkerSize {
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  /** Minified bytes in the bundle by where they came from. */
  readonly byOrigin: Readonly<Record<string, number>>;
}

/** Each package program against its bare one, `pairs` times, alternating which starts first. */
export async function startupFigures(pairs = 15): Promise<StartupFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tcrw-startup-'));
  try {
    const files = Object.fromEntries(
      Object.entries(PROGRAMS).map(([name, code]) => {
        const file = join(dir, `${name.replaceAll(' ', '-')}.mjs`);
        writeFileSync(file, code);
        return [name, file];
      }),
    ) as Record<Program, string>;
    const times: Record<string, number[]> = {};
    const ratios: Record<'fetch' | 'express', number[]> = { fetch: [], express: [] };
    const pairsOf: [keyof typeof ratios, Program, Program][] = [
      ['fetch', 'recallFetchHandler', 'bare fetch handler'],
      ['express', 'Express with recallWebhook', 'bare Express'],
    ];
    for (let pair = 0; pair < pairs; pair++) {
      for (const [kind, mine, bare] of pairsOf) {
        const order = pair % 2 === 0 ? [mine, bare] : [bare, mine];
        const ms: Partial<Record<Program, number>> = {};
        for (const program of order) {
          const { ms: took, output } = await runOnce(files[program]);
          if (output !== OK) throw new Error(`${program} answered ${output}`);
          ms[program] = took;
          (times[program] ??= []).push(took);
        }
        ratios[kind].push((ms[mine] ?? Number.NaN) / (ms[bare] ?? Number.NaN));
      }
    }
    const inProcess: { importMs: number; createMs: number }[] = [];
    for (let run = 0; run < pairs; run++) {
      inProcess.push(
        JSON.parse((await runOnce(files['import and create'])).output) as { importMs: number; createMs: number },
      );
    }
    return {
      pairs,
      coldStartMs: Object.fromEntries(Object.entries(times).map(([name, of]) => [name, round(median(of), 1)])),
      fetchRatio: round(median(ratios.fetch), 3),
      expressRatio: round(median(ratios.express), 3),
      importMs: round(median(inProcess.map(({ importMs }) => importMs)), 1),
      createMs: round(median(inProcess.map(({ createMs }) => createMs)), 2),
      worker: await workerSize(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Worker that creates the handler from `env`, bundled as wrangler does (esbuild, minified). */
async function workerSize(dir: string): Promise<WorkerSize> {
  // The package by its name, as a Worker imports it: its exports pick the build by the conditions.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(fileURLToPath(new URL('..', import.meta.url)), join(dir, 'node_modules', 'tencent-chat-recall-webhook'));
  const entry = join(dir, 'worker.mjs');
  writeFileSync(
    entry,
    `import { recallFetchHandler } from 'tencent-chat-recall-webhook';
let handler;
export default {
  fetch(request, env) {
    handler ??= recallFetchHandler({ sdkAppId: ${String(SDK_APP_ID)}, token: env.IM_CALLBACK_TOKEN });
    return handler(request);
  },
};
`,
  );
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // Not this repository's tsconfig.json, whose `paths` point #runtime at lib/ for its own tests.
    tsconfigRaw: {},
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const byOrigin: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const origin = input.includes('dist/web/') ? 'the package' : 'other';
      byOrigin[origin] = (byOrigin[origin] ?? 0) + bytesInOutput;
    }
  }
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code).length, byOrigin };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** The figures as lines, with the targets. */
export function startupLines(figures: StartupFigures): string[] {
  const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
  const { worker } = figures;
  return [
    `cold start, ms to the first answered callback (medians of ${String(figures.pairs)}): ${Object.entries(
      figures.coldStartMs,
    )
      .map(([name, ms]) => `${name} ${String(ms)}`)
      .join('; ')}`,
    `cold start, recallFetchHandler / bare fetch handler ${figures.fetchRatio.toFixed(2)} (target at most 1.10: ${verdict(figures.fetchRatio <= 1.1)})`,
    `cold start, Express with recallWebhook / bare Express ${figures.expressRatio.toFixed(2)} (target at most 1.03: ${verdict(figures.expressRatio <= 1.03)})`,
    `in process: import ${String(figures.importMs)} ms + create a receiver ${String(figures.createMs)} ms (target at most 10 ms together: ${verdict(figures.importMs + figures.createMs <= 10)})`,
    `Worker bundle: ${(worker.minifiedBytes / 1024).toFixed(1)} KiB minified, ${(worker.gzipBytes / 1024).toFixed(1)} KiB gzip (target at most 20 KB: ${verdict(worker.gzipBytes <= 20_000)}); minified bytes: ${Object.entries(
      worker.byOrigin,
    )
      .map(([origin, bytes]) => `${origin} ${String(bytes)}`)
      .join(', ')}`,
  ];
}
