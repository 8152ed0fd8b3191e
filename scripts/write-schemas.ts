// Writes the default schemas of lib/protocol/schemas.ts to schemas/*.json, the files users import,
// and their compiled validators to lib/protocol/default-validators.ts.
// test/protocol/schema-files.test.ts fails when they differ, so run `npm run schemas` after a change
// (`npm run build` runs it too).
import { writeFileSync } from 'node:fs';
import { schemaFiles, validatorsSource, VALIDATORS_FILE } from './schema-files.js';

const root = new URL('..', import.meta.url);
for (const [file, schema] of Object.entries(schemaFiles)) {
  writeFileSync(new URL(`schemas/${file}`, root), `${JSON.stringify(schema, null, 2)}\n`);
}
writeFileSync(new URL(VALIDATORS_FILE, root), validatorsSource());
