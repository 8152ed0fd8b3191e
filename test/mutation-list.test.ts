import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import type { EquivalentMutant } from '../mutation/equivalent.js';

// mutation/equivalent.json lists the mutants that cannot change behaviour. `npm run mutation`
// checks it against a run; this checks, without one, that every entry still points at code that
// exists and says why it is there, so the list cannot quietly outlive an edit.

const list = JSON.parse(readFileSync('mutation/equivalent.json', 'utf8')) as EquivalentMutant[];

describe('the list of equivalent mutants', () => {
  it('should give each entry a file of the mutated folders, a mutator, and a reason of one line', () => {
    for (const entry of list) {
      expect(entry.file, entry.code).to.match(/^lib\/(protocol|core|options|stores|adapters)\/[\w-]+\.ts$/);
      expect(entry.mutator, entry.code).to.match(/^[A-Z]\w+$/);
      expect(typeof entry.replacement, entry.code).to.equal('string');
      expect(entry.reason, entry.code).to.match(/^\S.{9,}$/);
    }
  });

  it("should point each entry at a line that is still in its file's code", () => {
    for (const entry of list) {
      expect(existsSync(entry.file), entry.file).to.equal(true);
      const lines = readFileSync(entry.file, 'utf8')
        .split('\n')
        .map((line) => line.trim());
      expect(lines, `${entry.file}: ${entry.code}`).to.include(entry.code);
    }
  });

  it('should list each mutant once', () => {
    const keys = list.map((entry) => JSON.stringify([entry.file, entry.mutator, entry.code, entry.replacement]));
    expect(new Set(keys).size).to.equal(keys.length);
  });
});
