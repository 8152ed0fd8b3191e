import { configError } from './config-error.js';
import { closest } from './suggest.js';

// Checks shared by every factory's options. Values are taken as unknown: JavaScript callers get
// no help from the types.

// The largest delay setTimeout honours; a longer one fires at once.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Throws for a key that is not one of `known`, suggesting the closest (`where` prefixes the name). */
export function rejectUnknownOptions(options: object, known: readonly string[], where = ''): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const guess = closest(name, known);
    const hint = guess === undefined ? `Known options: ${known.join(', ')}.` : `Did you mean \`${where}${guess}\`?`;
    throw configError(`unknown option \`${where}${name}\`. ${hint}`);
  }
}

export function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw configError(`\`${name}\` must be a finite number of 0 or more, got ${describe(value)}.`);
  }
  return value;
}

export function resolveTimeout(name: string, value: unknown): number {
  const ms = nonNegative(name, value);
  if (ms === 0 || ms > MAX_TIMEOUT_MS) {
    throw configError(
      `\`${name}\` must be more than 0 and at most ${String(MAX_TIMEOUT_MS)}; the Chat backend waits 2000 ms.`,
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
