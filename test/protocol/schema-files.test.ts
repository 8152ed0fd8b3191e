import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { schemaFiles, validatorsSource, VALIDATORS_FILE } from '../../scripts/schema-files.js';

describe('schema files', () => {
  for (const [file, schema] of Object.entries(schemaFiles)) {
    it(`should have schemas/${file} equal to the default it carries (run npm run schemas after a change)`, () => {
      const text = readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');
      expect(JSON.parse(text)).to.deep.equal(schema);
    });
  }
});

describe('compiled validators', () => {
  it(`should have ${VALIDATORS_FILE} as the schemas compile today (run npm run schemas after a change)`, () => {
    expect(readFileSync(new URL(`../../${VALIDATORS_FILE}`, import.meta.url), 'utf8')).to.equal(validatorsSource());
  });
});
