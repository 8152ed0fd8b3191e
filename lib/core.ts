import { authenticate } from './auth.js';
import type { ResolvedConfig } from './config.js';
import { recallError, type RecallWebhookError } from './errors.js';
import type { RecallEvent } from './events.js';
import { findForbiddenKey, parseJson } from './json.js';
import { canonicalPlatform } from './platform.js';
import { parseQuery, single, type RawQuery } from './query.js';
import { RECALL_COMMAND, type RecallBody } from './recall-body.js';
import { describeFirstError } from './schema/compile.js';

// The protocol's decisions, as pure functions of the request's parts and the time: no streams, no
// framework, no events. The adapters feed them and carry out what they decide.

/** What the query told about an accepted callback, carried over to the body step. */
export interface CallbackContext {
  readonly sdkAppId: number;
  readonly command: string;
  readonly clientIp: string | undefined;
  readonly optPlatform: string | undefined;
  readonly requestTime: number | undefined;
}

export type QueryDecision =
  /** Not a recall callback: hand it to whatever else is mounted. */
  | { readonly kind: 'pass'; readonly reason: string }
  | { readonly kind: 'reject'; readonly error: RecallWebhookError }
  /** Authentic so far: read the body. */
  | { readonly kind: 'read'; readonly context: CallbackContext };

/** A body, however the framework has it: raw bytes, text, or already parsed by a body parser. */
export type BodyInput = { readonly bytes: Uint8Array } | { readonly text: string } | { readonly parsed: unknown };

export type BodyDecision =
  | { readonly kind: 'reject'; readonly error: RecallWebhookError }
  | { readonly kind: 'recall'; readonly event: RecallEvent };

/**
 * Decides from the method and URL alone, before any of the body is read, so an unauthenticated
 * request never gets its body buffered.
 */
export function decideQuery(
  config: ResolvedConfig,
  method: string | undefined,
  url: string,
  nowMs: number,
): QueryDecision {
  // The Chat backend always POSTs (protocol page, "Request parameters").
  if (method !== 'POST') return { kind: 'pass', reason: 'not a POST' };
  const query = parseQuery(url);
  // One callback URL receives every command the app enables, told apart by CallbackCommand.
  if (!namesRecallCommand(query)) return { kind: 'pass', reason: 'not a recall callback' };
  if (!config.validateQuery(query)) {
    return reject('QUERY_INVALID', describeFirstError('query', config.validateQuery.errors));
  }
  // The protocol page: the app backend must check that SdkAppid is its own.
  const sdkAppid = single(query, 'SdkAppid');
  if (sdkAppid === undefined || !config.sdkAppIds.has(sdkAppid)) {
    return reject('SDKAPPID_MISMATCH', 'SdkAppid is not one this receiver serves');
  }
  let requestTime: number | undefined;
  if (config.verifySign !== undefined) {
    const auth = authenticate(config.verifySign, config.toleranceMs, query, nowMs);
    if (!auth.ok) return { kind: 'reject', error: auth.error };
    requestTime = auth.requestTime;
  }
  return {
    kind: 'read',
    context: {
      sdkAppId: Number(sdkAppid),
      command: RECALL_COMMAND,
      clientIp: single(query, 'ClientIP'),
      optPlatform: single(query, 'OptPlatform'),
      requestTime,
    },
  };
}

// A repeated CallbackCommand that includes this command is still claimed, so that it is refused
// here instead of reaching a handler that reads only one of its values.
function namesRecallCommand(query: RawQuery): boolean {
  const command = query.CallbackCommand;
  return command === RECALL_COMMAND || (Array.isArray(command) && command.includes(RECALL_COMMAND));
}

const utf8 = new TextDecoder('utf-8');

/** Decides on the body of a callback whose query was accepted, and builds the event. */
export function decideBody(
  config: ResolvedConfig,
  context: CallbackContext,
  input: BodyInput,
  receivedAt: Date,
): BodyDecision {
  let value: unknown;
  if ('parsed' in input) {
    value = input.parsed;
  } else {
    // The Content-Type is not documented, so the body is parsed as JSON whatever it says.
    const parsed = parseJson('text' in input ? input.text : utf8.decode(input.bytes));
    if (!parsed.ok) return reject('BODY_INVALID_JSON', 'body is not valid JSON');
    value = parsed.value;
  }
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined) return reject('BODY_FORBIDDEN_KEY', `body holds the key "${forbidden}"`);
  if (!config.validateBody(value))
    return reject('BODY_INVALID', describeFirstError('body', config.validateBody.errors));
  // A replaced schema may allow more, but the event needs an object whose command matches.
  if (!isRecallBodyShape(value)) return reject('BODY_INVALID', 'body must be a JSON object with a CallbackCommand');
  if (value.CallbackCommand !== context.command) {
    return reject('COMMAND_MISMATCH', 'body CallbackCommand differs from the query');
  }
  return {
    kind: 'recall',
    event: {
      body: value,
      sdkAppId: context.sdkAppId,
      clientIp: context.clientIp,
      optPlatform: context.optPlatform,
      platform: canonicalPlatform(context.optPlatform),
      requestTime: context.requestTime,
      eventTime: toDate(value.EventTime),
      receivedAt,
    },
  };
}

/** Both steps at once, for a request whose body is already at hand. */
export function decide(
  config: ResolvedConfig,
  request: { readonly method: string | undefined; readonly url: string; readonly body: BodyInput },
  now: Date,
): QueryDecision | BodyDecision {
  const first = decideQuery(config, request.method, request.url, now.getTime());
  return first.kind === 'read' ? decideBody(config, first.context, request.body, now) : first;
}

function isRecallBodyShape(value: unknown): value is RecallBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as RecallBody).CallbackCommand === 'string'
  );
}

// EventTime is milliseconds, as an integer or a numeric string (see recallBodySchema).
function toDate(eventTime: unknown): Date | undefined {
  if (typeof eventTime !== 'number' && typeof eventTime !== 'string') return undefined;
  if (typeof eventTime === 'string' && !/^[0-9]{1,15}$/.test(eventTime)) return undefined;
  const date = new Date(Number(eventTime));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function reject(
  code: RecallWebhookError['code'],
  message: string,
): { readonly kind: 'reject'; readonly error: RecallWebhookError } {
  return { kind: 'reject', error: recallError(code, message) };
}
