import { deepFreeze } from '../freeze.js';

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
