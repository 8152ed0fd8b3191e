// Builds the package from the one source in lib/: ES modules into dist/esm and CommonJS into
// dist/cjs, each with its own declarations, so `import` and `require` both get code and types of
// their own format.
//
// The code of each entry point is one file, bundled by esbuild (its dependencies left as imports):
// a serverless function pays for every module it loads at each cold start, and one file loads in
// a third of the time of the fifty it was made of. The declarations stay one per module, from tsc.
// What differs by runtime is lib/runtime/, which the other layers import as `#runtime`: the
// Node.js build (dist/esm, dist/cjs) bundles lib/runtime/node.ts there, the web build (dist/web,
// which package.json's exports give Workers, the edge, Deno, Bun and bundlers for browsers)
// lib/runtime/web.ts. Both share the declarations of dist/esm.
import { build, type BuildOptions } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(new URL('dist', root), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
// The package is "type": "module"; this marks dist/cjs's .js and .d.ts files as CommonJS.
writeFileSync(new URL('dist/cjs/package.json', root), `${JSON.stringify({ type: 'commonjs' })}\n`);

const shared: BuildOptions = {
  absWorkingDir: new URL('.', root).pathname,
  bundle: true,
  outbase: 'lib',
  platform: 'node',
  target: 'node20',
  // ajv, debug and the app's redis client are the app's to resolve; node: modules are built in.
  packages: 'external',
  logLevel: 'warning',
};

// tsconfig.json's `paths` give `#runtime` as the Node.js runtime, as this repository's own type
// check and tests see it.
await build({
  ...shared,
  entryPoints: ['lib/index.ts', 'lib/testing/index.ts', 'lib/cli/main.ts'],
  outdir: 'dist/esm',
  format: 'esm',
});

await build({
  ...shared,
  entryPoints: ['lib/index.ts', 'lib/testing/index.ts'],
  outdir: 'dist/web',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  alias: { '#runtime': './lib/runtime/web.ts', '#testing-http': './lib/testing/http-web.ts' },
});

await build({
  ...shared,
  // The command line is ES modules only (the bin is dist/esm/cli/main.js).
  entryPoints: ['lib/index.ts', 'lib/testing/index.ts'],
  outdir: 'dist/cjs',
  format: 'cjs',
  // The Node.js runtime's `load` is `createRequire(import.meta.url)`: here this file's URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// The bin: npm makes it executable when it installs the package, not in this working tree, where
// `npx tcrw` runs the file as built.
chmodSync(new URL('dist/esm/cli/main.js', root), 0o755);
