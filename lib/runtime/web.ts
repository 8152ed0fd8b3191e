// The runtime of every place but Node.js: web standards only, no `node:` module, no Buffer, nothing
// done at module scope but building constants.
import { Emitter } from './emitter.js';
import { hmacSha256, sha256 } from './sha256.js';
import { toBase64, toHex } from './bytes.js';
import { zlibStored } from './zlib.js';
import type { AjvClass, EmitterApi, LogSink } from './types.js';

export function sha256Hex(text: string): string {
  return toHex(sha256(text));
}

export function hmacSha256Base64(key: string, text: string): string {
  return toBase64(hmacSha256(key, text));
}

export const zlibDeflate: (bytes: Uint8Array) => Uint8Array = zlibStored;

export function newEmitter(): EmitterApi {
  return new Emitter();
}

// Deno's and workerd's timers are numbers, and a serverless runtime keeps no process open for them.
export function holdProcess(): void {
  // Nothing to do: see above.
}

/** No Ajv of its own: an app with a JSON Schema passes `ajv`, or a precompiled `{ validate }`. */
export function loadAjv(): AjvClass | undefined {
  return undefined;
}

/** Without `debug`: an app that wants the lines passes `log`. */
export const logSink: LogSink = {
  enabled: false,
  write() {
    // Never called: not enabled.
  },
};
