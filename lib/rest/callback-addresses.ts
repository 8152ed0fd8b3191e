import { holdProcess } from '#runtime';
import { utf8Length } from '../runtime/bytes.js';
import { addressMatcher, coversMostOfAFamily, listMatcher, type AddressCheck } from '../options/address.js';
import { closest, configError, describe, everyEntry, ownOptions } from '../options/checks.js';
import { isFailure, settle } from '../core/async.js';
import type { SdkAppId } from '../options/options.js';
import { canonicalSdkAppId } from '../options/resolve.js';
import { userSig } from '../protocol/usersig.js';
import { describeCause, log, printable } from '../log.js';

// Tencent's callback egress addresses, from the REST API `v4/ConfigSvc/GetIPList` (protocol.md,
// "GetIPList"), kept current. There is no static list, and it "may change because of capacity
// expansion or data-centre changes": a list fetched once refuses genuine callbacks the day it
// changes, and a UserSig kept in an environment variable expires. So each call signs a UserSig of
// its own, a refresh runs on a timer, and a refresh that fails keeps the list in hand.

/** The REST API's host of each of Tencent's data centres, where the app was created. */
export const TENCENT_REGIONS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  korea: 'adminapikr.im.qcloud.com',
  japan: 'adminapijpn.im.qcloud.com',
  germany: 'adminapiger.im.qcloud.com',
  usa: 'adminapiusa.im.qcloud.com',
  indonesia: 'adminapiidn.im.qcloud.com',
} as const;

export type TencentRegion = keyof typeof TENCENT_REGIONS;

/** Options of `tencentCallbackAddresses(options)`. Read once, when it is called. */
export interface TencentCallbackAddressesOptions {
  /** The app's SDKAppID. @example 1400000000 */
  readonly sdkAppId: SdkAppId;

  /** An App admin of the app, as the console lists them: GetIPList answers admins only. @example 'administrator' */
  readonly identifier: string;

  /**
   * The app's secret key from the Chat console, which signs a short-lived UserSig for each call.
   * Never logged, thrown or kept anywhere but here. `undefined` (a variable that is not set) is a
   * `TypeError`.
   * @example process.env.IM_SECRET_KEY
   */
  readonly secretKey: string | undefined;

  /** The app's data centre, whose REST API host is called. Give this or `endpoint`. */
  readonly region?: TencentRegion | undefined;

  /**
   * The REST API's base URL, over `region`: a proxy of your own, or a test's server.
   * @example 'https://adminapisgp.im.qcloud.com'
   */
  readonly endpoint?: string | URL | undefined;

  /**
   * Which list: `5` for a receiver in the Chinese mainland or Hong Kong, `6` for one outside. The
   * two lists differ and the wrong one refuses every callback, so it has no default.
   */
  readonly nettype: 5 | 6;

  /**
   * How often the list is fetched again, in seconds, from 1 to 86400. A refresh that fails is
   * tried again sooner (5 s, then twice as long each time, up to this), keeping the list in hand.
   * @default 3600
   */
  readonly refreshSeconds?: number | undefined;

  /**
   * A list to start from, such as the last one your app saved: the promise then resolves at once,
   * and the list is fetched from Tencent straight away and kept current, as without it. Without it,
   * the promise rejects when the first fetch fails.
   * @default undefined (the first list comes from Tencent)
   */
  readonly initialAddresses?: readonly string[] | undefined;

  /**
   * How long a call to GetIPList may take, in milliseconds, from 1 to 60000.
   * @default 5000
   */
  readonly timeoutMs?: number | undefined;

  /** Called with the error of each refresh that failed (the list in hand stays); what it throws is logged. */
  readonly onRefreshError?: ((error: Error) => unknown) | undefined;
}

/**
 * Tencent's callback egress addresses, as an `allowFrom` check: `true` for an address in the list
 * in hand (an IPv4 entry also matches the IPv4-mapped form). What it holds, for health checks and
 * metrics, and `close()` to stop refreshing.
 */
export interface TencentCallbackAddresses extends AddressCheck {
  /** The addresses and ranges in hand, as Tencent (or `initialAddresses`) gave them. */
  readonly addresses: readonly string[];
  /** When the list in hand was fetched from Tencent; `undefined` while it is `initialAddresses`. */
  readonly fetchedAt: Date | undefined;
  /** Why the last refresh failed; `undefined` once one succeeded. Never holds the key or a UserSig. */
  readonly lastError: Error | undefined;
  /** How many refreshes in a row failed. */
  readonly failures: number;
  /** Stops refreshing, and abandons a call under way; the list in hand keeps answering. */
  close(): void;
}

const DEFAULTS = { refreshSeconds: 3600, timeoutMs: 5000 } as const;
// After a failure: 5 s, then twice as long each time, up to refreshSeconds. At most one call is
// under way, and none sooner than a second after the last: far below Tencent's 200 calls/s.
const FIRST_RETRY_MS = 5000;
// A UserSig lives this long, in seconds: each call signs its own, so a captured one is soon dead.
const USERSIG_LIFETIME_SECONDS = 300;
// GetIPList's answer is a few hundred bytes; no more than this is read.
const MAX_ANSWER_BYTES = 1024 * 1024;

const OPTION_NAMES = [
  'sdkAppId',
  'identifier',
  'secretKey',
  'region',
  'endpoint',
  'nettype',
  'refreshSeconds',
  'initialAddresses',
  'timeoutMs',
  'onRefreshError',
] as const satisfies readonly (keyof TencentCallbackAddressesOptions)[];

/**
 * Fetches Tencent's callback egress addresses for an app and keeps them current, for `allowFrom`.
 * Resolves once the first list is in hand; rejects, with an `Error` naming Tencent's
 * `ErrorCode`/`ErrorInfo` or the HTTP failure, when the first fetch fails (unless
 * `initialAddresses` gives one). Option mistakes throw a `TypeError` that says how to fix them.
 *
 * @example
 * const tencent = await tencentCallbackAddresses({
 *   sdkAppId: 1400000000,
 *   identifier: 'administrator',
 *   secretKey: process.env.IM_SECRET_KEY,
 *   region: 'singapore',
 *   nettype: 6,
 * });
 * const recall = recallWebhook({ sdkAppId: 1400000000, token, allowFrom: tencent });
 */
export async function tencentCallbackAddresses(
  options: TencentCallbackAddressesOptions,
): Promise<TencentCallbackAddresses> {
  const config = resolve(options);
  const state = {
    addresses: [] as readonly string[],
    check: (() => false) as AddressCheck,
    fetchedAt: undefined as Date | undefined,
    lastError: undefined as Error | undefined,
    failures: 0,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
    closing: new AbortController(),
  };
  const hold = (list: GotList): void => {
    state.addresses = list.addresses;
    state.check = list.check;
  };
  const schedule = (ms: number): void => {
    if (state.closing.signal.aborted) return;
    state.timer = setTimeout(refresh, ms);
    holdProcess(state.timer, false);
  };
  const refresh = (): void => {
    void getIpList(config, state.closing.signal).then(
      (list) => {
        hold(list);
        state.fetchedAt = new Date();
        state.lastError = undefined;
        state.failures = 0;
        log('GetIPList refreshed: %d entries', list.addresses.length);
        schedule(config.refreshMs);
      },
      (error: unknown) => {
        if (state.closing.signal.aborted) return;
        state.failures += 1;
        state.lastError = error as Error;
        log(
          'GetIPList refresh failed (%d in a row), keeping the list in hand: %s',
          state.failures,
          describeCause(error),
        );
        reportFailure(config.onRefreshError, error as Error);
        schedule(Math.min(config.refreshMs, FIRST_RETRY_MS * 2 ** (state.failures - 1)));
      },
    );
  };
  if (config.initial === undefined) {
    hold(await getIpList(config, state.closing.signal));
    state.fetchedAt = new Date();
    schedule(config.refreshMs);
  } else {
    hold(config.initial);
    schedule(0);
  }
  const check: AddressCheck = (address) => state.check(address);
  return Object.defineProperties(check, {
    addresses: { get: () => state.addresses, enumerable: true },
    fetchedAt: { get: () => state.fetchedAt, enumerable: true },
    lastError: { get: () => state.lastError, enumerable: true },
    failures: { get: () => state.failures, enumerable: true },
    close: {
      value: () => {
        state.closing.abort();
        clearTimeout(state.timer);
      },
      enumerable: true,
    },
  }) as TencentCallbackAddresses;
}

interface ResolvedOptions {
  readonly sdkAppId: number;
  readonly identifier: string;
  readonly secretKey: string;
  readonly endpoint: URL;
  readonly nettype: 5 | 6;
  readonly refreshMs: number;
  readonly timeoutMs: number;
  readonly initial: GotList | undefined;
  readonly onRefreshError: ((error: Error) => unknown) | undefined;
}

interface GotList {
  readonly addresses: readonly string[];
  readonly check: AddressCheck;
}

function resolve(given: TencentCallbackAddressesOptions): ResolvedOptions {
  const options = ownOptions(given, OPTION_NAMES, {
    notObject:
      "tencentCallbackAddresses(options) needs an options object, e.g. tencentCallbackAddresses({ sdkAppId: 1400000000, identifier: 'administrator', secretKey: process.env.IM_SECRET_KEY, region: 'singapore', nettype: 6 }).",
    of: 'tencentCallbackAddresses',
  });
  const sdkAppId = Number(
    canonicalSdkAppId(options.sdkAppId, 'Set `sdkAppId` to the SDKAppID of your app, e.g. { sdkAppId: 1400000000 }.'),
  );
  const { identifier, secretKey, nettype, onRefreshError } = options as unknown as Record<string, unknown>;
  // A UserID is at most 32 bytes (trtc.io/document/34953).
  if (typeof identifier !== 'string' || identifier === '' || utf8Length(identifier) > 32) {
    throw configError(
      "`identifier` must be an App admin of the app (a UserID of 1 to 32 bytes), as the console lists them, e.g. 'administrator'.",
    );
  }
  if (secretKey === undefined) {
    throw configError(
      '`secretKey` is missing. Pass the secret key from the Chat console, e.g. { secretKey: process.env.IM_SECRET_KEY } (check that the variable is set).',
    );
  }
  if (typeof secretKey !== 'string' || secretKey === '') {
    throw configError('`secretKey` must be the secret key from the Chat console, a string.');
  }
  if (nettype !== 5 && nettype !== 6) {
    throw configError(
      `\`nettype\` must be 5, for a receiver in the Chinese mainland or Hong Kong, or 6, for one outside, got ${describe(nettype)}: the two lists differ, and the wrong one refuses every callback.`,
    );
  }
  if (onRefreshError !== undefined && typeof onRefreshError !== 'function') {
    throw configError('`onRefreshError` must be a function.');
  }
  return {
    sdkAppId,
    identifier,
    secretKey,
    endpoint: resolveEndpoint(options.region, options.endpoint),
    nettype,
    refreshMs: bounded('refreshSeconds', options.refreshSeconds ?? DEFAULTS.refreshSeconds, 1, 86_400) * 1000,
    timeoutMs: bounded('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs, 1, 60_000),
    initial: options.initialAddresses === undefined ? undefined : listOf(options.initialAddresses, 'initialAddresses'),
    onRefreshError: onRefreshError as ((error: Error) => unknown) | undefined,
  };
}

function resolveEndpoint(region: unknown, endpoint: unknown): URL {
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = endpoint instanceof URL ? new URL(endpoint.href) : new URL(typeof endpoint === 'string' ? endpoint : '');
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
      throw configError(
        `\`endpoint\` must be the http(s) URL of Tencent's REST API or of your proxy to it, got ${describe(endpoint)}.`,
      );
    }
    // Shown in errors without them, and never sent: fetch refuses a URL with credentials, and its
    // error then holds the whole URL, a live UserSig and the password included.
    if (url.username !== '' || url.password !== '') {
      throw configError(
        '`endpoint` must not hold a user name or password: a proxy that needs them should take them another way.',
      );
    }
    // Each call carries an admin UserSig in its query: in the clear only to this machine.
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      throw configError(
        `\`endpoint\` must be an https URL, got one on http to ${url.hostname}: each call carries an admin UserSig. ` +
          'Plain http is for a proxy or a test server on this machine (localhost, 127.0.0.1, [::1]).',
      );
    }
    return url;
  }
  const regions = Object.keys(TENCENT_REGIONS);
  if (typeof region === 'string' && Object.hasOwn(TENCENT_REGIONS, region)) {
    return new URL(`https://${TENCENT_REGIONS[region as TencentRegion]}`);
  }
  const guess = typeof region === 'string' ? closest(region, regions) : undefined;
  const hint = guess === undefined ? `one of ${regions.join(', ')}` : `did you mean '${guess}'?`;
  throw configError(
    region === undefined
      ? `\`region\` is missing: give the app's data centre (${regions.join(', ')}), or an \`endpoint\`.`
      : `\`region\` ${describe(region)} is not one of Tencent's data centres: ${hint}`,
  );
}

// Made on first use: nothing is parsed when the package is imported.
let loopback: AddressCheck | undefined;

function isLoopback(hostname: string): boolean {
  // A URL writes an IPv6 host in brackets.
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  loopback ??= addressMatcher(['127.0.0.0/8', '::1']);
  return host === 'localhost' || loopback(host);
}

function bounded(name: string, value: unknown, least: number, most: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < least || value > most) {
    throw configError(`\`${name}\` must be a number from ${String(least)} to ${String(most)}, got ${describe(value)}.`);
  }
  return value;
}

/**
 * A list of addresses, checked whole: a malformed entry fails it, so no list is ever partial; and
 * so does an entry that covers all or most of an address family (`coversMostOfAFamily`), which no
 * list of Tencent's needs: with it, allowFrom would admit anyone.
 */
function listOf(value: unknown, name: string): GotList {
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(`\`${name}\` must be a non-empty list of addresses and CIDR ranges, e.g. ['183.192.202.0/25'].`);
  }
  const addresses = Object.freeze(everyEntry(value)) as readonly string[];
  // Each entry is parsed first, so that a malformed one is named as such.
  const check = listMatcher(addresses, name);
  const broad = addresses.find(coversMostOfAFamily);
  if (broad !== undefined) {
    throw configError(
      `\`${name}\` entry ${describe(broad)} covers all or most of an address family (an IPv4 range wider than /8, ` +
        "an IPv6 range wider than /32): no list of the Chat backend's addresses holds one.",
    );
  }
  return { addresses, check };
}

/** One call to GetIPList, signed now; rejects with an `Error` that never holds the key or the UserSig. */
async function getIpList(config: ResolvedOptions, closing: AbortSignal): Promise<GotList> {
  const url = new URL('/v4/ConfigSvc/GetIPList', config.endpoint);
  const where = `${url.origin}${url.pathname}`;
  const time = Math.floor(Date.now() / 1000);
  url.search = new URLSearchParams({
    sdkappid: String(config.sdkAppId),
    identifier: config.identifier,
    usersig: userSig(config.secretKey, {
      identifier: config.identifier,
      sdkAppId: config.sdkAppId,
      time,
      expire: USERSIG_LIFETIME_SECONDS,
    }),
    // Web Crypto's, which every runtime has (Node.js's as globalThis.crypto).
    random: String(crypto.getRandomValues(new Uint32Array(1))[0]),
    contenttype: 'json',
    nettype: String(config.nettype),
  }).toString();
  // The deadline is a timer holding its own controller, not AbortSignal.timeout(): a timeout
  // signal is held only weakly, by its timer and by AbortSignal.any(), so once the collector runs
  // Node 20 drops it and a call that hangs is never ended, nor is the next refresh scheduled.
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort();
  }, config.timeoutMs);
  const signal = AbortSignal.any([closing, deadline.signal]);
  // Failures are said by code or in words of this package's own, never with what the answer or
  // fetch's error held: an echoing proxy or a URL would put the UserSig there.
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      signal,
      // A redirect would take the call, its UserSig with it, to another host (a 307 sends it again).
      redirect: 'manual',
    });
    if (response.status >= 300 && response.status < 400) {
      await cancel(response);
      throw failure(
        'REDIRECT',
        `${where} answered a redirect (HTTP ${String(response.status)}), which is not followed`,
        {
          status: response.status,
        },
      );
    }
    if (!response.ok) {
      await cancel(response);
      throw failure('HTTP_STATUS', `${where} answered HTTP ${String(response.status)}`, { status: response.status });
    }
    text = await boundedText(response, where);
  } catch (error) {
    if (error instanceof GetIpListError) throw error;
    if (signal.aborted && !closing.aborted)
      throw failure('TIMEOUT', `${where} did not answer within ${String(config.timeoutMs)} ms`);
    // fetch's own error says only "fetch failed"; its cause's code (ECONNREFUSED, ENOTFOUND...)
    // says why. Its message may hold the URL, and is not used.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const why = typeof cause?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(cause.code) ? cause.code : 'fetch failed';
    throw failure('UNREACHABLE', `${where} could not be reached: ${why}`);
  } finally {
    clearTimeout(timer);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw failure('NOT_JSON', `${where} answered something that is not JSON (${String(text.length)} characters)`);
  }
  const { ErrorCode, ErrorInfo, IPList } = (answer ?? {}) as {
    ErrorCode?: unknown;
    ErrorInfo?: unknown;
    IPList?: unknown;
  };
  if (ErrorCode !== 0) {
    const code = typeof ErrorCode === 'number' && Number.isSafeInteger(ErrorCode) ? ErrorCode : undefined;
    const info = typeof ErrorInfo === 'string' ? `: ${withoutCredentials(ErrorInfo)}` : '';
    throw failure(
      'ERROR_CODE',
      `GetIPList answered ErrorCode ${code === undefined ? 'that is not a number' : String(code)}${info}`,
      {
        errorCode: code,
      },
    );
  }
  return answeredList(IPList);
}

/**
 * The list GetIPList answered, checked whole as `listOf` checks one; what is wrong is said by the
 * entry's position, or by the entry once it is known to be an address, never with text the
 * answer chose.
 */
function answeredList(list: unknown): GotList {
  if (!Array.isArray(list) || list.length === 0) {
    throw failure('INVALID_LIST', 'GetIPList answered no IPList, or an empty one');
  }
  const entries = everyEntry(list);
  const bad = entries.findIndex((entry) => !isAddressEntry(entry));
  if (bad !== -1) {
    throw failure(
      'INVALID_LIST',
      `GetIPList answered an IPList whose entry ${String(bad)} is not an address or CIDR range`,
    );
  }
  const broad = (entries as string[]).find(coversMostOfAFamily);
  if (broad !== undefined) {
    throw failure(
      'INVALID_LIST',
      `GetIPList answered an IPList whose entry ${broad} covers all or most of an address family, which no list of the Chat backend's addresses holds`,
    );
  }
  return listOf(entries, 'IPList');
}

function isAddressEntry(entry: unknown): boolean {
  try {
    addressMatcher([entry as string]);
    return true;
  } catch {
    return false;
  }
}

// Tencent's ErrorInfo is a sentence ("UserSig expired"); a run like this one is a signature, a key
// or a URL's query, which an echoing proxy would put there.
const CREDENTIAL_LIKE = /[A-Za-z0-9*+/=_-]{32,}/g;

/** An ErrorInfo on one line, at most 120 characters, with anything that may be a credential cut out. */
function withoutCredentials(info: string): string {
  return printable(info.slice(0, 120).replace(CREDENTIAL_LIKE, '(removed)'));
}

/** Why a call to GetIPList failed, as `GetIpListError`'s stable `code`. */
export type GetIpListErrorCode =
  'UNREACHABLE' | 'TIMEOUT' | 'REDIRECT' | 'HTTP_STATUS' | 'TOO_LARGE' | 'NOT_JSON' | 'ERROR_CODE' | 'INVALID_LIST';

/**
 * A failed call to GetIPList: what `tencentCallbackAddresses()` rejects with when the first call
 * fails, and what `lastError` and `onRefreshError` get for a failed refresh. `code` says which
 * step failed; the message is this package's own words (with Tencent's `ErrorInfo`, cut short and
 * without anything that may be a credential), never the key, a UserSig or the answer's text.
 */
export class GetIpListError extends Error {
  override readonly name = 'GetIpListError';
  /** The HTTP status of a `REDIRECT` or `HTTP_STATUS` answer. */
  readonly status: number | undefined;
  /** Tencent's `ErrorCode`, for `ERROR_CODE`: 70001 is an expired UserSig, for instance. */
  readonly errorCode: number | undefined;

  constructor(
    readonly code: GetIpListErrorCode,
    message: string,
    details: { readonly status?: number | undefined; readonly errorCode?: number | undefined } = {},
  ) {
    super(message);
    this.status = details.status;
    this.errorCode = details.errorCode;
  }
}

function failure(
  code: GetIpListErrorCode,
  message: string,
  details?: ConstructorParameters<typeof GetIpListError>[2],
): GetIpListError {
  return new GetIpListError(code, `tencent-chat-recall-webhook: ${message}`, details);
}

/** Drops an answer's body that is not read; a failure to do so changes nothing. */
async function cancel(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

async function boundedText(response: Response, where: string): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk: Uint8Array = read.value as Uint8Array;
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw failure('TOO_LARGE', `${where} answered more than ${String(MAX_ANSWER_BYTES)} bytes`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** Calls the app's onRefreshError, which may throw or reject: that is logged, never thrown. */
function reportFailure(onRefreshError: ((error: Error) => unknown) | undefined, error: Error): void {
  if (onRefreshError === undefined) return;
  const failed = (outcome: unknown): void => {
    if (isFailure(outcome)) log('onRefreshError failed: %s', describeCause(outcome.cause));
  };
  const outcome = settle(() => onRefreshError(error));
  if (outcome instanceof Promise) void outcome.then(failed);
  else failed(outcome);
}
