import type { Platform } from '../protocol/query.js';

// Tencent sends every callback an app enables to its one callback URL, each signed alike
// (protocol.md, "Every other callback on the same URL"): the receiver mounted there authenticates
// a callback of any command from its query, and hands one of another command on with what it
// verified, so that the app's own handler of it needs no check of its own.

/**
 * A callback of a command this receiver does not handle, authenticated as a recall is
 * (`allowFrom`, the query's bounds, `SdkAppid`, `Sign` and `RequestTime`) from its query alone:
 * its body is unread, left to the app's handler. Read it with `verifiedCallback(request)`.
 */
export interface VerifiedCallback {
  /** `CallbackCommand`, as the query has it (`C2C.CallbackBeforeSendMsg`, `State.StateChange`...). */
  readonly command: string;
  /** The `SdkAppid` of the callback: one of the configured ids. */
  readonly sdkAppId: number;
  /** `RequestTime` in seconds, when a `token` is configured and the Sign was verified. */
  readonly requestTime: number | undefined;
  /** Which token signed the callback, its position in the `token` list; undefined with `allowUnsigned`. */
  readonly signedWith: number | undefined;
  /** `ClientIP` from the query, as the query claims it (the Sign does not cover it). */
  readonly clientIp: string | undefined;
  /** `OptPlatform` from the query, raw, when sent. */
  readonly optPlatform: string | undefined;
  /** `OptPlatform` in canonical spelling; `Unknown` if unrecognised. */
  readonly platform: Platform | undefined;
  /** The address of the peer that sent the callback, as `allowFrom` checks it, when known. */
  readonly remoteAddress: string | undefined;
  /** When this receiver got the request. */
  readonly receivedAt: Date;
}

// A registered symbol: two copies of the package in one app (its ES module and CommonJS builds)
// read what either attached. A body parser cannot write a symbol-keyed property.
const KEY = Symbol.for('tencent-chat-recall-webhook.verifiedCallback');

/**
 * Attaches what was verified to the request it was verified on, before the request is handed on.
 * False when the request object takes no property (a frozen one): the app then finds nothing.
 */
export function attachVerified(request: object, callback: VerifiedCallback): boolean {
  try {
    Object.defineProperty(request, KEY, { value: callback, configurable: true, enumerable: false });
    return true;
  } catch {
    return false;
  }
}

/**
 * What the receiver verified of a callback of another command that it handed on: the Express
 * `req` given to the next handler, the `req` or `Request` given to `onUnhandled`. Undefined for a
 * request the receiver did not verify (not a callback, or handed on with `verifyOtherCommands: false`).
 *
 * @example
 * app.use('/im/callback', recall, (req, res) => {
 *   const callback = verifiedCallback(req);
 *   if (callback?.command !== 'C2C.CallbackBeforeSendMsg') return res.status(404).end();
 *   res.json({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 }); // let the message through
 * });
 */
export function verifiedCallback(request: object): VerifiedCallback | undefined {
  const value: unknown = (request as Record<symbol, unknown>)[KEY];
  return typeof value === 'object' && value !== null ? (value as VerifiedCallback) : undefined;
}
