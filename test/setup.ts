// Loaded before every test file (.mocharc.json). The package loads `debug` only when DEBUG is set
// (lib/runtime/node.ts), as a user turns its log on; `-*` loads it with every namespace off, so
// that tests can turn the package's on (test/helpers/log.ts) without logging anything else.
if (process.env.DEBUG === undefined || process.env.DEBUG === '') process.env.DEBUG = '-*';
