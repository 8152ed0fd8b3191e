// Builds the package twice from the one source in lib/: ES modules into dist/esm and CommonJS
// into dist/cjs, each with its own declarations, so `import` and `require` both get code and
// types of their own format.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(new URL('dist', root), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
// The package is "type": "module"; this marks dist/cjs's .js and .d.ts files as CommonJS. It is the
// package scope of those files, so it carries `#runtime` for them: the root's "imports" with the
// CommonJS build's files.
const { imports } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { imports: unknown };
const cjsImports = JSON.parse(JSON.stringify(imports).replaceAll('./dist/esm/', './')) as unknown;
writeFileSync(new URL('dist/cjs/package.json', root), `${JSON.stringify({ type: 'commonjs', imports: cjsImports })}\n`);
// lib/runtime/load.ts is `createRequire(import.meta.url)`; CommonJS has `require` itself.
writeFileSync(
  new URL('dist/cjs/runtime/load.js', root),
  '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.load = require;\n',
);
// The bin: npm makes it executable when it installs the package, not in this working tree, where
// `npx tcrw` runs the file as built.
chmodSync(new URL('dist/esm/cli/main.js', root), 0o755);
