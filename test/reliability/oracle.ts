import { Ajv } from 'ajv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// An independent judge of whether a request is a valid, authentic recall callback of any of the
// three commands, written without the package's own code: URLSearchParams for the query,
// node:crypto for the Sign, the published JSON Schema files for the body, a JSON.parse reviver for
// forbidden keys, and its own idea of what names a recall.

export const ORACLE_APP_ID = '1400000000';
export const ORACLE_TOKEN = 'property-token';
export const ORACLE_LIMIT = 4096;

const schema = (file: string): object =>
  JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as object;
const ajv = new Ajv();

/** The recall commands, each with its event, its published schema, and what names one of its recalls. */
export const ORACLE_COMMANDS = {
  'C2C.CallbackAfterMsgWithDraw': {
    event: 'recall',
    validate: ajv.compile(schema('recall-body.json')),
    key: (body: Body) => `c2c ${String(body.MsgKey)}`,
  },
  'Group.CallbackAfterRecallMsg': {
    event: 'groupRecall',
    validate: ajv.compile(schema('group-recall-body.json')),
    // The same MsgSeq in another group or topic is another recall; Tencent writes "" for no topic.
    // A recall of several messages is the set of them.
    key: (body: Body) =>
      `group ${JSON.stringify([body.GroupId, body.TopicId === '' ? null : (body.TopicId ?? null), setOf((body.MsgSeqList as Body[]).map((m) => m.MsgSeq))])}`,
  },
  'OfficialAccount.CallbackAfterMsgWithDraw': {
    event: 'officialAccountRecall',
    validate: ajv.compile(schema('official-account-recall-body.json')),
    key: (body: Body) =>
      `account ${JSON.stringify([body.Official_Account, setOf((body.WithdrawMsgList as Body[]).map((m) => m.MsgKey))])}`,
  },
} as const;

/** The distinct values, ordered as JSON texts are. */
function setOf(values: readonly unknown[]): string[] {
  return [...new Set(values.map((value) => JSON.stringify(value)))].sort();
}

export type OracleCommand = keyof typeof ORACLE_COMMANDS;
type Body = Readonly<Record<string, unknown>>;

export type Verdict =
  /** Not a callback at all: handed on. */
  | { readonly kind: 'pass' }
  /** An authentic callback of another command: handed on with what was verified. */
  | { readonly kind: 'verified' }
  /** An authentic check of the URL (Sign and RequestTime, no command): answered OK. */
  | { readonly kind: 'checked' }
  | { readonly kind: 'refuse' }
  /**
   * A valid, authentic recall whose body, parsed, is `body`, to be emitted as `event`; `key` names
   * the recall, the same for every delivery of it.
   */
  | { readonly kind: 'recall'; readonly body: unknown; readonly event: string; readonly key: string };

export function judge(method: string, query: string, body: Uint8Array, nowSeconds: number): Verdict {
  const params = new URLSearchParams(query);
  const names = params.getAll('CallbackCommand');
  const command = names.find((name): name is OracleCommand => Object.hasOwn(ORACLE_COMMANDS, name));
  if (method !== 'POST') return { kind: 'pass' };
  // Every callback at the URL is signed alike, whatever its command; one without a command but
  // with Sign or RequestTime is the console's check of the URL. Anything else is no callback.
  const claimsCheck = names.length === 0 && (params.has('Sign') || params.has('RequestTime'));
  if (names.length === 0 && !claimsCheck) return { kind: 'pass' };
  if (!authentic(params, nowSeconds, command !== undefined || !claimsCheck)) return { kind: 'refuse' };
  if (claimsCheck) return { kind: 'checked' };
  if (command === undefined) return /^[!-~]{1,64}$/.test(names[0] ?? '') ? { kind: 'verified' } : { kind: 'refuse' };
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
  const { event, validate, key } = ORACLE_COMMANDS[command];
  if (seen.unsafe || !validate(parsed) || (parsed as Body).CallbackCommand !== command) return { kind: 'refuse' };
  return {
    kind: 'recall',
    body: JSON.parse(new TextDecoder().decode(body)) as unknown,
    event,
    key: key(parsed as Body),
  };
}

/**
 * Whether a query passes the checks of every callback: each documented parameter once and within
 * the published schema's length bounds, `SdkAppid` this app's (or, for a check of the URL, absent),
 * `RequestTime` in the window and `Sign` made with the token.
 */
function authentic(params: URLSearchParams, nowSeconds: number, needsSdkAppid: boolean): boolean {
  const once = (name: string): string | undefined =>
    params.getAll(name).length === 1 ? (params.get(name) ?? undefined) : undefined;
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
    if (params.getAll(name).length > 1 || (once(name)?.length ?? 0) > most) return false;
  }
  const sdkAppid = once('SdkAppid');
  if (sdkAppid === undefined ? needsSdkAppid : sdkAppid !== ORACLE_APP_ID) return false;
  const requestTime = once('RequestTime');
  const sign = once('Sign');
  if (requestTime === undefined || sign === undefined || !/^[0-9]{1,12}$/.test(requestTime)) return false;
  if (Math.abs(nowSeconds - Number(requestTime)) > 60) return false;
  return (
    sign.toLowerCase() ===
    createHash('sha256')
      .update(ORACLE_TOKEN + requestTime)
      .digest('hex')
  );
}
