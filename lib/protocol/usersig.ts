import { hmacSha256Base64, zlibDeflate } from '#runtime';
import { toBase64 } from '../runtime/bytes.js';

// The UserSig of Tencent's REST API, TLSSigAPIv2 (protocol.md, "GetIPList: the callback egress
// addresses, and the admin UserSig it needs"; Tencent's own tls-sig-api-v2 does the same):
// an HMAC-SHA256 of the identifier, app, time and lifetime with the app's secret key, in a JSON
// document, deflated, in URL-safe base64 of Tencent's own alphabet.

/** What a UserSig says: who, for which app, from when (Unix seconds) and for how long (seconds). */
export interface UserSigClaims {
  readonly identifier: string;
  readonly sdkAppId: number;
  readonly time: number;
  readonly expire: number;
}

/** The UserSig of `claims`, signed with `secretKey`. */
export function userSig(secretKey: string, { identifier, sdkAppId, time, expire }: UserSigClaims): string {
  const content =
    `TLS.identifier:${identifier}\n` +
    `TLS.sdkappid:${String(sdkAppId)}\n` +
    `TLS.time:${String(time)}\n` +
    `TLS.expire:${String(expire)}\n`;
  const sig = hmacSha256Base64(secretKey, content);
  const document = {
    'TLS.ver': '2.0',
    'TLS.identifier': identifier,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': sig,
  };
  return toBase64(zlibDeflate(new TextEncoder().encode(JSON.stringify(document))))
    .replaceAll('+', '*')
    .replaceAll('/', '-')
    .replaceAll('=', '_');
}
