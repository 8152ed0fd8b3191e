import type { Ajv } from 'ajv';
import type { DedupeStore } from '../core/dedupe-store.js';
import type { EmitterLike } from '../core/events.js';
import type { RecallCommand } from '../protocol/commands.js';
import type { Validator } from '../protocol/schemas.js';

/** An SDKAppID, as a number (`1400000000`) or a string of digits (`'1400000000'`). */
export type SdkAppId = number | string;

/** A JSON Schema object, as ajv takes it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * A validator compiled ahead of time, in place of a JSON Schema: Ajv's standalone code of a
 * schema, or a function of your own. For runtimes that refuse to compile code at run time
 * (Cloudflare Workers, `node --disallow-code-generation-from-strings`), and for a schema you would
 * rather not compile at each cold start.
 * @example { validate: validateRecallBody } // from a module Ajv's standaloneCode wrote
 */
export interface PrecompiledSchema {
  readonly validate: Validator;
}

/**
 * A schema that replaces a default one, a function that receives a mutable copy of the default
 * and returns the schema to use (the default itself is never changed), or a `{ validate }`
 * compiled ahead of time. A JSON Schema is compiled with Ajv at creation; the defaults come
 * compiled with the package.
 */
export type SchemaOverride = JsonSchema | ((defaults: Record<string, unknown>) => JsonSchema) | PrecompiledSchema;

/** Options of `recallWebhook(options)`. Read once, when the middleware is created. */
export interface RecallWebhookOptions {
  /**
   * The app's SDKAppID, or a list of them for a backend that serves several apps. A callback whose
   * `SdkAppid` is none of these is refused (`SDKAPPID_MISMATCH`): the protocol requires the app
   * backend to check it.
   * @example 1400000000
   */
  readonly sdkAppId: SdkAppId | readonly SdkAppId[];

  /**
   * The callback authentication token set in the Chat console (1 to 128 characters). Every
   * callback must then carry `Sign` and `RequestTime`, and both are verified. Required unless
   * `allowUnsigned` is `true`: `token: undefined` (an environment variable that is not set) is a
   * `TypeError` at creation, never a receiver that silently accepts any caller.
   *
   * While the console's token changes, a list of up to 4: the old and the new one. A callback
   * signed with any of them passes (`event.signedWith` says which); each is checked as a single
   * token is, and an unset one (`undefined` in the list) is a `TypeError` too. See "Rotating the
   * callback token" in the security guide.
   * @example process.env.IM_CALLBACK_TOKEN
   * @example [process.env.IM_CALLBACK_TOKEN, process.env.IM_CALLBACK_TOKEN_NEXT]
   */
  readonly token?: string | readonly (string | undefined)[] | undefined;

  /**
   * Accepts callbacks that carry no `Sign`, for an app whose callback authentication is off in the
   * Chat console. Anyone who can reach the URL can then send a recall; pair it with `allowFrom`.
   * Giving both this and `token` is a `TypeError`.
   * @default false
   */
  readonly allowUnsigned?: boolean | undefined;

  /**
   * Accepts callbacks only from these peers: IPv4 and IPv6 addresses and CIDR ranges (an IPv4
   * entry also matches its IPv4-mapped IPv6 form, `::ffff:1.2.3.4`), or a function that returns
   * `true` for an address to accept (synchronously; anything else, a throw included, refuses).
   * Checked before authentication and before any of the body is read; a refused peer gets
   * `ADDRESS_FORBIDDEN`. The address is Express's `req.ip` (so the app's `trust proxy` setting
   * decides whether `X-Forwarded-For` counts), the socket's peer for `recallNodeHandler`, and what
   * `remoteAddress` returns for `recallFetchHandler`. Tencent publishes its callback egress
   * addresses through the REST API `v4/ConfigSvc/GetIPList`.
   * @example ['183.192.202.0/25', '2402:4e00::/32']
   * @default undefined (any address)
   */
  readonly allowFrom?: readonly string[] | ((address: string) => boolean) | undefined;

  /**
   * Whether a callback of a command not in `commands` is authenticated before it is handed on.
   * Tencent sends every callback the app enables to the one URL, signed alike, so by default each
   * passes `allowFrom`, the query's checks, `SdkAppid`, `Sign` and `RequestTime` as a recall does:
   * a refused one is answered FAIL with a `'rejected'` event, an authentic one goes on to the app
   * (Express's `next()`, the handlers' `onUnhandled`) with what was verified, which
   * `verifiedCallback(req)` reads. `false` hands every other request on untouched, unverified.
   * @default true
   */
  readonly verifyOtherCommands?: boolean | undefined;

  /**
   * How far `RequestTime` may be from this server's clock, in seconds, either way. Tencent tells
   * receivers to refuse a request more than one minute off. At most 600.
   * @default 60
   */
  readonly toleranceSeconds?: number | undefined;

  /**
   * The one deadline of a callback, in milliseconds, from the moment the receiver is handed the
   * request to its answer: the body's arrival, the dedupe claim and the listeners of a recall's
   * event all share it, and the listeners get what the others left. Past it the answer is FAIL
   * (`LISTENER_TIMEOUT`, or `BODY_TIMEOUT` while the body is still arriving). A synchronous
   * listener cannot be interrupted: one that returns after it is a `LISTENER_TIMEOUT` too. The
   * Chat backend gives up 2 seconds after it sent the request, so it is at most 2000, and best kept
   * well below: the time the request took to arrive counts there too.
   * @default 1500
   */
  readonly timeoutMs?: number | undefined;

  /**
   * How long the body may take to arrive, in milliseconds, from the moment the receiver is handed
   * the request (`BODY_TIMEOUT`); within `timeoutMs`, which bounds it when shorter. A callback
   * body is a few hundred bytes; this stops a client that trickles bytes from holding the request,
   * and leaves the listeners at least `timeoutMs - bodyTimeoutMs`.
   * @default 1000
   */
  readonly bodyTimeoutMs?: number | undefined;

  /**
   * The largest body accepted: a positive number of bytes, or a size with its unit, `b`, `kb`, `mb`
   * or `gb` (1024-based), such as `'16kb'`. Enforced while the body streams in, whatever
   * `Content-Length` says, and on a body a parser mounted earlier has read.
   * @default '16kb'
   */
  readonly limit?: number | string | undefined;

  /**
   * The recall commands this receiver answers, each emitted as its own event:
   * `'C2C.CallbackAfterMsgWithDraw'` as `'recall'`, `'Group.CallbackAfterRecallMsg'` as
   * `'groupRecall'`, `'OfficialAccount.CallbackAfterMsgWithDraw'` as `'officialAccountRecall'`.
   * A callback of any other command is passed on untouched. An unknown name is a `TypeError`.
   * @example ['C2C.CallbackAfterMsgWithDraw', 'Group.CallbackAfterRecallMsg']
   * @default ['C2C.CallbackAfterMsgWithDraw']
   */
  readonly commands?: readonly RecallCommand[] | undefined;

  /**
   * Replaces the one-to-one recall's body schema (`recallBodySchema`). Pass a function to extend
   * the default. The same as `schemas['C2C.CallbackAfterMsgWithDraw']`; give one or the other.
   * @example (s) => ({ ...s, required: [...s.required, 'EventTime'] })
   * @default recallBodySchema
   */
  readonly schema?: SchemaOverride | undefined;

  /**
   * Replaces the body schema of any command in `commands`, keyed by command, the way `schema` does
   * for the one-to-one recall (`groupRecallBodySchema`, `officialAccountRecallBodySchema`).
   * @example { 'Group.CallbackAfterRecallMsg': (s) => ({ ...s, required: [...s.required, 'EventTime'] }) }
   * @default each command's default schema
   */
  readonly schemas?: Readonly<Partial<Record<RecallCommand, SchemaOverride | undefined>>> | undefined;

  /**
   * A query schema of your own (a function gets a copy of `recallQuerySchema` to extend), checked
   * on the whole query, decoded, once the callback is authentic. The default schema's rules are
   * always checked first, before authentication, on the protocol's parameters alone: an
   * unauthenticated request gets nothing else of its query decoded, and a schema of yours can add
   * checks but not remove those.
   * @example (s) => ({ ...s, required: [...(s.required as string[]), 'RequestTime'] })
   * @default undefined (the default schema's rules only)
   */
  readonly querySchema?: SchemaOverride | undefined;

  /**
   * The Ajv instance that compiles the schemas, for schemas that need formats or keywords of
   * your own (e.g. an instance with `ajv-formats` added). With it, the default schemas are compiled
   * by it too. Outside Node.js the package loads no Ajv of its own: a JSON Schema there needs this
   * option, or a `{ validate }` compiled ahead of time.
   * @default on Node.js, an `Ajv` shared by every receiver created without this option, loaded
   * on the first JSON Schema of your own; the default schemas come compiled and need no Ajv
   */
  readonly ajv?: Ajv | undefined;

  /**
   * The `EventEmitter` to emit on, if the app has its own. It is returned as `events`.
   * @default a new `EventEmitter`
   */
  readonly emitter?: EmitterLike | undefined;

  /**
   * Handles each recall once when it arrives more than once: the Chat backend retrying on timeout,
   * or copies reaching several instances of the app. A recall is known by its `SdkAppid` and
   * what names its messages (a message is recalled only once): the `MsgKey` of a one-to-one recall;
   * the `GroupId`, `TopicId` and `MsgSeq` list of a group recall; the `Official_Account` and
   * `MsgKey` list of an Official Account recall. A duplicate is answered OK and emitted as
   * `'duplicate'`, not under its own name.
   * @example { store: redisStore(client) }
   * @default undefined (every delivery is emitted as its command's event)
   */
  readonly dedupe?: DedupeOptions | undefined;

  /**
   * Where the receiver logs its decisions (what was refused and why, what was handled, a listener
   * that failed), one line per call, escaped, never holding the token or a Sign. A throw or a
   * rejected promise of the function is ignored.
   * @example (line) => logger.debug(line)
   * @default on Node.js, the `debug` namespace `tencent-chat-recall-webhook` (set
   * `DEBUG=tencent-chat-recall-webhook` before the process starts); elsewhere, nothing
   */
  readonly log?: ((line: string) => unknown) | undefined;
}

/** Options of `dedupe`. */
export interface DedupeOptions {
  /** Where claims are kept: `memoryStore()` for one instance, `redisStore(client)` for several. */
  readonly store: DedupeStore;

  /**
   * How long a handled recall is remembered, in seconds. Retries follow a timeout within seconds;
   * an hour covers them many times over and keeps a busy app's store small.
   * @default 3600
   */
  readonly ttlSeconds?: number | undefined;

  /**
   * What happens when the store fails or does not answer within `storeTimeoutMs`: `false` answers
   * FAIL (`DEDUPE_UNAVAILABLE`) and emits nothing, so a recall is never handled twice; `true`
   * emits the recall's event anyway, so a recall is never missed while the store is down.
   * @default false
   */
  readonly failOpen?: boolean | undefined;

  /**
   * How long a claim may take, in milliseconds, before the store counts as failed. It is part of
   * the request's `timeoutMs` (and no longer than what the body left of it): the listeners get
   * what is left.
   * @default 500
   */
  readonly storeTimeoutMs?: number | undefined;
}
