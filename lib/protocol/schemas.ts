/**
 * The default JSON Schema of the `C2C.CallbackAfterMsgWithDraw` request body. Frozen; to build a
 * stricter one, pass a function as the `schema` option and it receives a mutable copy.
 *
 * - The four documented string fields are required, non-empty and at most 128 characters: a
 *   UserID is at most 32 bytes (trtc.io/document/34953) and a MsgKey looks like
 *   `48374_2837546_1557481126`, so 128 is generous, and it bounds what a request can make the
 *   receiver hold (a dedupe claim keeps the MsgKey).
 * - Numbers stay within JavaScript's safe integers, where JSON numbers are still exact.
 * - `UnreadMsgNum` appears only in the international docs and `EventTime` only in the Chinese ones
 *   (cloud.tencent.com/document/product/269/61697), so both are optional. Tencent's group callbacks
 *   sometimes send `EventTime` as a numeric string, so that form is accepted too; 15 digits of
 *   milliseconds stay within the range of a `Date`.
 * - Extra fields are allowed: Tencent adds fields to its callbacks over time.
 */
export const recallBodySchema = deepFreeze({
  title: 'C2C.CallbackAfterMsgWithDraw request body',
  type: 'object',
  required: ['CallbackCommand', 'From_Account', 'To_Account', 'MsgKey'],
  properties: {
    CallbackCommand: { type: 'string', minLength: 1, maxLength: 128 },
    From_Account: { type: 'string', minLength: 1, maxLength: 128 },
    To_Account: { type: 'string', minLength: 1, maxLength: 128 },
    MsgKey: { type: 'string', minLength: 1, maxLength: 128 },
    UnreadMsgNum: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    EventTime: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
        { type: 'string', pattern: '^[0-9]{1,15}$' },
      ],
    },
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
 * elsewhere have a generous length bound; `CallbackCommand` (which must equal the recall command
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
