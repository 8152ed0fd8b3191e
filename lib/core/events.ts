import { newEmitter } from '#runtime';
import type { EmitterApi } from '../runtime/types.js';
import type { RecallWebhookError } from './errors.js';
import type { Platform } from '../protocol/query.js';
import type {
  C2CConversation,
  Conversation,
  GROUP_RECALL_COMMAND,
  GroupConversation,
  GroupRecallBody,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  OfficialAccountConversation,
  OfficialAccountRecallBody,
  RECALL_COMMAND,
  RecallBody,
  RecallCommand,
  RecalledMessage,
} from '../protocol/commands.js';

/** What every recall event carries, whatever its command: where it came from and when. */
export interface RecallContext {
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
  /**
   * Which token signed the callback: its position in the `token` list (always 0 for a single
   * token); undefined with `allowUnsigned`. While the console's token changes, it tells when
   * callbacks signed with the old one stop arriving.
   */
  readonly signedWith: number | undefined;
  /** `EventTime` as a `Date`, when the body carries it. */
  readonly eventTime: Date | undefined;
  /** When this receiver got the request. */
  readonly receivedAt: Date;
}

/**
 * A recall of one command, read the same way as every other: which messages of which conversation
 * were recalled, and by whom where the command says. An app that marks recalled messages in its
 * own store needs only these fields; `command` tells the shapes apart, and `body` has every field
 * as received.
 */
export interface CommandRecallEvent<
  C extends RecallCommand,
  B,
  V extends Conversation,
  M extends RecalledMessage,
> extends RecallContext {
  /** The callback's `CallbackCommand`. */
  readonly command: C;
  /** The validated callback body, protocol field names, as received. */
  readonly body: B;
  /** Where the messages were: the two users, the group and topic, or the Official Account. */
  readonly conversation: V;
  /** The recalled messages, at least one, in the order of the body. */
  readonly messages: readonly M[];
  /** Who recalled (`Operator_Account`): group recalls only; the other callbacks do not say. */
  readonly operator: C extends typeof GROUP_RECALL_COMMAND ? string | undefined : undefined;
}

/** A message recalled by `MsgKey`: one-to-one and Official Account recalls. */
export interface MsgKeyRecalledMessage extends RecalledMessage {
  readonly msgKey: string;
  readonly msgSeq: undefined;
  readonly msgId: undefined;
}

/** A group message recalled by `MsgSeq`, with its `MsgId` when the callback gives it. */
export interface GroupRecalledMessageView extends RecalledMessage {
  readonly msgKey: undefined;
  readonly msgSeq: number;
}

/** What a `'recall'` listener receives: one validated, authenticated one-to-one recall. */
export type RecallEvent = CommandRecallEvent<typeof RECALL_COMMAND, RecallBody, C2CConversation, MsgKeyRecalledMessage>;

/** What a `'groupRecall'` listener receives: one validated, authenticated group recall. */
export type GroupRecallEvent = CommandRecallEvent<
  typeof GROUP_RECALL_COMMAND,
  GroupRecallBody,
  GroupConversation,
  GroupRecalledMessageView
>;

/** What an `'officialAccountRecall'` listener receives: one validated, authenticated Official Account recall. */
export type OfficialAccountRecallEvent = CommandRecallEvent<
  typeof OFFICIAL_ACCOUNT_RECALL_COMMAND,
  OfficialAccountRecallBody,
  OfficialAccountConversation,
  MsgKeyRecalledMessage
>;

/** A recall of any command: what `'duplicate'` listeners and code handling every recall receive. */
export type AnyRecallEvent = RecallEvent | GroupRecallEvent | OfficialAccountRecallEvent;

/**
 * The events and their listeners.
 * - `'recall'`, `'groupRecall'`, `'officialAccountRecall'`: a valid, authentic recall of the
 *   one-to-one, group or Official Account command. The answer waits for every listener, async
 *   ones too, up to `timeoutMs`; a listener that throws or rejects makes the answer FAIL.
 * - `'rejected'`: a callback of one of the receiver's commands was refused; the error says why,
 *   of which command (`command`) and from which address it came (`remoteAddress`). Emitted after
 *   the answer is decided, for logging and metrics; having no listener is fine.
 * - `'duplicate'`: with the `dedupe` option, a recall of any command that was already handled (or
 *   is being handled) arrived again; `event.command` says which. It is answered OK and not emitted
 *   under its own name. For logging and metrics, like `'rejected'`.
 *
 * Listeners of `'rejected'` and `'duplicate'` cannot change the answer: a throw, a rejection or a
 * promise that never settles is logged, or ignored, never waited for.
 */
export interface RecallEventListeners {
  recall: (event: RecallEvent) => unknown;
  groupRecall: (event: GroupRecallEvent) => unknown;
  officialAccountRecall: (event: OfficialAccountRecallEvent) => unknown;
  // Listeners of these may be async: what they return is observed, never waited for.
  rejected: (error: RecallWebhookError) => unknown;
  duplicate: (event: AnyRecallEvent) => unknown;
}

export type RecallEventName = keyof RecallEventListeners;

/**
 * An `EventEmitter` whose event names and listener types are checked at compile time, so
 * `events.on('recal', ...)` does not compile. At run time it is a plain `EventEmitter` on Node.js,
 * an emitter with the same API and semantics elsewhere, or the one passed as the `emitter` option.
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

/**
 * The minimum an `emitter` option must offer, of Node's `EventEmitter` API: an `EventEmitter` from
 * `node:events`, or any emitter with `on`, `emit`, `rawListeners` and `listenerCount`; what each
 * runtime's own emitter offers too.
 */
export type EmitterLike = EmitterApi;

/** Node's `EventEmitter` on Node.js; an emitter with its API and semantics elsewhere. */
export function createEmitter(): RecallEmitter {
  return newEmitter() as unknown as RecallEmitter;
}
