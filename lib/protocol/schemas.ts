import type { ErrorObject } from 'ajv';

/**
 * A compiled schema: `true` for data that matches, and then, for data that does not, its `errors`
 * in Ajv's format (the first names the field in a refusal). An Ajv `ValidateFunction`, Ajv's
 * standalone code, or a function of the app's own (without `errors`, a refusal says only that the
 * data does not match).
 */
export interface Validator {
  (data: unknown): boolean;
  errors?: readonly ErrorObject[] | null | undefined;
}

// The rule every default body schema follows (protocol.md, "What the backend sends beyond the
// samples"). For an after-event callback the Chat backend ignores the answer and never retries a
// FAIL, so a genuine callback refused is a recall the app never learns of. A body is refused only
// when it cannot be used or is abusive:
//
// 1. It lacks what names the recalled messages: a one-to-one recall's `MsgKey`, `From_Account` and
//    `To_Account`; a group recall's `GroupId` and each `MsgSeq`; an Official Account recall's
//    `Official_Account` and each `MsgKey`; and every body's `CallbackCommand`, which must match
//    the query's. These are required, and a naming string is never empty.
// 2. A field that is present has the wrong type (`Type: 7`, `MsgSeq: "130"`).
// 3. A bound is exceeded: string lengths, list sizes, safe integers. They bound the work and the
//    memory a request costs (a dedupe claim keeps the names).
// 4. Its bytes are unsafe: not UTF-8, or keys that reach prototypes. Checked before the schema
//    (lib/protocol/json.ts), so that no override can turn it off.
//
// Every other field is optional, and fields Tencent adds later are kept. Tencent writes `""` for
// "none" in informational strings (`"TopicId": ""` on the 2026 group callback pages): there `""`
// is accepted, and the event's view reads `undefined` (lib/protocol/commands.ts).

// A string that names a recalled message or its conversation. A UserID is at most 32 bytes
// (trtc.io/document/34953), a group ID 48, and a MsgKey looks like `48374_2837546_1557481126`, so
// 128 is generous.
const name = { type: 'string', minLength: 1, maxLength: 128 } as const;

// A string the app may want but that names nothing: `""` means none. Bounded as names are.
const info = { type: 'string', maxLength: 128 } as const;

// Numbers stay within JavaScript's safe integers, where JSON numbers are still exact.
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

// Milliseconds, as an integer or a numeric string: the Chinese pages' samples send a number, the
// international pages' group samples a string (protocol.md, "The other recall callbacks"). 15
// digits of milliseconds stay within the range of a `Date`; `""` is "none", as in any string
// Tencent sends; any other string is refused.
const eventTime = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
    { type: 'string', pattern: '^[0-9]{0,15}$' },
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
 * It refuses a body only when the body cannot be used or is abusive (the rule above):
 * - `CallbackCommand`, `From_Account`, `To_Account` and `MsgKey` name the recall: required,
 *   non-empty strings of at most 128 characters.
 * - `UnreadMsgNum` (international docs) and `EventTime` (Chinese docs,
 *   cloud.tencent.com/document/product/269/61697) are optional; when present, of their type.
 * - Every other field is allowed and kept: Tencent adds fields over time (the 2026 one-to-one
 *   pages add `CloudCustomData`, `MsgSeq`, `MsgRandom`, `MsgTime`, `Operator_Account`).
 */
export const recallBodySchema = deepFreeze({
  title: 'C2C.CallbackAfterMsgWithDraw request body',
  type: 'object',
  required: ['CallbackCommand', 'From_Account', 'To_Account', 'MsgKey'],
  properties: {
    CallbackCommand: name,
    From_Account: name,
    To_Account: name,
    MsgKey: name,
    UnreadMsgNum: count,
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the `Group.CallbackAfterRecallMsg` request body
 * (cloud.tencent.com/document/product/269/73141). Frozen; the `schemas` option replaces or extends it.
 *
 * It refuses a body only when the body cannot be used or is abusive (the rule above):
 * - `CallbackCommand`, `GroupId` and `MsgSeqList` name the recall: required. `MsgSeqList` holds 1
 *   to 100 `{ MsgSeq }`, each a non-negative safe integer.
 * - `Operator_Account`, `Type` (any group type: Tencent adds them), `TopicId`, each item's `MsgId`
 *   (newer Chinese pages only) and `EventTime` (absent on old pages) are optional, and `""` in any
 *   of them means none. A topic ID is the group ID, `@TOPIC#_` and the topic's own ID, so it gets
 *   twice a name's length.
 */
export const groupRecallBodySchema = deepFreeze({
  title: 'Group.CallbackAfterRecallMsg request body',
  type: 'object',
  required: ['CallbackCommand', 'GroupId', 'MsgSeqList'],
  properties: {
    CallbackCommand: name,
    Operator_Account: info,
    Type: info,
    GroupId: name,
    MsgSeqList: recalledList(['MsgSeq'], { MsgSeq: count, MsgId: info }),
    TopicId: { type: 'string', maxLength: 256 },
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the `OfficialAccount.CallbackAfterMsgWithDraw` request body
 * (cloud.tencent.com/document/product/269/102325). Frozen; the `schemas` option replaces or
 * extends it.
 *
 * It refuses a body only when the body cannot be used or is abusive (the rule above):
 * - `CallbackCommand`, `Official_Account` and `WithdrawMsgList` name the recall: required.
 *   `WithdrawMsgList` holds 1 to 100 `{ MsgKey }`, each a non-empty string.
 * - `EventTime` is optional, though the page's table lists it: it names nothing.
 */
export const officialAccountRecallBodySchema = deepFreeze({
  title: 'OfficialAccount.CallbackAfterMsgWithDraw request body',
  type: 'object',
  required: ['CallbackCommand', 'Official_Account', 'WithdrawMsgList'],
  properties: {
    CallbackCommand: name,
    Official_Account: name,
    WithdrawMsgList: recalledList(['MsgKey'], { MsgKey: name }),
    EventTime: eventTime,
  },
  additionalProperties: true,
} as const);

/**
 * The default JSON Schema of the callback URL's query, as an object of strings (a parameter given
 * twice becomes an array, which no property here allows). Frozen; pass a function as the
 * `querySchema` option to build a stricter one from a mutable copy. The receiver checks these
 * rules without Ajv, before authentication, on the named parameters alone (`namedProblem` in
 * query.ts, which a test holds to this schema's verdicts); an app's own schema runs after.
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

/**
 * Freezes a JSON-like value and everything in it, so a shared default cannot be changed by a caller.
 * @internal
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
