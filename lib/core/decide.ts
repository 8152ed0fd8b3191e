import type { ErrorObject } from 'ajv';
import type { ResolvedCommand, ResolvedConfig } from './config.js';
import { refusal, type Refusal } from './errors.js';
import type { AnyRecallEvent } from './events.js';
import { findUnsafeText, isJsonObject, parseJson } from '../protocol/json.js';
import type { VerifiedCallback } from './verified.js';
import type { RecallCommand } from '../protocol/commands.js';
import {
  boundsProblem,
  canonicalPlatform,
  namedProblem,
  sdkAppidProblem,
  parseQuery,
  readCallbackQuery,
  single,
  type RawQuery,
} from '../protocol/query.js';
import type { SignatureVerifier } from '../protocol/signature.js';

// The protocol's decisions, as pure functions of the request's parts and the time: no streams, no
// framework, no events. The adapters feed them and carry out what they decide.

/** What the query told about an accepted callback, carried over to the body step. */
export interface CallbackContext {
  readonly remoteAddress: string | undefined;
  readonly sdkAppId: number;
  readonly command: ResolvedCommand;
  readonly clientIp: string | undefined;
  readonly optPlatform: string | undefined;
  readonly requestTime: number | undefined;
  readonly signedWith: number | undefined;
}

export type QueryDecision =
  /** Not a callback (or another command, with `verifyOtherCommands: false`): hand it to whatever else is mounted. */
  | { readonly kind: 'pass'; readonly reason: string }
  /**
   * Refused, from the query before anything else: a callback of `command`, one of the receiver's,
   * or of another, named `callbackCommand` (both undefined for a check of the URL).
   */
  | {
      readonly kind: 'reject';
      readonly error: Refusal;
      readonly command: RecallCommand | undefined;
      readonly callbackCommand: string | undefined;
    }
  /** Authentic so far: read the body. */
  | { readonly kind: 'read'; readonly context: CallbackContext }
  /** An authentic callback of another command: hand it on with what was verified, its body unread. */
  | { readonly kind: 'verified'; readonly callback: VerifiedCallback }
  /** An authentic check of the callback URL, without a command: answered OK. */
  | { readonly kind: 'check' };

/** A body, however the framework has it: raw bytes, text, or already parsed by a body parser. */
export type BodyInput = { readonly bytes: Uint8Array } | { readonly text: string } | { readonly parsed: unknown };

/** A valid, authentic callback: `event` is emitted as its command's event. */
export interface Recall {
  readonly command: ResolvedCommand;
  readonly event: AnyRecallEvent;
}

export type BodyDecision =
  { readonly kind: 'reject'; readonly error: Refusal } | ({ readonly kind: 'recall' } & Recall);

/** What is known of a request before its body is read. */
export interface RequestHead {
  readonly method: string | undefined;
  readonly url: string;
  /** The peer's address as the adapter sees it, when known. */
  readonly remoteAddress: string | undefined;
}

/**
 * Decides from the method, URL and peer address alone, before any of the body is read, so a
 * request from a refused address or without authentication never gets its body buffered.
 */
export function decideQuery(config: ResolvedConfig, head: RequestHead, nowMs: number): QueryDecision {
  // The Chat backend always POSTs (protocol page, "Request parameters").
  if (head.method !== 'POST') return { kind: 'pass', reason: 'not a POST' };
  // Before authentication only what the protocol names is decoded: the sender chooses every byte.
  const { named: query, unread } = readCallbackQuery(head.url);
  // One callback URL receives every command the app enables, told apart by CallbackCommand.
  const command = commandOf(config, query);
  if (command === undefined) return decideOther(config, head, query, unread, nowMs);
  const name = command.definition.command;
  const problem = unread === undefined ? namedProblem(query) : `query has ${unread}`;
  const checked = authenticCallback(config, head.remoteAddress, query, problem, nowMs);
  if ('code' in checked) return { kind: 'reject', error: checked, command: name, callbackCommand: name };
  // The app's own query schema sees the whole query, decoded, once the callback is authentic.
  const { validateQuery } = config;
  if (validateQuery !== undefined && !validateQuery(parseQuery(head.url).query)) {
    const error = refusal('QUERY_INVALID', describeFirstError('query', validateQuery.errors));
    return { kind: 'reject', error, command: name, callbackCommand: name };
  }
  return {
    kind: 'read',
    context: {
      remoteAddress: head.remoteAddress,
      command,
      clientIp: single(query, 'ClientIP'),
      optPlatform: single(query, 'OptPlatform'),
      ...checked,
    },
  };
}

// The commands Tencent names are ASCII words and dots (`C2C.CallbackBeforeSendMsg`); one of
// another command is handed on with its name, which the Sign does not cover: printable ASCII
// only, within the bound of the recall commands' parameter, so that no log line or handler gets
// anything else, and a command Tencent adds tomorrow still passes.
const COMMAND_NAME = /^[\x21-\x7e]{1,64}$/;

/**
 * A request whose query names none of the receiver's commands. Every callback an app enables
 * comes to this URL signed alike (protocol.md, "Every other callback on the same URL"), so one of
 * another command is authenticated as a recall is and handed on with what was verified; one
 * without a command but with `Sign` or `RequestTime` is taken for the console's check of the URL.
 * Anything else is no callback, and is handed on untouched, as is everything with
 * `verifyOtherCommands: false`.
 */
function decideOther(
  config: ResolvedConfig,
  head: RequestHead,
  query: RawQuery,
  unread: string | undefined,
  nowMs: number,
): QueryDecision {
  if (!config.verifyOthers) return { kind: 'pass', reason: "not a callback of this receiver's commands" };
  const named = query.CallbackCommand;
  if (named === undefined) return decideCheck(config, head, query, unread, nowMs);
  const first = typeof named === 'string' ? named : (named[0] ?? '');
  // A name that is no command's is not echoed anywhere: the refusal carries none.
  const command = COMMAND_NAME.test(first) ? first : undefined;
  // A repeated CallbackCommand is the bounds' "given more than once".
  const problem =
    unread !== undefined
      ? `query has ${unread}`
      : command === undefined
        ? 'query.CallbackCommand must be printable ASCII, 1 to 64 characters'
        : namedProblem(query);
  const checked = authenticCallback(config, head.remoteAddress, query, problem, nowMs);
  if ('code' in checked) return { kind: 'reject', error: checked, command: undefined, callbackCommand: command };
  const optPlatform = single(query, 'OptPlatform');
  return {
    kind: 'verified',
    callback: {
      command: first,
      ...checked,
      clientIp: single(query, 'ClientIP'),
      optPlatform,
      platform: canonicalPlatform(optPlatform),
      remoteAddress: head.remoteAddress,
      receivedAt: new Date(nowMs),
    },
  };
}

/**
 * A POST without `CallbackCommand`. With `Sign` or `RequestTime` and a token configured, it claims
 * to be the console's check of the callback URL, which one receiver found carries only those two
 * (protocol.md, "Every other callback on the same URL"; Tencent's pages do not say): it is checked
 * as a callback is, `SdkAppid` only if given, and an authentic one is answered OK, so that the
 * console shows a URL whose token is right as working and one whose token is wrong as failing.
 */
function decideCheck(
  config: ResolvedConfig,
  head: RequestHead,
  query: RawQuery,
  unread: string | undefined,
  nowMs: number,
): QueryDecision {
  const claimed = query.Sign !== undefined || query.RequestTime !== undefined;
  if (!claimed || config.verifySign === undefined) return { kind: 'pass', reason: 'no CallbackCommand' };
  const sdkAppid = single(query, 'SdkAppid');
  const problem =
    unread !== undefined
      ? `query has ${unread}`
      : (boundsProblem(query) ?? (sdkAppid === undefined ? undefined : sdkAppidProblem(sdkAppid)));
  const checked = authenticCallback(config, head.remoteAddress, query, problem, nowMs);
  return 'code' in checked
    ? { kind: 'reject', error: checked, command: undefined, callbackCommand: undefined }
    : { kind: 'check' };
}

/** What the query of an authentic callback says of it, beyond its command. */
interface Authentic {
  readonly sdkAppId: number;
  readonly requestTime: number | undefined;
  readonly signedWith: number | undefined;
}

/**
 * The checks every callback passes, whatever its command, in this order: the peer's address
 * first, so that one not allowed learns nothing more; then `problem`, what is wrong with the
 * query's shape, if anything (for a callback of a command, a missing `SdkAppid` too); the
 * `SdkAppid` (the protocol page: the app backend must check that it is its own), which only a
 * check of the URL may leave out, and which then reads as NaN; and the Sign and `RequestTime`.
 */
function authenticCallback(
  config: ResolvedConfig,
  remoteAddress: string | undefined,
  query: RawQuery,
  problem: string | undefined,
  nowMs: number,
): Authentic | Refusal {
  if (config.allowFrom !== undefined && !config.allowFrom(remoteAddress)) {
    return refusal('ADDRESS_FORBIDDEN', 'the request comes from an address not in allowFrom');
  }
  if (problem !== undefined) return refusal('QUERY_INVALID', problem);
  const sdkAppid = single(query, 'SdkAppid');
  if (sdkAppid !== undefined && !config.sdkAppIds.has(sdkAppid)) {
    return refusal('SDKAPPID_MISMATCH', 'SdkAppid is not one this receiver serves');
  }
  if (config.verifySign === undefined) {
    return { sdkAppId: Number(sdkAppid), requestTime: undefined, signedWith: undefined };
  }
  const auth = authenticate(config.verifySign, config.toleranceMs, query, nowMs);
  if (!auth.ok) return auth.error;
  return { sdkAppId: Number(sdkAppid), requestTime: auth.requestTime, signedWith: auth.signedWith };
}

// A repeated CallbackCommand that includes one of ours is still claimed, so that it is refused
// here instead of reaching a handler that reads only one of its values.
function commandOf(config: ResolvedConfig, query: RawQuery): ResolvedCommand | undefined {
  const named = query.CallbackCommand;
  if (named === undefined) return undefined;
  if (typeof named === 'string') return config.commands.get(named);
  for (const each of named) {
    const command = config.commands.get(each);
    if (command !== undefined) return command;
  }
  return undefined;
}

// JSON is UTF-8 (RFC 8259); replacing invalid bytes with U+FFFD would make two different MsgKeys
// one (`key\xff` and `key\xfe`), and one recall a duplicate of the other.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decides on the body of a callback whose query was accepted, and builds the event. */
export function decideBody(context: CallbackContext, input: BodyInput, receivedAt: Date): BodyDecision {
  let value: unknown;
  // The JSON text the value was parsed from, when this package parsed it.
  let text: string | undefined;
  if ('parsed' in input) {
    value = input.parsed;
  } else {
    try {
      text = 'text' in input ? input.text : utf8.decode(input.bytes);
    } catch {
      return reject('BODY_INVALID_UTF8', 'body is not valid UTF-8');
    }
    // The Content-Type is not documented, so the body is parsed as JSON whatever it says.
    const parsed = parseJson(text);
    if (!parsed.ok) return reject('BODY_INVALID_JSON', 'body is not valid JSON');
    value = parsed.value;
  }
  const unsafe = findUnsafeText(value, !('bytes' in input), text);
  if (unsafe === 'lone surrogate') {
    // An escape such as "\ud800" is valid JSON but no text: encoded as UTF-8 (a Redis key, a
    // hash) every such string becomes U+FFFD, so distinct keys would collide as above.
    return reject('BODY_INVALID_UTF8', 'body holds a \\u escape of half a surrogate pair, which is not text');
  }
  if (unsafe === 'replacement character') {
    return reject(
      'BODY_INVALID_UTF8',
      'body holds U+FFFD: a parser before this middleware replaced bytes that were not UTF-8; mount the middleware before it',
    );
  }
  if (unsafe !== undefined) return reject('BODY_FORBIDDEN_KEY', `body holds the key "${unsafe.key}"`);
  const { definition, validateBody } = context.command;
  if (!validateBody(value)) {
    const [first] = validateBody.errors ?? [];
    return invalid('BODY_INVALID', fieldOf(first), describeFirstError('body', validateBody.errors));
  }
  // A replaced schema may allow more, but the event needs an object whose command matches, and
  // the messages it recalls: what the listeners, the log and dedupe know the recall by.
  const needs = `body must be a JSON object with a CallbackCommand and ${definition.needs}`;
  if (!isJsonObject(value)) return invalid('BODY_INVALID', '', needs);
  if (typeof value.CallbackCommand !== 'string') return invalid('BODY_INVALID', '/CallbackCommand', needs);
  const view = definition.read(value);
  if ('fault' in view) return invalid('BODY_INVALID', view.fault, needs);
  if (value.CallbackCommand !== definition.command) {
    return invalid('COMMAND_MISMATCH', '/CallbackCommand', 'body CallbackCommand differs from the query');
  }
  const { conversation, messages, operator } = view;
  return {
    kind: 'recall',
    command: context.command,
    // The definition read this body by its command's rules, so the view has its command's shapes.
    event: {
      command: definition.command,
      body: value,
      conversation,
      messages,
      operator,
      remoteAddress: context.remoteAddress,
      sdkAppId: context.sdkAppId,
      clientIp: context.clientIp,
      optPlatform: context.optPlatform,
      platform: canonicalPlatform(context.optPlatform),
      requestTime: context.requestTime,
      signedWith: context.signedWith,
      eventTime: toDate(value.EventTime),
      receivedAt,
    } as AnyRecallEvent,
  };
}

// EventTime is milliseconds, as an integer or a numeric string (see recallBodySchema).
function toDate(eventTime: unknown): Date | undefined {
  if (typeof eventTime !== 'number' && typeof eventTime !== 'string') return undefined;
  if (typeof eventTime === 'string' && !/^[0-9]{1,15}$/.test(eventTime)) return undefined;
  const date = new Date(Number(eventTime));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function reject(code: Refusal['code'], message: string): BodyDecision {
  return { kind: 'reject', error: refusal(code, message) };
}

/** A refusal of a body that fails its checks, naming the field at fault (a JSON Pointer). */
function invalid(code: 'BODY_INVALID' | 'COMMAND_MISMATCH', field: string, message: string): BodyDecision {
  return { kind: 'reject', error: { code, message, field } };
}

/** The field an Ajv error is about: where it is, and the property a `required` misses. */
function fieldOf(error: ErrorObject | undefined): string {
  if (error === undefined) return '';
  const missing: unknown = (error.params as { missingProperty?: unknown }).missingProperty;
  return typeof missing === 'string' ? `${error.instancePath}/${escapePointer(missing)}` : error.instancePath;
}

// RFC 6901: `~` and `/` in a key are written `~0` and `~1`, as Ajv writes instancePath.
function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Outcome of authentication: the verified `RequestTime` in seconds and the position of the token
 * that signed it, or why the request is refused.
 */
type AuthResult =
  | { readonly ok: true; readonly requestTime: number; readonly signedWith: number }
  | { readonly ok: false; readonly error: Refusal };

// Unix seconds as the Chat backend writes them: decimal digits without leading zeros (a time in the
// window is never 0). Twelve digits outlast any clock. One spelling for each second, so that each
// is one entry of the Sign cache: with `01669872112` and the like, anyone could keep clearing it.
const SECONDS = /^[1-9][0-9]{0,11}$/;

/**
 * Verifies callback authentication (cloud.tencent.com/document/api/269/32431): `RequestTime` must
 * be within the tolerance of `nowMs` either way (Tencent tells receivers to refuse a request more
 * than a minute off, against replay), and `Sign` must equal hex(sha256(token + RequestTime)) for
 * one of the tokens.
 * The time is checked first: it is cheap and its failure reveals nothing about the token.
 * @internal
 */
export function authenticate(
  verify: SignatureVerifier,
  toleranceMs: number,
  query: RawQuery,
  nowMs: number,
): AuthResult {
  const sign = single(query, 'Sign');
  const requestTime = single(query, 'RequestTime');
  if (sign === undefined || requestTime === undefined) {
    return refuse(refusal('SIGNATURE_MISSING', 'Sign and RequestTime are required: callback authentication is on'));
  }
  if (!SECONDS.test(requestTime)) {
    return refuse(refusal('REQUEST_TIME_INVALID', 'RequestTime must be Unix time in seconds'));
  }
  const seconds = Number(requestTime);
  if (Math.abs(nowMs - seconds * 1000) > toleranceMs) {
    return refuse(refusal('REQUEST_EXPIRED', 'RequestTime is outside the accepted window'));
  }
  const signedWith = verify(requestTime, sign);
  if (signedWith < 0) {
    return refuse(refusal('SIGNATURE_INVALID', 'Sign does not match'));
  }
  return { ok: true, requestTime: seconds, signedWith };
}

function refuse(error: Refusal): AuthResult {
  return { ok: false, error };
}

/**
 * Ajv's first error as a short sentence: `body.MsgKey must NOT have fewer than 1 characters`.
 * @internal
 */
export function describeFirstError(where: string, errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return `${where} does not match the schema`;
  const path = first.instancePath.split('/').slice(1).join('.');
  return `${path === '' ? where : `${where}.${path}`} ${first.message ?? 'does not match the schema'}`;
}
