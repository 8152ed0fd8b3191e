import bytes from 'bytes';
import type { Ajv, ValidateFunction } from 'ajv';
import { configError } from './config-error.js';
import { createEmitter, type RecallEmitter } from './events.js';
import type { RecallWebhookOptions } from './options.js';
import { recallBodySchema } from './schema/body.js';
import { compileSchema, defaultAjv, resolveSchema } from './schema/compile.js';
import { recallQuerySchema } from './schema/query.js';
import { signatureVerifier, type SignatureVerifier } from './signature.js';
import { resolveDedupe, type ResolvedDedupe } from './dedupe-config.js';
import { describe, hasMethods, nonNegative, rejectUnknownOptions, resolveTimeout } from './option-checks.js';

/** Everything a request needs, worked out once when the middleware is created. */
export interface ResolvedConfig {
  /** The accepted `SdkAppid` values, as the decimal strings the query carries. */
  readonly sdkAppIds: ReadonlySet<string>;
  /** Checks Sign against the token; undefined when no token is configured. */
  readonly verifySign: SignatureVerifier | undefined;
  readonly toleranceMs: number;
  readonly timeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly limitBytes: number;
  readonly validateQuery: ValidateFunction;
  readonly validateBody: ValidateFunction;
  readonly emitter: RecallEmitter;
  /** Where claims on recalls are kept; undefined when every delivery is emitted. */
  readonly dedupe: ResolvedDedupe | undefined;
}

const DEFAULTS = {
  toleranceSeconds: 60,
  timeoutMs: 1500,
  bodyTimeoutMs: 1000,
  limit: '16kb',
} as const;

export const OPTION_NAMES = [
  'sdkAppId',
  'token',
  'toleranceSeconds',
  'timeoutMs',
  'bodyTimeoutMs',
  'limit',
  'schema',
  'querySchema',
  'ajv',
  'emitter',
  'dedupe',
] as const satisfies readonly (keyof RecallWebhookOptions)[];

// Tencent's token is 1 to 128 characters (Chat console, callback authentication).
const MAX_TOKEN_LENGTH = 128;

/** Checks the options and turns them into a `ResolvedConfig`. Throws a `TypeError` that says how to fix a mistake. */
export function resolveConfig(options: RecallWebhookOptions): ResolvedConfig {
  // Checked as unknown: JavaScript callers get no help from the types.
  const given: unknown = options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw configError('recallWebhook(options) needs an options object, e.g. recallWebhook({ sdkAppId: 1400000000 }).');
  }
  rejectUnknownOptions(options, OPTION_NAMES);
  const ajv: unknown = options.ajv ?? defaultAjv();
  if (!hasMethods(ajv, ['compile'])) {
    throw configError('`ajv` must be an Ajv instance, e.g. new Ajv().');
  }
  const compiler = ajv as Ajv;
  return {
    sdkAppIds: resolveSdkAppIds(options.sdkAppId),
    verifySign: resolveVerifier(options.token),
    toleranceMs: nonNegative('toleranceSeconds', options.toleranceSeconds ?? DEFAULTS.toleranceSeconds) * 1000,
    timeoutMs: resolveTimeout('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs),
    bodyTimeoutMs: resolveTimeout('bodyTimeoutMs', options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs),
    limitBytes: resolveLimit(options.limit ?? DEFAULTS.limit),
    validateQuery: compileSchema(
      compiler,
      'querySchema',
      resolveSchema('querySchema', options.querySchema, recallQuerySchema),
    ),
    validateBody: compileSchema(compiler, 'schema', resolveSchema('schema', options.schema, recallBodySchema)),
    emitter: resolveEmitter(options.emitter),
    dedupe: resolveDedupe(options.dedupe),
  };
}

function resolveSdkAppIds(option: unknown): ReadonlySet<string> {
  const hint = 'Set `sdkAppId` to the SDKAppID of your app in the Chat console, e.g. { sdkAppId: 1400000000 }.';
  if (option === undefined || option === null) throw configError(`\`sdkAppId\` is required. ${hint}`);
  const list: readonly unknown[] = Array.isArray(option) ? option : [option];
  if (list.length === 0) throw configError(`\`sdkAppId\` is an empty list. ${hint}`);
  return new Set(list.map((id) => canonicalSdkAppId(id, hint)));
}

// The query carries SdkAppid as digits; events give it as a number, so it must be a safe integer.
function canonicalSdkAppId(id: unknown, hint: string): string {
  const text = typeof id === 'number' ? String(id) : id;
  if (typeof text !== 'string' || !/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw configError(`\`sdkAppId\` ${describe(id)} is not an SDKAppID (a positive whole number). ${hint}`);
  }
  return text;
}

function resolveVerifier(token: unknown): SignatureVerifier | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw configError(
      '`token` must be the callback authentication token from the Chat console (1 to 128 characters), ' +
        'or left out to accept unsigned callbacks.',
    );
  }
  return signatureVerifier(token);
}

function resolveLimit(value: unknown): number {
  const parsed = typeof value === 'string' ? bytes.parse(value) : value;
  if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed) || parsed < 0) {
    throw configError(`\`limit\` must be a number of bytes or a size such as '16kb', got ${describe(value)}.`);
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
