// Writes the default schemas of lib/protocol/schemas.ts to schemas/*.json, the files users import.
// test/protocol/schema-files.test.ts fails when the two differ, so run `npm run schemas` after a change.
import { writeFileSync } from 'node:fs';
import { schemaFiles } from './schema-files.js';

for (const [file, schema] of Object.entries(schemaFiles)) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
}
