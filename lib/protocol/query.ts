import { unescape } from 'node:querystring';

/** A callback URL's query: each parameter once as a string, or every value when it was repeated. */
export type RawQuery = Readonly<Record<string, string | readonly string[]>>;

/**
 * The most parameters read from a query. A callback carries seven at most; the rest of a longer
 * query is not read, so its cost is bounded whatever its length.
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
    let end = url.indexOf('&', from);
    if (end === -1) end = url.length;
    if (end > from) {
      if (count === MAX_PARAMETERS) return { query, complete: false };
      count++;
      if (equals < from) {
        equals = url.indexOf('=', from);
        if (equals === -1) equals = url.length;
      }
      const split = equals < end;
      add(query, decode(url.slice(from, split ? equals : end)), split ? decode(url.slice(equals + 1, end)) : '');
    }
    from = end + 1;
  }
  return { query, complete: true };
}

function add(query: Record<string, string | string[]>, name: string, value: string): void {
  const seen = Object.hasOwn(query, name) ? query[name] : undefined;
  if (seen === undefined) {
    // Assigning `__proto__` would replace the object's prototype; define it as an own key instead.
    if (name === '__proto__')
      Object.defineProperty(query, name, { value, writable: true, enumerable: true, configurable: true });
    else query[name] = value;
  } else if (typeof seen === 'string') query[name] = [seen, value];
  else seen.push(value);
}

const NEEDS_DECODING = /[%+]/;

function decode(text: string): string {
  if (!NEEDS_DECODING.test(text)) return text;
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape (`%zz`) is kept as it is, as URLSearchParams does.
    return unescape(spaced);
  }
}

/** The parameter's value when it was given exactly once. */
export function single(query: RawQuery, name: string): string | undefined {
  const value = Object.hasOwn(query, name) ? query[name] : undefined;
  return typeof value === 'string' ? value : undefined;
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
