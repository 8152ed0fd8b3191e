import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReport, type EquivalentMutant } from '../mutation/equivalent.js';

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

  it('should match a listed mutant that timed out in this run as one that survived, and fail on an unlisted survivor', () => {
    const [entry] = list;
    if (entry === undefined) throw new Error('the list is empty');
    const source = readFileSync(entry.file, 'utf8');
    const line = source.split('\n').findIndex((text) => text.trim() === entry.code) + 1;
    const mutant = (status: string, replacement = entry.replacement): unknown => ({
      mutatorName: entry.mutator,
      replacement,
      status,
      location: { start: { line, column: 1 } },
    });
    const check = (...mutants: unknown[]): { passed: boolean; said: string } => {
      const report = join(mkdtempSync(join(tmpdir(), 'mutation-')), 'mutation.json');
      writeFileSync(report, JSON.stringify({ files: { [entry.file]: { source, mutants } } }));
      const said: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => said.push(args.join(' '));
      try {
        return { passed: checkReport(report), said: said.join('\n') };
      } finally {
        console.log = log;
      }
    };
    const timedOut = check(mutant('Timeout'));
    expect(timedOut.passed).to.equal(true);
    expect(timedOut.said).to.not.include(
      'not a survivor this run: ' + entry.file + ' ' + entry.mutator + ' `' + entry.code,
    );
    expect(check(mutant('Survived')).passed).to.equal(true);
    const unlisted = check(mutant('Survived', 'a replacement no entry names'));
    expect(unlisted.passed).to.equal(false);
    expect(unlisted.said).to.include('survived, not on mutation/equivalent.json');
  });
});
