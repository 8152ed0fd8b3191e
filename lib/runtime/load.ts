import { createRequire } from 'node:module';

// Loads a CommonJS dependency when it is first needed, not when the package is imported. The
// CommonJS build's copy of this file is `exports.load = require`, written by scripts/build.ts:
// `import.meta` does not exist there.
/** `require`, relative to this package. */
export const load = createRequire(
  // eslint-disable-next-line @typescript-eslint/ban-ts-comment -- only the CommonJS build needs it
  // @ts-ignore TS1343 in the CommonJS build, whose copy of this file is replaced (see above)
  import.meta.url,
);
