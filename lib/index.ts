export { recallWebhook, type RecallMiddleware } from './express.js';
export { recallNodeHandler, type RecallNodeHandler, type RecallNodeHandlerOptions } from './node-handler.js';
export { recallFetchHandler, type RecallFetchHandler, type RecallFetchHandlerOptions } from './fetch-handler.js';
export type { RecallWebhookOptions, DedupeOptions, SdkAppId, JsonSchema, SchemaOverride } from './options.js';
export { addressMatcher, type AddressCheck } from './address.js';
export type { DedupeStore } from './dedupe-store.js';
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export {
  redisStore,
  type RedisStoreOptions,
  type RedisClientLike,
  type NodeRedisClientLike,
  type IORedisClientLike,
} from './redis-store.js';
export type { RecallEvent, RecallEmitter, RecallEventListeners, RecallEventName, EmitterLike } from './events.js';
export { RecallWebhookError, RECALL_ERROR_CODES, type RecallErrorCode } from './errors.js';
export { RECALL_COMMAND, type RecallBody } from './recall-body.js';
export type { Platform } from './platform.js';
export { recallBodySchema } from './schema/body.js';
export { recallQuerySchema } from './schema/query.js';
export { sign } from './signature.js';
