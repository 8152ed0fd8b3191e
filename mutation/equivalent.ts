// The mutants that survive because they cannot change what the package does are listed, each
// with its reason, in mutation/equivalent.json. After a run, every survivor must be on that list,
// so that it hides no new gap. An entry that matched no survivor is reported, not failed on: a
// test that fails for another reason under load (a timeout, a busy port) can kill an equivalent
// mutant now and then. Entries are matched by file, mutator, replacement and the text of the line
// the mutant starts on, not by line number, so edits elsewhere in a file do not break them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EquivalentMutant {
  readonly file: string;
  /** The line the mutant starts on, trimmed. */
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  /** Why no test can tell this mutant from the code, in one line. */
  readonly reason: string;
}

interface ReportMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

interface Report {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>>;
}

/** A mutant no test noticed, as the list names one, and the line it is on now. */
type Survivor = Omit<EquivalentMutant, 'reason'> & { readonly line: number };

const LIST = join(dirname(fileURLToPath(import.meta.url)), 'equivalent.json');

// Killed, timed out (an infinite loop or a hang the tests noticed) count as detected; mutants that
// do not compile or that Stryker ignored are not counted, as Stryker's own score does.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const TIMED_OUT = new Set(['Timeout']);

function keyOf(mutant: Omit<EquivalentMutant, 'reason'>): string {
  return JSON.stringify([mutant.file, mutant.mutator, mutant.code, mutant.replacement]);
}

/** The mutants of the report whose status is one of `statuses`, as the list names them. */
function mutantsOf(report: Report, statuses: ReadonlySet<string>): Survivor[] {
  const survivors: Survivor[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const mutant of mutants) {
      if (!statuses.has(mutant.status)) continue;
      const { line } = mutant.location.start;
      survivors.push({
        file,
        line,
        code: (lines[line - 1] ?? '').trim(),
        mutator: mutant.mutatorName,
        replacement: mutant.replacement ?? '',
      });
    }
  }
  return survivors;
}

/** Detected and counted mutants per folder of lib/ (`lib/core/decide.ts` counts under `core`). */
function scoresOf(report: Report): Map<string, { detected: number; counted: number }> {
  const scores = new Map<string, { detected: number; counted: number }>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = file.split('/')[1] ?? file;
    const score = scores.get(folder) ?? { detected: 0, counted: 0 };
    for (const { status } of mutants) {
      if (DETECTED.has(status)) score.detected++;
      if (DETECTED.has(status) || UNDETECTED.has(status)) score.counted++;
    }
    scores.set(folder, score);
  }
  return scores;
}

function percent(detected: number, counted: number): string {
  return counted === 0 ? 'n/a' : `${((100 * detected) / counted).toFixed(2)} %`;
}

/** Prints the scores and checks the survivors against the list; true when every one is on it. */
export function checkReport(reportPath: string): boolean {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  const listed = JSON.parse(readFileSync(LIST, 'utf8')) as EquivalentMutant[];
  const scores = scoresOf(report);
  let detected = 0;
  let counted = 0;
  console.log('\nMutation score per folder of lib/ (killed or timed out / all but compile errors and ignored):');
  for (const [folder, score] of [...scores].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `  ${folder.padEnd(10)} ${percent(score.detected, score.counted).padStart(8)}  (${String(score.detected)}/${String(score.counted)})`,
    );
    detected += score.detected;
    counted += score.counted;
  }
  console.log(
    `  ${'all'.padEnd(10)} ${percent(detected, counted).padStart(8)}  (${String(detected)}/${String(counted)})`,
  );

  const known = new Set(listed.map(keyOf));
  const matched = new Set<string>();
  const unknown: Survivor[] = [];
  const survivors = mutantsOf(report, UNDETECTED);
  for (const survivor of survivors) {
    const key = keyOf(survivor);
    if (known.has(key)) matched.add(key);
    else unknown.push(survivor);
  }
  // A listed mutant that ran past Stryker's time limit in this run (a slow machine, or one busy
  // with other work: an equivalent mutant that slows a loop) was not told apart by any test
  // either: it matches its entry, so that the list is exact whatever the machine's load.
  const timedOut = mutantsOf(report, TIMED_OUT);
  for (const mutant of timedOut) {
    const key = keyOf(mutant);
    if (known.has(key)) matched.add(key);
  }
  // Only files this run mutated can tell whether an entry matched (`--mutate` narrows a run).
  const stale = listed.filter((entry) => entry.file in report.files && !matched.has(keyOf(entry)));
  for (const s of unknown) {
    console.log(
      `survived, not on mutation/equivalent.json: ${s.file}:${String(s.line)} ${s.mutator} \`${s.code}\` -> ${JSON.stringify(s.replacement)}`,
    );
  }
  for (const entry of stale) {
    console.log(
      `on mutation/equivalent.json, not a survivor this run: ${entry.file} ${entry.mutator} \`${entry.code}\``,
    );
  }
  console.log(
    `${String(survivors.length)} survivors, ${String(survivors.length - unknown.length)} of them known equivalent; ${String(unknown.length)} new; ${String(stale.length)} entries matched none.`,
  );
  return unknown.length === 0;
}
