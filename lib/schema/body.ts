import { deepFreeze } from '../freeze.js';

/**
 * The default JSON Schema of the `C2C.CallbackAfterMsgWithDraw` request body. Frozen; to build a
 * stricter one, pass a function as the `schema` option and it receives a mutable copy.
 *
 * - The four documented string fields are required and non-empty.
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
    CallbackCommand: { type: 'string', minLength: 1 },
    From_Account: { type: 'string', minLength: 1 },
    To_Account: { type: 'string', minLength: 1 },
    MsgKey: { type: 'string', minLength: 1 },
    UnreadMsgNum: { type: 'integer', minimum: 0 },
    EventTime: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
        { type: 'string', pattern: '^[0-9]{1,15}$' },
      ],
    },
  },
  additionalProperties: true,
} as const);
