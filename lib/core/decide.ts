import type { ErrorObject } from 'ajv';
import type { ResolvedCommand, ResolvedConfig } from './config.js';
import { refusal, type Refusal } from './errors.js';
import type { AnyRecallEvent } from './events.js';
import { findUnsafeText, isJsonObject, parseJson } from '../protocol/json.js';
import {
  canonicalPlatform,
  namedProblem,
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
  /** Not a recall callback: hand it to whatever else is mounted. */
  | { readonly kind: 'pass'; readonly reason: string }
  /** Refused: a callback of `command`, known from the query before anything else. */
  | { readonly kind: 'reject'; readonly error: Refusal; readonly command: ResolvedCommand }
  /** Authentic so far: read the body. */
  | { readonly kind: 'read'; readonly context: CallbackContext };

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
  // One callback URL receives every command the app enables, told apart by CallbackCommand; the
  // others are handed on whoever sent them, so allowFrom guards this receiver, not the path.
  const command = commandOf(config, query);
  if (command === undefined) return { kind: 'pass', reason: "not a callback of this receiver's commands" };
  if (config.allowFrom !== undefined && !config.allowFrom(head.remoteAddress)) {
    return refused(command, refusal('ADDRESS_FORBIDDEN', 'the request comes from an address not in allowFrom'));
  }
  if (unread !== undefined) return refused(command, refusal('QUERY_INVALID', `query has ${unread}`));
  const problem = namedProblem(query);
  if (problem !== undefined) return refused(command, refusal('QUERY_INVALID', problem));
  // The protocol page: the app backend must check that SdkAppid is its own.
  const sdkAppid = single(query, 'SdkAppid');
  if (sdkAppid === undefined || !config.sdkAppIds.has(sdkAppid)) {
    return refused(command, refusal('SDKAPPID_MISMATCH', 'SdkAppid is not one this receiver serves'));
  }
  let requestTime: number | undefined;
  let signedWith: number | undefined;
  if (config.verifySign !== undefined) {
    const auth = authenticate(config.verifySign, config.toleranceMs, query, nowMs);
    if (!auth.ok) return refused(command, auth.error);
    ({ requestTime, signedWith } = auth);
  }
  // The app's own query schema sees the whole query, decoded, once the callback is authentic.
  const { validateQuery } = config;
  if (validateQuery !== undefined && !validateQuery(parseQuery(head.url).query)) {
    return refused(command, refusal('QUERY_INVALID', describeFirstError('query', validateQuery.errors)));
  }
  return {
    kind: 'read',
    context: {
      remoteAddress: head.remoteAddress,
      sdkAppId: Number(sdkAppid),
      command,
      clientIp: single(query, 'ClientIP'),
      optPlatform: single(query, 'OptPlatform'),
      requestTime,
      signedWith,
    },
  };
}

function refused(command: ResolvedCommand, error: Refusal): QueryDecision {
  return { kind: 'reject', error, command };
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
