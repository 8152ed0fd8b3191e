/** A callback URL's query: each parameter once as a string, or every value when it was repeated. */
export type RawQuery = Readonly<Record<string, string | readonly string[]>>;

/**
 * The most parameters read from a query. A callback carries seven at most; the rest of a longer
 * query is not read, so its cost is bounded whatever its length.
 * @internal
 */
export const MAX_PARAMETERS = 100;

/** A parsed query, and whether it was read to its end (false past `MAX_PARAMETERS`). */
export interface ParsedQuery {
  readonly query: RawQuery;
  readonly complete: boolean;
}

/**
 * Parses the query of a request URL (`/path?a=1&b=2`) without any framework's query parser, so
 * that Express 4's `qs` nesting, Express 5's simple parser and a plain `node:http` server all see
 * the same thing. A repeated parameter keeps every value (and so fails the schema's `string`
 * type), and `__proto__=...` is an ordinary own key, changing no prototype. Decoding is
 * that of `application/x-www-form-urlencoded` (`+` is a space); it is done by hand because
 * `URLSearchParams` was a third of the cost of a whole decision. Linear in the URL's length: each
 * character is looked at a bounded number of times, however the separators fall.
 */
export function parseQuery(url: string): ParsedQuery {
  // A plain object: one without a prototype is kept in slow dictionary mode, and adding to it was
  // the largest single cost here. Own-property checks and the `__proto__` case below keep it safe.
  const query: Record<string, string | string[]> = {};
  const start = url.indexOf('?');
  if (start === -1) return { query, complete: true };
  // The next '=' at or after `from` (the URL's length when there is none), looked for again only
  // once passed: searching from each parameter to the URL's end is quadratic for `?&a&a&a...`.
  let equals = -1;
  let count = 0;
  for (let from = start + 1; from <= url.length;) {
    const end = indexOrEnd(url, '&', from);
    if (end > from) {
      if (count === MAX_PARAMETERS) return { query, complete: false };
      count++;
      if (equals < from) equals = indexOrEnd(url, '=', from);
      const split = equals < end;
      add(query, decode(url.slice(from, split ? equals : end)), split ? decode(url.slice(equals + 1, end)) : '');
    }
    from = end + 1;
  }
  return { query, complete: true };
}

function add(query: Record<string, string | string[]>, name: string, value: string): void {
  const seen = Object.hasOwn(query, name) ? query[name] : undefined;
  // Assigning `__proto__` would replace the object's prototype; it is defined as an own key
  // instead, after which assigning it sets that key.
  if (seen === undefined && name === '__proto__')
    Object.defineProperty(query, name, { value, writable: true, enumerable: true, configurable: true });
  else query[name] = withValue(seen, value);
}

/** A parameter's values once `value` is added to those seen before: a string for one, a list for more. */
function withValue(seen: string | string[] | undefined, value: string): string | string[] {
  if (seen === undefined) return value;
  if (typeof seen === 'string') return [seen, value];
  seen.push(value);
  return seen;
}

const NEEDS_DECODING = /[%+]/;

function decode(text: string): string {
  return NEEDS_DECODING.test(text) ? decodeForm(text) : text;
}

const PLUS = 43;
const PERCENT = 37;
const REPLACEMENT = '\ufffd';

/**
 * Decodes `application/x-www-form-urlencoded` text as URLSearchParams does (the WHATWG URL
 * standard's percent-decode, then its UTF-8 decode): `+` is a space, `%` and two hex digits a byte,
 * runs of bytes UTF-8 with U+FFFD for each maximal part that is not, and a `%` without two hex
 * digits is kept as it is. It looks at each character once and never throws:
 * `decodeURIComponent` throws on a malformed escape or on bytes that are not UTF-8, and an
 * exception for each such value made a query of them cost hundreds of times a real callback's
 * before authentication. The UTF-8 is decoded here as the bytes come, not by a TextDecoder, whose
 * call for each value cost as much again.
 * @internal
 */
export function decodeForm(text: string): string {
  let decoded = '';
  // `text` before `copied` is in `decoded`.
  let copied = 0;
  // The UTF-8 sequence under way (the standard's "UTF-8 decoder"): the bytes it still needs, the
  // code point so far, and the range its next byte must be in.
  let needed = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code !== PLUS && code !== PERCENT) continue;
    const high = code === PLUS ? -1 : hexValue(text.charCodeAt(at + 1));
    const low = high === -1 ? -1 : hexValue(text.charCodeAt(at + 2));
    // A `%` without two hex digits is text like any other.
    if (code === PERCENT && low === -1) continue;
    // Text between escapes, or a `+`, ends a sequence under way: its bytes were not enough.
    if (needed > 0 && (copied < at || code === PLUS)) {
      decoded += REPLACEMENT;
      needed = 0;
      lower = 0x80;
      upper = 0xbf;
    }
    if (copied < at) decoded += text.slice(copied, at);
    if (code === PLUS) {
      decoded += ' ';
      copied = at + 1;
      continue;
    }
    at += 2;
    copied = at + 1;
    const byte = high * 16 + low;
    if (needed > 0) {
      if (byte >= lower && byte <= upper) {
        codePoint = (codePoint << 6) | (byte & 0x3f);
        lower = 0x80;
        upper = 0xbf;
        if (--needed === 0) decoded += String.fromCodePoint(codePoint);
        continue;
      }
      // A byte that cannot go on the sequence ends it, and starts afresh below.
      decoded += REPLACEMENT;
      needed = 0;
      lower = 0x80;
      upper = 0xbf;
    }
    if (byte <= 0x7f) {
      decoded += String.fromCharCode(byte);
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      needed = 1;
      codePoint = byte & 0x1f;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      // Neither an overlong form nor a surrogate.
      if (byte === 0xe0) lower = 0xa0;
      if (byte === 0xed) upper = 0x9f;
      needed = 2;
      codePoint = byte & 0x0f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      // Neither an overlong form nor past U+10FFFF.
      if (byte === 0xf0) lower = 0x90;
      if (byte === 0xf4) upper = 0x8f;
      needed = 3;
      codePoint = byte & 0x07;
    } else {
      decoded += REPLACEMENT;
    }
  }
  if (needed > 0) decoded += REPLACEMENT;
  return copied === 0 ? text : decoded + text.slice(copied);
}

/** The value of a hex digit's character code, or -1 for anything else (NaN, past the text's end, included). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * The parameters the protocol names (protocol.md, "URL query parameters"), with the most
 * characters each may hold: `SdkAppid` is digits, the longest recall command is 40 characters,
 * `Sign` is 64 hex digits; the rest are bounds of the default query schema.
 * @internal
 */
export const NAMED_PARAMETERS = {
  SdkAppid: 20,
  CallbackCommand: 64,
  contenttype: 32,
  ClientIP: 64,
  OptPlatform: 64,
  Sign: 64,
  RequestTime: 32,
} as const satisfies Readonly<Record<string, number>>;

type NamedParameter = keyof typeof NAMED_PARAMETERS;

const BOUNDS = Object.entries(NAMED_PARAMETERS) as readonly (readonly [NamedParameter, number])[];
// While a query is read, each named parameter is known by its position here.
const PARAMETERS: readonly NamedParameter[] = BOUNDS.map(([name]) => name);
const LIMITS: readonly number[] = BOUNDS.map(([, most]) => most);
const POSITIONS: ReadonlyMap<string, number> = new Map(PARAMETERS.map((name, index) => [name, index]));
const COMMAND = PARAMETERS.indexOf('CallbackCommand');

// A named parameter's name written with escapes is at most three characters a character.
const LONGEST_NAME = 3 * Math.max(...PARAMETERS.map((name) => name.length));

// The named parameters' values are ASCII (digits, addresses, hex, names), where an escape takes 3
// characters a character: a value longer than 3 times its bound is over it, and is kept as it
// came, undecoded, to be refused by the bound.
const MOST_ESCAPED = 3;

/**
 * The longest query read before a callback is authenticated. A callback's query is about 250
 * characters (seven parameters, a 64-digit Sign); 2 KiB, eight times that, leaves room for
 * parameters Tencent may add and for the callback URL's own, and bounds the work that an
 * unauthenticated request costs to a few times a real callback's.
 * @internal
 */
export const MAX_QUERY_LENGTH = 2048;

/**
 * The most parameters read before a callback is authenticated: a callback carries seven (eight
 * with the `RequestId` a receiver has seen), and 32, four times that, leaves room for parameters
 * Tencent may add and for the callback URL's own. Each parameter read costs its name's lookup,
 * and a named one its value, so this bounds what a query of many short parameters costs, where
 * `MAX_QUERY_LENGTH` bounds one of few long ones.
 * @internal
 */
export const MAX_CALLBACK_PARAMETERS = 32;

/** What a callback's query says before it is authenticated: the named parameters only. */
export interface CallbackQuery {
  /**
   * Each named parameter given, and no other, decoded (unless over its bound): once as a string,
   * or its first two values when it was repeated (every value of `CallbackCommand`).
   */
  readonly named: RawQuery;
  /** Why the query was not read to its end, if it was not: too many parameters, or too long. */
  readonly unread: string | undefined;
}

/**
 * Reads a request URL's query for what the protocol names, decoding nothing else: before
 * authentication, whoever sends the request chooses every byte of it, so its cost must not grow
 * with what it holds. At most `MAX_QUERY_LENGTH` characters and `MAX_CALLBACK_PARAMETERS` parameters are
 * looked at; each named parameter's value is decoded once, and only when it can be within its
 * bound. Decoding is that of `parseQuery`, by `decodeText` (a test passes one that counts what it
 * is given).
 */
export function readCallbackQuery(url: string, decodeText: (text: string) => string = decodeForm): CallbackQuery {
  const start = url.indexOf('?');
  if (start === -1) return { named: {}, unread: undefined };
  // Each named parameter's values by its position in PARAMETERS, made into an object at the end:
  // storing to an object under a key read from the URL cost more than all the rest of the parse.
  const found: (string | string[] | undefined)[] = PARAMETERS.map(() => undefined);
  const tooLong = url.length - start - 1 > MAX_QUERY_LENGTH;
  // Only so much is searched, whatever follows.
  const text = tooLong ? url.slice(0, start + 1 + MAX_QUERY_LENGTH) : url;
  let count = 0;
  // The next '=', '%' and '+' at or after the segment, each looked for again only once passed:
  // searching from each segment on is quadratic for `a&a&a...` without one. Knowing where the
  // next '%' and '+' are also tells, without a regular expression, which values need decoding.
  // Each starts at the '?', before any segment: not yet looked for.
  let equals = start;
  let percent = start;
  let plus = start;
  for (let from = start + 1; from < text.length;) {
    const end = indexOrEnd(text, '&', from);
    // Empty segments are no parameters: a run of them is skipped at once.
    if (end === from) {
      NOT_AMPERSAND.lastIndex = from;
      from = NOT_AMPERSAND.exec(text)?.index ?? text.length;
      continue;
    }
    if (count === MAX_CALLBACK_PARAMETERS)
      return { named: namedOf(found), unread: `more than ${String(MAX_CALLBACK_PARAMETERS)} parameters` };
    count++;
    if (equals < from) equals = indexOrEnd(text, '=', from);
    const nameEnd = Math.min(equals, end);
    let index = -1;
    if (nameEnd - from <= LONGEST_NAME) {
      if (percent < from) percent = indexOrEnd(text, '%', from);
      // A name is decoded only when it holds an escape; `+`, a space, is in none of them.
      index =
        percent < nameEnd ? positionOf(decodeText(text.slice(from, nameEnd))) : plainPosition(text, from, nameEnd);
    }
    const seen = index === -1 ? undefined : found[index];
    // A parameter given twice makes the query invalid, and the values after the second are of no
    // use; but every CallbackCommand is read, to tell whether any of them is ours (decide.ts). Of
    // a query too long, which is refused whatever it holds, only that is read.
    const wanted = index === COMMAND || (!tooLong && (seen === undefined || typeof seen === 'string'));
    if (index !== -1 && wanted) {
      const raw = text.slice(nameEnd + 1, end);
      let value = raw;
      if (raw.length <= MOST_ESCAPED * (LIMITS[index] ?? 0)) {
        // `percent` is the next '%' from the name on already: one in the name only decodes a value
        // that needs none, which gives it back as it was.
        if (plus <= nameEnd) plus = indexOrEnd(text, '+', nameEnd + 1);
        if (percent < end || plus < end) value = decodeText(raw);
      }
      found[index] = withValue(seen, value);
    }
    from = end + 1;
  }
  return { named: namedOf(found), unread: tooLong ? `more than ${String(MAX_QUERY_LENGTH)} characters` : undefined };
}

/** The named parameters found, as a query: those given, each under its name. */
function namedOf(found: readonly (string | string[] | undefined)[]): RawQuery {
  const named: Record<string, string | string[]> = {};
  PARAMETERS.forEach((name, index) => {
    const value = found[index];
    if (value !== undefined) named[name] = value;
  });
  return named;
}

/** Where `character` is next in `text` from `from` on, or the text's length when it is not. */
function indexOrEnd(text: string, character: string, from: number): number {
  const index = text.indexOf(character, from);
  return index === -1 ? text.length : index;
}

const NOT_AMPERSAND = /[^&]/g;

// The named parameters by the length and the first character of their names: no two share both,
// so a name written plainly is one candidate at most, told by one lookup. Each slot holds a
// position in PARAMETERS plus 1; 0 for none. Names are ASCII, 128 slots a length.
const CANDIDATES = new Uint8Array((LONGEST_NAME + 1) * 128);
PARAMETERS.forEach((name, index) => {
  CANDIDATES[name.length * 128 + name.charCodeAt(0)] = index + 1;
});

/**
 * The position of the named parameter written plainly from `from` to `end` (at most LONGEST_NAME
 * characters), matched in the URL without taking it out, so that each name of a hostile query
 * costs one lookup and one comparison of the characters. -1 for none.
 *
 * One `startsWith` rather than a `charCodeAt` for each character of both: where String.prototype
 * is no longer a fast object (see signature.ts), every call of one of its methods is looked up
 * anew, so the reader makes as few of them as it can.
 */
function plainPosition(text: string, from: number, end: number): number {
  const first = text.charCodeAt(from);
  const index = (first < 128 ? (CANDIDATES[(end - from) * 128 + first] ?? 0) : 0) - 1;
  if (index === -1) return -1;
  // The candidate has the name's length: the name is there when it starts there.
  return text.startsWith(PARAMETERS[index] ?? '', from) ? index : -1;
}

function positionOf(name: string): number {
  return POSITIONS.get(name) ?? -1;
}

/** The parameter's value when it was given exactly once. */
export function single(query: RawQuery, name: string): string | undefined {
  const value = Object.hasOwn(query, name) ? query[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Why a callback's named parameters fail the default query schema (`recallQuerySchema`), checked
 * without Ajv: each at most once, `SdkAppid` given and digits, each within its bound. `undefined`
 * when they pass. A test holds the two to the same verdicts.
 */
export function namedProblem(named: CallbackQuery['named']): string | undefined {
  const bounds = boundsProblem(named);
  if (bounds !== undefined) return bounds;
  const sdkAppid = single(named, 'SdkAppid');
  if (sdkAppid === undefined) return "query must have required property 'SdkAppid'";
  return sdkAppidProblem(sdkAppid);
}

/** Why a `SdkAppid` given is not one: digits, at most 20 of them. */
export function sdkAppidProblem(sdkAppid: string): string | undefined {
  return /^[0-9]{1,20}$/.test(sdkAppid) ? undefined : 'query.SdkAppid must be digits, at most 20';
}

/** Why the named parameters given fail their bounds: each at most once, each within its length. */
export function boundsProblem(named: CallbackQuery['named']): string | undefined {
  for (const [name, most] of BOUNDS) {
    const value = Object.hasOwn(named, name) ? named[name] : undefined;
    if (value === undefined) continue;
    if (typeof value !== 'string') return `query.${name} is given more than once`;
    // Sign and CallbackCommand are bounded by the steps that compare them.
    if (value.length > most && name !== 'Sign' && name !== 'CallbackCommand') {
      return `query.${name} must NOT have more than ${String(most)} characters`;
    }
  }
  return undefined;
}

/** The client platforms the protocol documents for `OptPlatform`, in canonical spelling. */
export type Platform = 'RESTAPI' | 'Web' | 'Android' | 'iOS' | 'Windows' | 'Mac' | 'iPad' | 'Unknown';

// The docs disagree on spelling (`Mac` vs `macOS`, `iPad` vs `IPad`), so values are matched
// without regard to case, and anything unrecognised, `Unknown` itself included, is `Unknown` (the
// raw value is kept elsewhere).
const CANONICAL = new Map<string, Platform>([
  ['restapi', 'RESTAPI'],
  ['web', 'Web'],
  ['android', 'Android'],
  ['ios', 'iOS'],
  ['windows', 'Windows'],
  ['mac', 'Mac'],
  ['macos', 'Mac'],
  ['ipad', 'iPad'],
]);

export function canonicalPlatform(raw: string | undefined): Platform | undefined {
  if (raw === undefined) return undefined;
  return CANONICAL.get(raw.toLowerCase()) ?? 'Unknown';
}
