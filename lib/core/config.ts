import type { CommandDefinition } from '../protocol/commands.js';
import type { Validator } from '../protocol/schemas.js';
import type { SignatureVerifier } from '../protocol/signature.js';
import type { RecallEmitter } from './events.js';
import type { TimerQueue } from './timer-queue.js';
import type { DedupeStore } from './dedupe-store.js';
import type { Log } from '../log.js';

// What one callback's path runs on: options/ checks the public options and resolves them into
// these, once, when a receiver is created; the store is the app's, behind DedupeStore.

/** Everything a request needs, worked out once when the middleware is created. */
export interface ResolvedConfig {
  /** The accepted `SdkAppid` values, as the decimal strings the query carries. */
  readonly sdkAppIds: ReadonlySet<string>;
  /** Checks Sign against the token; undefined when the app allowed unsigned callbacks. */
  readonly verifySign: SignatureVerifier | undefined;
  /** Whether a peer may send callbacks; undefined when any may. Never throws. */
  readonly allowFrom: ((address: string | undefined) => boolean) | undefined;
  readonly toleranceMs: number;
  readonly timeoutMs: number;
  /** The deadlines of body reads, `bodyTimeoutMs` each, on one timer for all of the receiver's requests. */
  readonly bodyDeadlines: TimerQueue;
  readonly limitBytes: number;
  /**
   * The app's own query schema, checked on the whole query once a callback is authentic; undefined
   * without one: the default schema's checks run on the protocol's parameters before anything else.
   */
  readonly validateQuery: Validator | undefined;
  /**
   * Whether a callback of another command is authenticated before it is handed on (and a signed
   * check of the URL answered); `verifyOtherCommands: false` hands every other request on untouched.
   */
  readonly verifyOthers: boolean;
  /** The commands this receiver answers, by `CallbackCommand`; every other command is handed on. */
  readonly commands: ReadonlyMap<string, ResolvedCommand>;
  readonly emitter: RecallEmitter;
  /** Where claims on recalls are kept; undefined when every delivery is emitted. */
  readonly dedupe: ResolvedDedupe | undefined;
  /** Where decisions are logged: the app's `log`, or the runtime's default. */
  readonly log: Log;
}

/** A command this receiver answers, with its body schema compiled. */
export interface ResolvedCommand {
  readonly definition: CommandDefinition;
  readonly validateBody: Validator;
}

/** The `dedupe` option, checked and with its defaults. */
export interface ResolvedDedupe {
  readonly store: DedupeStore;
  readonly ttlMs: number;
  readonly failOpen: boolean;
  readonly storeTimeoutMs: number;
}
