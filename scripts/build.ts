// Builds the package twice from the one source in lib/: ES modules into dist/esm and CommonJS
// into dist/cjs, each with its own declarations, so `import` and `require` both get code and
// types of their own format.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(new URL('dist', root), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
// The package is "type": "module"; this marks dist/cjs's .js and .d.ts files as CommonJS.
writeFileSync(new URL('dist/cjs/package.json', root), `${JSON.stringify({ type: 'commonjs' })}\n`);
// `require` is Node.js's (the web runtimes and bundlers import the ES modules), so the CommonJS
// build is the Node.js one: its `#runtime` is lib/runtime/node.ts, by a relative path (package.json's
// "imports" reach only the files of its own scope, and dist/cjs has a package.json of its own).
const cjs = fileURLToPath(new URL('dist/cjs/', root));
for (const file of readdirSync(cjs, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.js')) continue;
  const path = join(cjs, file);
  const code = readFileSync(path, 'utf8');
  if (!code.includes('require("#runtime")')) continue;
  const target = relative(dirname(path), join(cjs, 'runtime/node.js'));
  writeFileSync(
    path,
    code.replaceAll(
      'require("#runtime")',
      `require(${JSON.stringify(target.startsWith('.') ? target : `./${target}`)})`,
    ),
  );
}
// lib/runtime/load.ts is `createRequire(import.meta.url)`; CommonJS has `require` itself.
writeFileSync(
  new URL('dist/cjs/runtime/load.js', root),
  '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.load = require;\n',
);
// The bin: npm makes it executable when it installs the package, not in this working tree, where
// `npx tcrw` runs the file as built.
chmodSync(new URL('dist/esm/cli/main.js', root), 0o755);
