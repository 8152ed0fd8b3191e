// Checks shared by every factory's options. Values are taken as unknown: JavaScript callers get
// no help from the types.

import { isJsonObject } from '../protocol/json.js';

/** How long the Chat backend waits for an answer (protocol page, cloud.tencent.com/document/product/269/1522). */
const SENDER_WAIT_MS = 2000;

/**
 * An options object as a receiver reads it: its own enumerable properties only, copied into an
 * object without a prototype, so that a property some other code put on `Object.prototype`
 * (`allowUnsigned`, say) is never read as an option; each name one of `known`, else a `TypeError`
 * suggesting the closest. `notObject` is the message for anything but an object; `of` names the
 * factory whose options these are, and `where` prefixes the names (`dedupe.`).
 */
export function ownOptions<T extends object>(
  given: T,
  known: readonly string[],
  { notObject, of, where = '' }: { readonly notObject: string; readonly of?: string; readonly where?: string },
): T {
  // Checked as unknown: JavaScript callers get no help from the types.
  const value: unknown = given;
  if (!isJsonObject(value)) throw configError(notObject);
  const options = Object.assign(Object.create(null) as T, given);
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const guess = closest(name, known);
    const hint = guess === undefined ? `Known options: ${known.join(', ')}.` : `Did you mean \`${where}${guess}\`?`;
    throw configError(`unknown option \`${where}${name}\`${of === undefined ? '' : ` of ${of}`}. ${hint}`);
  }
  return options;
}

/**
 * A list option's entries, every index read: a hole (`[, next]`, `new Array(2)`, or `t[1] = ...`
 * with `t[0]` never set) is an `undefined` entry, refused as any missing entry is. `forEach`,
 * `map` and `every` skip holes, so a check written with them lets a hole through unchecked.
 */
export function everyEntry(list: readonly unknown[]): unknown[] {
  return Array.from(list);
}

export function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw configError(`\`${name}\` must be a finite number of 0 or more, got ${describe(value)}.`);
  }
  return value;
}

/** A delay on the way to the answer, in milliseconds: more than 0, and no later than the sender waits. */
export function resolveTimeout(name: string, value: unknown): number {
  const ms = nonNegative(name, value);
  if (ms === 0) throw configError(`\`${name}\` must be more than 0.`);
  if (ms > SENDER_WAIT_MS) {
    throw configError(
      `\`${name}\` is at most ${String(SENDER_WAIT_MS)}, got ${describe(value)}: the Chat backend gives up ` +
        `after ${String(SENDER_WAIT_MS)} ms, so a later answer is never read.`,
    );
  }
  return ms;
}

export function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Whether `value` is an object with a function under each of `methods`. */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  );
}

/** A configuration mistake, thrown when the middleware is created, with a message that says how to fix it. */
export function configError(message: string): TypeError {
  return new TypeError(`tencent-chat-recall-webhook: ${message}`);
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  // A shortened or lengthened name (`tolerance` for `toleranceSeconds`) is a typo too; of several
  // such, the one nearest in length (`command` is `commands`, not `verifyOtherCommands`).
  const containing = candidates
    .filter((c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()))
    .sort((a, b) => Math.abs(a.length - name.length) - Math.abs(b.length - name.length));
  if (containing[0] !== undefined && lower.length >= 3) return containing[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
