import { deepFreeze } from '../freeze.js';

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
