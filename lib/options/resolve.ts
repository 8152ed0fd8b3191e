import { addressMatcher } from './address.js';
import { configError, describe, everyEntry, hasMethods, nonNegative, ownOptions, resolveTimeout } from './checks.js';
import { appLog, describeCause, log as runtimeLog, type Log } from '../log.js';
import { createEmitter, type RecallEmitter } from '../core/events.js';
import type { RecallWebhookOptions, DedupeOptions } from './options.js';
import { resolveCommands } from './commands.js';
import { recallQuerySchema } from '../protocol/schemas.js';
import { SchemaCompiler } from './schemas.js';
import { signatureVerifier, type SignatureVerifier } from '../protocol/signature.js';
import type { ResolvedConfig, ResolvedDedupe } from '../core/config.js';
import type { DedupeStore } from '../core/dedupe-store.js';
import { TimerQueue } from '../core/timer-queue.js';

const DEFAULTS = {
  toleranceSeconds: 60,
  timeoutMs: 1500,
  bodyTimeoutMs: 1000,
  limit: '16kb',
} as const;

/** @internal */
export const OPTION_NAMES = [
  'sdkAppId',
  'token',
  'allowUnsigned',
  'allowFrom',
  'verifyOtherCommands',
  'toleranceSeconds',
  'timeoutMs',
  'bodyTimeoutMs',
  'limit',
  'commands',
  'schema',
  'schemas',
  'querySchema',
  'ajv',
  'emitter',
  'dedupe',
  'log',
] as const satisfies readonly (keyof RecallWebhookOptions)[];

// Tencent's token is 1 to 128 characters (Chat console, callback authentication).
const MAX_TOKEN_LENGTH = 128;
// Tencent's window is one minute either way; ten times that still refuses a URL captured long ago.
const MAX_TOLERANCE_SECONDS = 600;

/**
 * Checks the options a factory was given and turns them into a `ResolvedConfig`. They are read as
 * own properties only, and each name must be a shared option or one of `adapterOptions`, the
 * factory's own (which its adapter reads). Throws a `TypeError` that says how to fix a mistake,
 * naming `factory`.
 */
export function resolveConfig(
  given: RecallWebhookOptions,
  factory = 'recallWebhook',
  adapterOptions: readonly string[] = [],
): ResolvedConfig {
  const options = ownOptions(given, [...OPTION_NAMES, ...adapterOptions], {
    notObject: `${factory}(options) needs an options object, e.g. ${factory}({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN }).`,
    of: factory,
  });
  const compiler = SchemaCompiler.of(options.ajv);
  const log = resolveLog(options.log);
  const timeoutMs = resolveTimeout('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
  return {
    sdkAppIds: resolveSdkAppIds(options.sdkAppId),
    verifySign: resolveVerifier(options.token, options.allowUnsigned),
    allowFrom: resolveAllowFrom(options.allowFrom, log),
    toleranceMs: resolveTolerance(options.toleranceSeconds ?? DEFAULTS.toleranceSeconds) * 1000,
    timeoutMs,
    // The body arrives within the request's deadline too: within `bodyTimeoutMs`, or `timeoutMs`
    // if that is shorter, from when the receiver is handed the request.
    bodyDeadlines: new TimerQueue(
      Math.min(timeoutMs, resolveTimeout('bodyTimeoutMs', options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs)),
      log,
    ),
    limitBytes: resolveLimit(options.limit ?? DEFAULTS.limit),
    validateQuery:
      options.querySchema === undefined
        ? undefined
        : compiler.validator('querySchema', options.querySchema, recallQuerySchema, undefined),
    verifyOthers: resolveBoolean('verifyOtherCommands', options.verifyOtherCommands, true),
    commands: resolveCommands(options, compiler),
    emitter: resolveEmitter(options.emitter),
    dedupe: resolveDedupe(options.dedupe),
    log,
  };
}

function resolveSdkAppIds(option: unknown): ReadonlySet<string> {
  const hint = 'Set `sdkAppId` to the SDKAppID of your app in the Chat console, e.g. { sdkAppId: 1400000000 }.';
  if (option === undefined || option === null) throw configError(`\`sdkAppId\` is required. ${hint}`);
  const list = Array.isArray(option) ? everyEntry(option) : [option];
  if (list.length === 0) throw configError(`\`sdkAppId\` is an empty list. ${hint}`);
  return new Set(list.map((id) => canonicalSdkAppId(id, hint)));
}

// The query carries SdkAppid as digits; events give it as a number, so it must be a safe integer.
export function canonicalSdkAppId(id: unknown, hint: string): string {
  const why = sdkAppIdProblem(id);
  if (why !== undefined) throw configError(`\`sdkAppId\` ${describe(id)} ${why}. ${hint}`);
  return String(id);
}

function sdkAppIdProblem(id: unknown): string | undefined {
  const tooLarge = `is larger than JavaScript's largest safe integer (${String(Number.MAX_SAFE_INTEGER)}), so no event could carry it as a number; SDKAppIDs have 10 digits`;
  if (typeof id === 'number') {
    if (!Number.isInteger(id)) return 'is not a whole number';
    if (id <= 0) return 'is not positive';
    return Number.isSafeInteger(id) ? undefined : tooLarge;
  }
  if (typeof id !== 'string') return 'is not a number or a string of digits';
  if (!/^[0-9]+$/.test(id)) return 'is not a whole number written in digits';
  if (id.startsWith('0')) return 'starts with 0, so it is not how the query writes an SDKAppID';
  return Number.isSafeInteger(Number(id)) ? undefined : tooLarge;
}

function resolveBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw configError(`\`${name}\` must be true or false.`);
  return value;
}

function resolveVerifier(token: unknown, allowUnsigned: unknown): SignatureVerifier | undefined {
  const unsigned = resolveBoolean('allowUnsigned', allowUnsigned, false);
  if (token === undefined) {
    if (unsigned) return undefined;
    throw configError(
      '`token` is missing. Pass the callback authentication token from the Chat console, e.g. ' +
        '{ token: process.env.IM_CALLBACK_TOKEN } (check that the variable is set), or, only if ' +
        'authentication is off in the console, { allowUnsigned: true } to accept unsigned callbacks.',
    );
  }
  if (unsigned) {
    throw configError(
      '`token` and `allowUnsigned: true` contradict each other: with a token, every callback is signed.',
    );
  }
  return signatureVerifier(resolveTokens(token));
}

// Tencent's console holds one token; while it changes, the old and the new one both sign
// (protocol.md, "The callback token changes"). Four leave room for two apps rotating at once, and
// keep the cost of checking a Sign against every one of them small.
const MAX_TOKENS = 4;

function resolveTokens(option: unknown): readonly string[] {
  const entry = 'the callback authentication token from the Chat console (1 to 128 characters)';
  if (!Array.isArray(option)) {
    if (!isToken(option)) throw configError(`\`token\` must be ${entry}.`);
    return [option];
  }
  const list = everyEntry(option);
  if (list.length === 0) {
    throw configError(
      `\`token\` is an empty list. Pass ${entry}, or while it changes the old and the new one, e.g. ` +
        '{ token: [process.env.IM_CALLBACK_TOKEN, process.env.IM_CALLBACK_TOKEN_NEXT] }.',
    );
  }
  if (list.length > MAX_TOKENS) {
    throw configError(
      `\`token\` lists ${String(list.length)} tokens; at most ${String(MAX_TOKENS)}: while the console's token changes, ` +
        'the old and the new one.',
    );
  }
  // Entries are named by position only: a message never holds a token.
  list.forEach((token, index) => {
    if (token === undefined) {
      throw configError(
        `\`token[${String(index)}]\` is missing (check that the variable is set): it must be ${entry}.`,
      );
    }
    if (!isToken(token)) throw configError(`\`token[${String(index)}]\` must be ${entry}.`);
    const first = list.indexOf(token);
    if (first !== index) {
      throw configError(
        `\`token[${String(index)}]\` is the same as \`token[${String(first)}]\`: list each token once (the old and the new one).`,
      );
    }
  });
  // `list` is a copy already: the app's list may change later, the receiver's does not.
  return list as string[];
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH;
}

function resolveAllowFrom(option: unknown, log: Log): ((address: string | undefined) => boolean) | undefined {
  if (option === undefined) return undefined;
  const check =
    typeof option === 'function' ? (option as (address: string) => unknown) : addressMatcher(option as string[]);
  // The app's function may throw or return anything: only `true` lets a peer in.
  return (address) => {
    if (address === undefined) return false;
    try {
      return check(address) === true;
    } catch (cause) {
      log('allowFrom threw for %s, so it is refused: %s', address, describeCause(cause));
      return false;
    }
  };
}

/** The `log` option: the app's function, or the runtime's log (`debug` on Node.js). */
function resolveLog(option: unknown): Log {
  if (option === undefined) return runtimeLog;
  if (typeof option !== 'function') {
    throw configError('`log` must be a function that takes a line, e.g. { log: (line) => logger.debug(line) }.');
  }
  return appLog(option as (line: string) => unknown);
}

function resolveTolerance(value: unknown): number {
  const seconds = nonNegative('toleranceSeconds', value);
  if (seconds > MAX_TOLERANCE_SECONDS) {
    throw configError(
      `\`toleranceSeconds\` is at most ${String(MAX_TOLERANCE_SECONDS)}, got ${describe(value)}: Tencent's rule is 60, and a ` +
        'wider window lets a captured callback URL be used for longer. Synchronise the clock (NTP) instead.',
    );
  }
  return seconds;
}

const SIZE = /^([0-9]+(?:\.[0-9]+)?) ?(b|kb|mb|gb)$/i;
const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

// A size needs its unit: `'16k'` read as 16 bytes (what a lenient parser does) would refuse every callback.
function resolveLimit(value: unknown): number {
  const size = typeof value === 'string' ? SIZE.exec(value.trim()) : null;
  const parsed =
    size === null ? value : Math.floor(Number(size[1]) * (UNITS[(size[2] ?? '').toLowerCase()] ?? Number.NaN));
  if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw configError(
      `\`limit\` must be a positive number of bytes or a size with its unit (b, kb, mb, gb) such as '16kb', got ${describe(value)}.`,
    );
  }
  return parsed;
}

function resolveEmitter(emitter: unknown): RecallEmitter {
  if (emitter === undefined) return createEmitter();
  if (!hasMethods(emitter, ['on', 'emit', 'rawListeners', 'listenerCount'])) {
    throw configError('`emitter` must be an EventEmitter (from node:events).');
  }
  return emitter as RecallEmitter;
}

const DEDUPE_DEFAULTS = { ttlSeconds: 3600, failOpen: false, storeTimeoutMs: 500 } as const;
const MAX_TTL_SECONDS = 30 * 24 * 3600;

const DEDUPE_OPTION_NAMES = [
  'store',
  'ttlSeconds',
  'failOpen',
  'storeTimeoutMs',
] as const satisfies readonly (keyof DedupeOptions)[];

/** @internal */
export function resolveDedupe(given: DedupeOptions | undefined): ResolvedDedupe | undefined {
  if (given === undefined) return undefined;
  const option = ownOptions(given, DEDUPE_OPTION_NAMES, {
    notObject: '`dedupe` must be an object such as { store: memoryStore() }.',
    where: 'dedupe.',
  });
  const ttlSeconds = nonNegative('dedupe.ttlSeconds', option.ttlSeconds ?? DEDUPE_DEFAULTS.ttlSeconds);
  if (ttlSeconds === 0) throw configError('`dedupe.ttlSeconds` must be more than 0.');
  if (ttlSeconds > MAX_TTL_SECONDS) {
    throw configError(
      `\`dedupe.ttlSeconds\` is at most ${String(MAX_TTL_SECONDS)} (30 days), got ${describe(option.ttlSeconds)}: ` +
        'a retry follows its timeout within seconds, so a longer claim only holds memory, and past ' +
        'its range Redis refuses every claim.',
    );
  }
  const failOpen: unknown = option.failOpen ?? DEDUPE_DEFAULTS.failOpen;
  if (typeof failOpen !== 'boolean') throw configError('`dedupe.failOpen` must be true or false.');
  return {
    store: resolveStore(option.store),
    ttlMs: Math.ceil(ttlSeconds * 1000),
    failOpen,
    storeTimeoutMs: resolveTimeout('dedupe.storeTimeoutMs', option.storeTimeoutMs ?? DEDUPE_DEFAULTS.storeTimeoutMs),
  };
}

function resolveStore(store: unknown): DedupeStore {
  if (!hasMethods(store, ['claim', 'release'])) {
    throw configError(
      '`dedupe.store` must be a store with claim() and release(), such as memoryStore() or redisStore(client).',
    );
  }
  return store as DedupeStore;
}
