export { recallWebhook, type RecallMiddleware } from './express.js';
export type { RecallWebhookOptions, SdkAppId, JsonSchema, SchemaOverride } from './options.js';
export type { RecallEvent, RecallEmitter, RecallEventListeners, RecallEventName, EmitterLike } from './events.js';
export { RecallWebhookError, RECALL_ERROR_CODES, type RecallErrorCode } from './errors.js';
export { RECALL_COMMAND, type RecallBody } from './recall-body.js';
export type { Platform } from './platform.js';
export { recallBodySchema } from './schema/body.js';
export { recallQuerySchema } from './schema/query.js';
export { sign } from './signature.js';
