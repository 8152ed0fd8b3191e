// @ts-check
// Mutation testing of the request path: run with `npm run mutation` (see CONTRIBUTING.md), which
// installs this folder's tools and runs them on Node.js 22.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Every layer a callback passes through; cli/ and testing/ are tools around it.
  // Not the default validators: code Ajv generates from the schemas (scripts/schema-files.ts), which
  // the behaviour tables check through the receivers, as they check the schemas.
  mutate: ['lib/{protocol,core,adapters,stores,options}/**/*.ts', '!lib/protocol/default-validators.ts'],
  testRunner: 'mocha',
  mochaOptions: {
    config: '.mocharc.json',
    // The tests of those layers and the behaviour tables. Left out: the CLI, the docs' examples,
    // the packed package, and reliability/ (property tests and load, minutes per run, and what
    // they check of the request path the tables check too).
    spec: [
      'test/{protocol,core,options,adapters,stores}/**/*.test.ts',
      'test/behaviour/steps.test.ts',
      'test/behaviour/other-commands.test.ts',
      'test/behaviour/failing-listeners.test.ts',
    ],
  },
  // .mocharc.json's node-option entries apply to mocha's own process only; Stryker's runners
  // are processes of their own.
  testRunnerNodeArgs: ['--import', 'tsx', '--expose-gc'],
  // Stryker writes `// @ts-nocheck` at the top of these files in its sandbox; not on the generated
  // validators, which test/protocol/schema-files.test.ts compares with what the generator writes.
  disableTypeChecks: '{test,lib}/**/!(default-validators).{js,ts,mts,cts}',
  // A mutant the type checker refuses is one the compiler already catches: not counted.
  checkers: ['typescript'],
  tsconfigFile: 'mutation/tsconfig.json',
  coverageAnalysis: 'perTest',
  // Stryker gives half to type checkers and half to test runners: two of each on two cores, as
  // the checkers are idle most of the run.
  concurrency: 4,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // The survivors, each with its diff, and the score table; not every test's name.
  clearTextReporter: { reportTests: false },
  htmlReporter: { fileName: 'mutation/report/index.html' },
  jsonReporter: { fileName: 'mutation/report/mutation.json' },
  // With `--incremental`, a run tests again only the mutants whose code or tests changed since.
  incrementalFile: 'mutation/report/incremental.json',
  tempDirName: 'mutation/.stryker-tmp',
  // bench/ and dist/ are not needed by these tests; docs/ are read by tests not run here.
  ignorePatterns: ['/dist', '/bench', '/docs', '/test/.tmp'],
  plugins: ['@stryker-mutator/mocha-runner', '@stryker-mutator/typescript-checker'],
};
