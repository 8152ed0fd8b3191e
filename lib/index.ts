export { recallWebhook, type RecallMiddleware } from './adapters/express.js';
export { recallNodeHandler, type RecallNodeHandler, type RecallNodeHandlerOptions } from './adapters/node-handler.js';
export { recallFetchHandler, type RecallFetchHandler, type RecallFetchHandlerOptions } from './adapters/fetch.js';
export {
  recallReceiver,
  type RecallReceiver,
  type ReceivedCallback,
  type ReceiveResult,
  type CallbackQueryInput,
} from './adapters/receiver.js';
export {
  recallScfHandler,
  type RecallScfHandler,
  type RecallScfHandlerOptions,
  type ScfApiGatewayEvent,
  type ScfApiGatewayResponse,
} from './adapters/scf.js';
export { verifiedCallback, type VerifiedCallback } from './core/verified.js';
export type {
  RecallWebhookOptions,
  DedupeOptions,
  SdkAppId,
  JsonSchema,
  SchemaOverride,
  PrecompiledSchema,
} from './options/options.js';
export type { Validator } from './protocol/schemas.js';
export { addressMatcher, type AddressCheck } from './options/address.js';
export {
  tencentCallbackAddresses,
  GetIpListError,
  TENCENT_REGIONS,
  type GetIpListErrorCode,
  type TencentCallbackAddresses,
  type TencentCallbackAddressesOptions,
  type TencentRegion,
} from './rest/callback-addresses.js';
export type { DedupeStore } from './core/dedupe-store.js';
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from './stores/memory.js';
export {
  redisStore,
  type RedisStoreOptions,
  type RedisClientLike,
  type NodeRedisClientLike,
  type NodeRedisClusterLike,
  type IORedisClientLike,
} from './stores/redis.js';
export type {
  RecallEvent,
  GroupRecallEvent,
  OfficialAccountRecallEvent,
  AnyRecallEvent,
  RecallContext,
  CommandRecallEvent,
  MsgKeyRecalledMessage,
  GroupRecalledMessageView,
  RecallEmitter,
  RecallEventListeners,
  RecallEventName,
  EmitterLike,
} from './core/events.js';
export { RecallWebhookError, RECALL_ERROR_CODES, type RecallErrorCode } from './core/errors.js';
export {
  RECALL_COMMAND,
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMANDS,
  type RecallCommand,
  type RecallBody,
  type GroupRecallBody,
  type GroupRecalledMessage,
  type OfficialAccountRecallBody,
  type Conversation,
  type C2CConversation,
  type GroupConversation,
  type OfficialAccountConversation,
  type RecalledMessage,
} from './protocol/commands.js';
export type { Platform } from './protocol/query.js';
export {
  recallBodySchema,
  groupRecallBodySchema,
  officialAccountRecallBodySchema,
  recallQuerySchema,
} from './protocol/schemas.js';
export { sign } from './protocol/signature.js';
