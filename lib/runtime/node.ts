// The runtime of Node.js: node:crypto's one-shot hash, node:zlib, node:events, timers that let the
// process go, and `debug`, loaded the first time a line could be written and only when the
// DEBUG variable is set, so that an app that does not log pays nothing for it at start. node:crypto
// and node:zlib are loaded when first used too: importing them is milliseconds of every cold start
// (node:zlib serves only the UserSig of tencentCallbackAddresses).
import type * as Crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type * as Zlib from 'node:zlib';
import type { Debugger } from 'debug';
import { load } from './load.js';
import { toHex } from './bytes.js';
import { sha256 as plainSha256 } from './sha256.js';
import type { AjvClass, EmitterApi, LogSink } from './types.js';

/**
 * Hex SHA-256 of a string's UTF-8 with `hash`, the one-shot digest (faster than `createHash`),
 * which came in Node.js 20.12; without it, with `createHash`, which every Node.js 20 has.
 * @internal
 */
export function sha256HexWith(hash: typeof Crypto.hash | undefined): (data: string) => string {
  return typeof hash === 'function'
    ? (data) => hash('sha256', data, 'hex')
    : (data) => crypto().createHash('sha256').update(data, 'utf8').digest('hex');
}

let cryptoModule: typeof Crypto | undefined;

function crypto(): typeof Crypto {
  cryptoModule ??= load('node:crypto') as typeof Crypto;
  return cryptoModule;
}

// node:crypto's hash once it is loaded (`crypto.hash` is undefined on the Node.js 20 releases
// before 20.12). The first hash of a process is the plain one of the web build, and node:crypto is
// loaded right after, off the path of the request that needed it: loading it is 3 ms of the first
// answer of a cold start, and the Sign cache leaves a receiver few hashes to make.
let sha256: ((data: string) => string) | undefined;
let loading = false;

export function sha256Hex(text: string): string {
  if (sha256 !== undefined) return sha256(text);
  if (!loading) {
    loading = true;
    setImmediate(() => {
      sha256 = sha256HexWith(crypto().hash);
    }).unref();
  }
  return toHex(plainSha256(text));
}

export function hmacSha256Base64(key: string, text: string): string {
  return crypto().createHmac('sha256', key).update(text).digest('base64');
}

export function zlibDeflate(bytes: Uint8Array): Uint8Array {
  return (load('node:zlib') as typeof Zlib).deflateSync(bytes);
}

export function newEmitter(): EmitterApi {
  return new EventEmitter();
}

export function holdProcess(timer: ReturnType<typeof setTimeout>, hold: boolean): void {
  if (hold) timer.ref();
  else timer.unref();
}

// The same type as the web runtime's, where there is no Ajv.
export function loadAjv(): AjvClass | undefined {
  return (load('ajv') as { Ajv: AjvClass }).Ajv;
}

const NAMESPACE = 'tencent-chat-recall-webhook';

// undefined until first asked; null when DEBUG was empty then (debug reads it when it loads, so a
// process started without it logs nothing either way).
let debug: Debugger | null | undefined;

function currentDebugger(): Debugger | null {
  if (debug === undefined) {
    const wanted = process.env.DEBUG;
    debug =
      wanted === undefined || wanted === '' ? null : (load('debug') as (namespace: string) => Debugger)(NAMESPACE);
  }
  return debug;
}

/** `DEBUG=tencent-chat-recall-webhook`, through `debug`. */
export const logSink: LogSink = {
  get enabled() {
    return currentDebugger()?.enabled === true;
  },
  write(format, args) {
    currentDebugger()?.(format, ...args);
  },
};
