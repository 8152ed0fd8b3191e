import { Ajv } from 'ajv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// An independent judge of whether a request is a valid, authentic recall callback, written
// without the package's own code: URLSearchParams for the query, node:crypto for the Sign, the
// published JSON Schema file for the body, a JSON.parse reviver for forbidden keys.

export const ORACLE_APP_ID = '1400000000';
export const ORACLE_TOKEN = 'property-token';
export const ORACLE_LIMIT = 4096;
const RECALL = 'C2C.CallbackAfterMsgWithDraw';

const validateBody = new Ajv().compile(
  JSON.parse(readFileSync(new URL('../../schemas/recall-body.json', import.meta.url), 'utf8')) as object,
);

export type Verdict =
  /** Not a recall callback at all: handed on. */
  | { readonly kind: 'pass' }
  | { readonly kind: 'refuse' }
  /** A valid, authentic recall whose body, parsed, is `body`. */
  | { readonly kind: 'recall'; readonly body: unknown };

export function judge(method: string, query: string, body: Uint8Array, nowSeconds: number): Verdict {
  const params = new URLSearchParams(query);
  if (method !== 'POST' || !params.getAll('CallbackCommand').includes(RECALL)) return { kind: 'pass' };
  const once = (name: string): string | undefined =>
    params.getAll(name).length === 1 ? (params.get(name) ?? undefined) : undefined;
  // Each documented parameter once, and within the published schema's length bounds.
  const bounds = {
    SdkAppid: 20,
    CallbackCommand: Infinity,
    contenttype: 32,
    ClientIP: 64,
    OptPlatform: 64,
    Sign: Infinity,
    RequestTime: 32,
  };
  for (const [name, most] of Object.entries(bounds)) {
    if (params.getAll(name).length > 1 || (once(name)?.length ?? 0) > most) return { kind: 'refuse' };
  }
  if (once('SdkAppid') !== ORACLE_APP_ID) return { kind: 'refuse' };
  const requestTime = once('RequestTime');
  const sign = once('Sign');
  if (requestTime === undefined || sign === undefined || !/^[0-9]{1,12}$/.test(requestTime)) return { kind: 'refuse' };
  if (Math.abs(nowSeconds - Number(requestTime)) > 60) return { kind: 'refuse' };
  if (
    sign.toLowerCase() !==
    createHash('sha256')
      .update(ORACLE_TOKEN + requestTime)
      .digest('hex')
  )
    return { kind: 'refuse' };
  if (body.byteLength > ORACLE_LIMIT) return { kind: 'refuse' };
  const seen = { unsafe: false };
  // A string a UTF-8 encoder could not write as it is: half a surrogate pair standing alone.
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  let parsed: unknown;
  try {
    // fatal: bytes that are not UTF-8 are refused, not replaced.
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body), function (key, value: unknown) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype' || loneSurrogate.test(key))
        seen.unsafe = true;
      if (typeof value === 'string' && loneSurrogate.test(value)) seen.unsafe = true;
      return value;
    });
  } catch {
    return { kind: 'refuse' };
  }
  if (seen.unsafe || !validateBody(parsed) || (parsed as { CallbackCommand?: unknown }).CallbackCommand !== RECALL)
    return { kind: 'refuse' };
  return { kind: 'recall', body: JSON.parse(new TextDecoder().decode(body)) as unknown };
}
