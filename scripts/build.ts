// Builds the package twice from the one source in lib/: ES modules into dist/esm and CommonJS
// into dist/cjs, each with its own declarations, so `import` and `require` both get code and
// types of their own format.
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
// The bin: npm makes it executable when it installs the package, not in this working tree, where
// `npx tcrw` runs the file as built.
chmodSync(new URL('dist/esm/cli/main.js', root), 0o755);
