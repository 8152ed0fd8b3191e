import { utf8Length } from '../runtime/bytes.js';

// Keys that can reach an object's prototype when a listener merges the body into another object
// (`Object.assign`, a deep merge). JSON.parse keeps them as own keys, so they are looked for
// after parsing, at any depth.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An object that is neither `null` nor an array: what JSON calls an object. */
export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * What `findUnsafeText` found: a key that reaches prototypes, a string holding half a surrogate
 * pair on its own (JSON allows `"\ud800"`; no UTF-8 encoding does), or U+FFFD where it marks bytes
 * that were not UTF-8.
 */
export type UnsafeText = { readonly key: string } | 'lone surrogate' | 'replacement character';

/**
 * The first unsafe key or string anywhere in a parsed JSON value, walked without recursion. A
 * parser that decoded the body before this package (`express.json()`, `express.text()`) replaced
 * each byte that was not UTF-8 with U+FFFD, so with `decodedElsewhere` that character counts as
 * one: two different MsgKeys would otherwise become one. Given the JSON text the value was parsed
 * from, `source`, a value whose text cannot hold any of it (`mayHoldUnsafeText`) is not walked.
 */
export function findUnsafeText(value: unknown, decodedElsewhere: boolean, source?: string): UnsafeText | undefined {
  if (source !== undefined && !mayHoldUnsafeText(source, decodedElsewhere)) return undefined;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      const found = unsafeText(current, decodedElsewhere);
      if (found !== undefined) return found;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) return { key };
      const found = unsafeText(key, decodedElsewhere);
      if (found !== undefined) return found;
      pending.push((current as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/**
 * Whether JSON `text` can hold what `findUnsafeText` looks for, read off the text alone: without
 * a backslash, every key and string of its value is written in it as it is, so a forbidden key
 * shows as its word, and a lone surrogate or U+FFFD as that character. A body without any of
 * them, as the Chat backend sends, is not walked.
 * @internal
 */
export function mayHoldUnsafeText(text: string, decodedElsewhere: boolean): boolean {
  if (text.includes('\\') || unsafeText(text, decodedElsewhere) !== undefined) return true;
  for (const key of FORBIDDEN_KEYS) if (text.includes(key)) return true;
  return false;
}

function unsafeText(text: string, decodedElsewhere: boolean): UnsafeText | undefined {
  if (!text.isWellFormed()) return 'lone surrogate';
  return decodedElsewhere && text.includes('\ufffd') ? 'replacement character' : undefined;
}

/**
 * The UTF-8 size of the JSON text of a value a parser made, to hold it to the body's limit;
 * undefined for one no JSON text makes (a cycle, a BigInt, nesting too deep to write).
 */
export function jsonSize(value: unknown): number | undefined {
  try {
    const json: unknown = JSON.stringify(value);
    return typeof json === 'string' ? utf8Length(json) : undefined;
  } catch {
    return undefined;
  }
}
