// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test/.tmp/',
      'test/fixtures/consumer/',
      // Run by Deno, Bun, workerd and the Edge Runtime, each with globals of its own: the tests
      // that run them there are their check.
      'test/fixtures/platforms/',
      'test/platforms/edge-server.mjs',
      'mutation/node_modules/',
      'mutation/report/',
      'mutation/.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'mutation/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // Dropping fields by destructuring (`const { a, ...rest } = x`) is intended.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // The layers every runtime shares: what the fetch handler runs on Workers, the edge, Deno and
    // Bun. Node.js's modules and globals are reached through `#runtime` (lib/runtime/node.ts) only;
    // the Node adapters (express, node-handler, node-request) may name node:http's types.
    files: ['lib/**/*.ts'],
    ignores: [
      'lib/cli/**',
      'lib/testing/**',
      'lib/runtime/node.ts',
      'lib/runtime/load.ts',
      'lib/adapters/{express,node-handler,node-request}.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^node:', message: 'Shared layers run outside Node.js too: go through #runtime.' }],
          paths: [
            'debug',
            { name: 'ajv', allowTypeImports: true, message: 'Ajv is loaded through #runtime, when a schema needs it.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Not on every runtime: Uint8Array, TextEncoder and lib/runtime/bytes.ts.' },
        { name: 'process', message: 'Not on every runtime: go through #runtime.' },
        { name: 'setImmediate', message: 'Not on every runtime.' },
        { name: 'require', message: 'Not on every runtime.' },
      ],
    },
  },
  {
    // The test kit runs on every runtime too (its web build): only its HTTP delivery on Node.js
    // (http.ts, post.ts, and the web build's http-web.ts in their place) needs node:http.
    files: ['lib/testing/**/*.ts'],
    ignores: ['lib/testing/http.ts', 'lib/testing/post.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^node:',
              allowTypeImports: true,
              message: 'The test kit runs outside Node.js too: see lib/testing/http.ts.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Not on every runtime.' },
        { name: 'process', message: 'Not on every runtime.' },
      ],
    },
  },
  {
    // Runs only under Node.js 22 (mutation testing), whose node:module API the project's Node.js 20
    // types do not describe.
    files: ['mutation/mocha-cjs.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's `expect(x).to.be.true` is an expression statement by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
