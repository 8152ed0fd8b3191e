// The parts of the request path the micro-benchmarks of bench/run.ts time, compiled as the
// package's build compiles them: bundled by esbuild with the Node.js runtime into one module of a
// temporary folder (the build's files have no per-module exports to import them from, and code
// run through tsx's loader measured slower than the same code built).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Internals from './internals-entry.js';

export async function loadInternals(): Promise<typeof Internals> {
  const file = join(mkdtempSync(join(tmpdir(), 'tcrw-bench-internals-')), 'internals.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('internals-entry.ts', import.meta.url))],
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // ajv and debug resolve from this repository's node_modules.
    nodePaths: [fileURLToPath(new URL('../node_modules', import.meta.url))],
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(file).href)) as typeof Internals;
}
