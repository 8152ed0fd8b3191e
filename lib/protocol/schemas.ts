// Shared by the body schemas. An identifier (a UserID, a MsgKey, a group or account ID) is at most
// 128 characters: a UserID is at most 32 bytes (trtc.io/document/34953), a group ID 48, and a MsgKey
// looks like `48374_2837546_1557481126`, so 128 is generous, and it bounds what a request can make
// the receiver hold (a dedupe claim keeps it).
const identifier = { type: 'string', minLength: 1, maxLength: 128 } as const;

// Numbers stay within JavaScript's safe integers, where JSON numbers are still exact.
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

// Milliseconds, as an integer or a numeric string: the Chinese pages' samples send a number, the
// international pages' group samples a string (protocol.md, "The other recall callbacks"). 15
// digits of milliseconds stay within the range of a `Date`; any other string is refused.
const eventTime = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
    { type: 'string', pattern: '^[0-9]{1,15}$' },
  ],
} as const;

// One REST recall takes up to 10 messages; 100 leaves room and still bounds a body's work.
const MAX_RECALLED = 100;

/** A list of recalled messages: at least one, each an object with `required`, extra fields kept. */
function recalledList<const R extends readonly string[], const P>(required: R, properties: P) {
  return {
    type: 'array',
    minItems: 1,
    maxItems: MAX_RECALLED,
    items: { type: 'object', required, properties, additionalProperties: true },
  } as const;
}

/**
 * The default JSON Schema of the `C2C.CallbackAfterMsgWithDraw` request body. Frozen; to build a
 * stricter one, pass a function as the `schema` option and it receives a mutable copy.
 *
 * - The four documented string fields are required, non-empty and at most 128 characters.
 * - `UnreadMsgNum` appears only in the international docs and `EventTime` only in the Chinese ones
 *   (cloud.tencent.com/document/product/269/61697), so both are optional.
 * - Extra fields are allowed: Tencent adds fields to its callbacks over time.
 */
export const recallBodySchema = deepFreeze({
  title: 'C2C.CallbackAfterMsgWithDraw request body',
  type: 'object',
  required: ['CallbackCommand', 'From_Account', 'To_Account', 'MsgKey'],
  properties: {
    CallbackCommand: identifier,
    From_Account: identifier,
    To_Account: identifier,
    MsgKey: identifier,
    UnreadMsgNum: count,
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the `Group.CallbackAfterRecallMsg` request body
 * (cloud.tencent.com/document/product/269/73141). Frozen; the `schemas` option replaces or extends it.
 *
 * - `Type` is any string: Tencent adds group types (`Community` came later).
 * - `MsgSeqList` holds at least one `{ MsgSeq, MsgId? }`: `MsgId` is on the newer Chinese pages only.
 * - `TopicId` comes only for a message in a topic of a Community group. A topic ID is the group ID,
 *   `@TOPIC#_` and the topic's own ID, so it gets twice an identifier's length.
 * - `EventTime` was added later; absent on old pages.
 */
export const groupRecallBodySchema = deepFreeze({
  title: 'Group.CallbackAfterRecallMsg request body',
  type: 'object',
  required: ['CallbackCommand', 'Operator_Account', 'Type', 'GroupId', 'MsgSeqList'],
  properties: {
    CallbackCommand: identifier,
    Operator_Account: identifier,
    Type: identifier,
    GroupId: identifier,
    MsgSeqList: recalledList(['MsgSeq'], { MsgSeq: count, MsgId: identifier }),
    TopicId: { type: 'string', minLength: 1, maxLength: 256 },
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the `OfficialAccount.CallbackAfterMsgWithDraw` request body
 * (cloud.tencent.com/document/product/269/102325). Frozen; the `schemas` option replaces or
 * extends it. `WithdrawMsgList` holds at least one `{ MsgKey }`.
 */
export const officialAccountRecallBodySchema = deepFreeze({
  title: 'OfficialAccount.CallbackAfterMsgWithDraw request body',
  type: 'object',
  required: ['CallbackCommand', 'Official_Account', 'WithdrawMsgList', 'EventTime'],
  properties: {
    CallbackCommand: identifier,
    Official_Account: identifier,
    WithdrawMsgList: recalledList(['MsgKey'], { MsgKey: identifier }),
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the callback URL's query, as an object of strings (a parameter given
 * twice becomes an array, which no property here allows). Frozen; pass a function as the
 * `querySchema` option to build a stricter one from a mutable copy.
 *
 * Every callback carries `SdkAppid` and `CallbackCommand`; `contenttype`, `ClientIP` and
 * `OptPlatform` are documented but treated as optional; `Sign` and `RequestTime` come only when
 * the app enables callback authentication. Their content is checked by the authentication step,
 * not here, so that each failure gets its own error code. Values kept in events or unchecked
 * elsewhere have a generous length bound; `CallbackCommand` (which must name one of the receiver's commands
 * before this schema runs) and `Sign` (compared by its length first, then dropped) are bounded by
 * the steps around it, and counting their characters here was most of the schema's cost.
 */
export const recallQuerySchema = deepFreeze({
  title: 'Tencent Cloud Chat callback query',
  type: 'object',
  required: ['SdkAppid', 'CallbackCommand'],
  properties: {
    SdkAppid: { type: 'string', pattern: '^[0-9]{1,20}$' },
    CallbackCommand: { type: 'string', minLength: 1 },
    contenttype: { type: 'string', maxLength: 32 },
    ClientIP: { type: 'string', maxLength: 64 },
    OptPlatform: { type: 'string', maxLength: 64 },
    Sign: { type: 'string' },
    RequestTime: { type: 'string', maxLength: 32 },
  },
  additionalProperties: true,
} as const);

/** Freezes a JSON-like value and everything in it, so a shared default cannot be changed by a caller. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
