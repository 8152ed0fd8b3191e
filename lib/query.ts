/** A callback URL's query: each parameter once as a string, or every value when it was repeated. */
export type RawQuery = Readonly<Record<string, string | readonly string[]>>;

/**
 * Parses the query of a request URL (`/path?a=1&b=2`) without any framework's query parser, so
 * that Express 4's `qs` nesting, Express 5's simple parser and a plain `node:http` server all see
 * the same thing. A repeated parameter keeps every value (and so fails the schema's `string`
 * type), and the result has no prototype, so `__proto__=...` is an ordinary key.
 */
export function parseQuery(url: string): RawQuery {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const start = url.indexOf('?');
  if (start === -1) return query;
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    const seen = query[name];
    if (seen === undefined) query[name] = value;
    else if (typeof seen === 'string') query[name] = [seen, value];
    else seen.push(value);
  }
  return query;
}

/** The parameter's value when it was given exactly once. */
export function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}
