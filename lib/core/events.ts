import { EventEmitter } from 'node:events';
import type { RecallWebhookError } from './errors.js';
import type { Platform } from '../protocol/query.js';
import type { RecallBody } from '../protocol/commands.js';

/** What a `'recall'` listener receives: one validated, authenticated recall callback. */
export interface RecallEvent {
  /** The validated callback body, protocol field names, as received. */
  readonly body: RecallBody;
  /** The `SdkAppid` of the callback: one of the configured ids. */
  readonly sdkAppId: number;
  /**
   * The address of the peer that sent the callback, as `allowFrom` checks it: Express's `req.ip`,
   * the socket's peer for `recallNodeHandler`, or the fetch handler's `remoteAddress`.
   */
  readonly remoteAddress: string | undefined;
  /**
   * `ClientIP` from the query: the IP of the client that recalled, as the query claims it (the Sign
   * does not cover it). Not the sender of the callback: see `remoteAddress`.
   */
  readonly clientIp: string | undefined;
  /** `OptPlatform` from the query, raw, when sent. */
  readonly optPlatform: string | undefined;
  /** `OptPlatform` in canonical spelling (`macOS` is `Mac`, `IPad` is `iPad`); `Unknown` if unrecognised. */
  readonly platform: Platform | undefined;
  /** `RequestTime` in seconds, when a `token` is configured and the Sign was verified. */
  readonly requestTime: number | undefined;
  /** `EventTime` as a `Date`, when the body carries it. */
  readonly eventTime: Date | undefined;
  /** When this receiver got the request. */
  readonly receivedAt: Date;
}

/**
 * The events and their listeners.
 * - `'recall'`: a valid, authentic recall. The answer waits for every listener, async ones too,
 *   up to `timeoutMs`; a listener that throws or rejects makes the answer FAIL.
 * - `'rejected'`: a callback of this command was refused; the error says why, and from which
 *   address it came (`remoteAddress`). Emitted after the answer is decided, for logging and
 *   metrics; having no listener is fine.
 * - `'duplicate'`: with the `dedupe` option, a recall that was already handled (or is being
 *   handled) arrived again; it is answered OK and not emitted as `'recall'`. For logging and
 *   metrics, like `'rejected'`.
 *
 * Listeners of `'rejected'` and `'duplicate'` cannot change the answer: a throw, a rejection or a
 * promise that never settles is logged, or ignored, never waited for.
 */
export interface RecallEventListeners {
  recall: (event: RecallEvent) => unknown;
  // Listeners of these may be async: what they return is observed, never waited for.
  rejected: (error: RecallWebhookError) => unknown;
  duplicate: (event: RecallEvent) => unknown;
}

export type RecallEventName = keyof RecallEventListeners;

/**
 * An `EventEmitter` whose event names and listener types are checked at compile time, so
 * `events.on('recal', ...)` does not compile. At run time it is a plain `EventEmitter` (or the
 * one passed as the `emitter` option).
 */
export interface RecallEmitter {
  on<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  addListener<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  prependListener<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  once<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  prependOnceListener<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  off<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  removeListener<E extends RecallEventName>(event: E, listener: RecallEventListeners[E]): this;
  removeAllListeners(event?: RecallEventName): this;
  listenerCount(event: RecallEventName): number;
  listeners<E extends RecallEventName>(event: E): RecallEventListeners[E][];
  rawListeners<E extends RecallEventName>(event: E): RecallEventListeners[E][];
  emit<E extends RecallEventName>(event: E, ...args: Parameters<RecallEventListeners[E]>): boolean;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
}

/** The minimum an `emitter` option must offer: Node's `EventEmitter` API. */
export type EmitterLike = Pick<EventEmitter, 'on' | 'emit' | 'rawListeners' | 'listenerCount'>;

export function createEmitter(): RecallEmitter {
  return new EventEmitter() as unknown as RecallEmitter;
}
