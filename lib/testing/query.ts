import type { SdkAppId } from '../options/options.js';
import { RECALL_COMMAND } from '../protocol/commands.js';
import { sign } from '../protocol/signature.js';

export interface CallbackQueryOptions {
  /** The SdkAppid to send. */
  readonly sdkAppId: SdkAppId;
  /** Sign the query with this token (adds `RequestTime` and `Sign`). */
  readonly token?: string | undefined;
  /** `RequestTime` in seconds, when signing. @default now */
  readonly requestTime?: number | string | undefined;
  /** @default 'RESTAPI' */
  readonly optPlatform?: string | undefined;
  /** @default '127.0.0.1' */
  readonly clientIp?: string | undefined;
  /** @default 'C2C.CallbackAfterMsgWithDraw' */
  readonly callbackCommand?: string | undefined;
}

/**
 * The query string the Chat backend puts on a callback URL (without the `?`), in the order of
 * the protocol page's sample, signed like the Chat backend when a token is given.
 */
export function callbackQuery(options: CallbackQueryOptions): string {
  const params = new URLSearchParams({
    SdkAppid: String(options.sdkAppId),
    CallbackCommand: options.callbackCommand ?? RECALL_COMMAND,
    contenttype: 'json',
    ClientIP: options.clientIp ?? '127.0.0.1',
    OptPlatform: options.optPlatform ?? 'RESTAPI',
  });
  if (options.token !== undefined) {
    const requestTime = String(options.requestTime ?? Math.floor(Date.now() / 1000));
    params.set('RequestTime', requestTime);
    params.set('Sign', sign(options.token, requestTime));
  }
  return params.toString();
}
