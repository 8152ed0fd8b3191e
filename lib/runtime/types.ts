import type { Ajv } from 'ajv';

// What each runtime build provides: ./node.ts on Node.js, ./web.ts everywhere else (Workers, the
// edge, Deno, Bun, bundlers). The shared layers import these through `#runtime`, which the build
// (scripts/build.ts) resolves to one of them in each build, and package.json's exports pick the
// build by the runtime's conditions; nothing else in lib/ outside
// cli/, testing/ and the Node adapters may import a `node:` module (eslint.config.js says so).

/** Where log lines go, before the `log` option: `debug` on Node.js, nowhere elsewhere. */
export interface LogSink {
  /** Whether a line would be written: read on every decision, so it may change at run time. */
  readonly enabled: boolean;
  /** Writes a line of printf-style `format` (`%s`, `%d`) with its arguments, already escaped. */
  write(format: string, args: readonly (string | number)[]): void;
}

/** Ajv's class, as the `ajv` package exports it. */
export type AjvClass = typeof Ajv;

/** The part of an event emitter the receivers use and RecallEmitter types. */
export interface EmitterApi {
  on(event: string, listener: (...args: unknown[]) => unknown): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  rawListeners(event: string): readonly unknown[];
  listenerCount(event: string): number;
}

/**
 * The interface both builds implement, which test/runtime/pure.test.ts type-checks them against.
 * @internal
 */
export interface Runtime {
  /** The lowercase hex SHA-256 of `text`'s UTF-8, synchronously. */
  sha256Hex(text: string): string;
  /** The base64 HMAC-SHA256 of `text`'s UTF-8 with `key`'s. */
  hmacSha256Base64(key: string, text: string): string;
  /** `bytes` as a zlib stream (RFC 1950). */
  zlibDeflate(bytes: Uint8Array): Uint8Array;
  /** A new emitter with Node's EventEmitter API. */
  newEmitter(): EmitterApi;
  /**
   * Whether an armed timer holds the process open (Node's `ref`/`unref`); nothing where timers
   * are numbers or a process never waits for them.
   */
  holdProcess(timer: ReturnType<typeof setTimeout>, hold: boolean): void;
  /**
   * Ajv, loaded on the first JSON Schema an app gives without an `ajv` of its own; undefined where
   * the package loads none (bundles stay small, and a Worker cannot compile one anyway).
   */
  loadAjv(): AjvClass | undefined;
  /** Where log lines go when the app gives no `log`. */
  readonly logSink: LogSink;
}
