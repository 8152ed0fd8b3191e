import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { schemaFiles, validatorsSource, VALIDATORS_FILE } from '../../scripts/schema-files.js';
import * as compiled from '../../lib/protocol/default-validators.js';
import {
  groupRecallBodySchema,
  officialAccountRecallBodySchema,
  recallBodySchema,
} from '../../lib/protocol/schemas.js';
import { sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../../lib/testing/sample.js';

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

// Text of n code points around each bound the schemas set (0, 1, 128, 256): ASCII, astral pairs
// (two code units each), a mix, and surrogates standing alone (one code point each).
function textsAround(bounds: readonly number[]): string[] {
  const texts: string[] = [];
  for (const bound of bounds)
    for (const n of [bound - 1, bound, bound + 1].filter((k) => k >= 0))
      texts.push(
        'a'.repeat(n),
        '\u{1F600}'.repeat(n),
        'a\u{1F600}'.repeat(n).slice(0, n + Math.floor(n / 2)),
        '\ud800'.repeat(n),
      );
  return texts;
}

// Each place in a body that holds a string, as a path to it.
function stringPaths(value: unknown, path: readonly (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [[...path]];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function withText(body: unknown, path: readonly (string | number)[], text: string): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = text;
  return copy;
}

describe('compiled validators against Ajv at run time', () => {
  const cases = [
    ['validateRecallBody', recallBodySchema, sampleRecall()],
    ['validateGroupRecallBody', groupRecallBodySchema, sampleGroupRecall()],
    ['validateOfficialAccountRecallBody', officialAccountRecallBodySchema, sampleOfficialAccountRecall()],
  ] as const;
  for (const [name, schema, sample] of cases) {
    it(`should make ${name} decide as Ajv does, errors and all, for every string at every length bound`, () => {
      const ajv = new Ajv().compile(schema);
      const shipped = compiled[name];
      const texts = textsAround([0, 1, 128, 256]);
      let refused = 0;
      for (const path of stringPaths(sample))
        for (const text of texts) {
          const body = withText(sample, path, text);
          const valid = ajv(body);
          expect(shipped(body), `${path.join('.')} = ${JSON.stringify(text)}`).to.equal(valid);
          expect(shipped.errors ?? null).to.deep.equal(ajv.errors ?? null);
          if (!valid) refused += 1;
        }
      // The bounds are there to be crossed: some texts are refused, most are not.
      expect(refused).to.be.greaterThan(0);
    });
  }
});
