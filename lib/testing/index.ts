// `tencent-chat-recall-webhook/testing`: what a test of an app's own recall handling needs,
// built on the same code the middleware uses.
export { sign } from '../protocol/signature.js';
export {
  sampleRecall,
  sampleGroupRecall,
  sampleOfficialAccountRecall,
  sampleCallback,
  type RecallBodyOverrides,
  type BodyOverrides,
  type GroupSampleForm,
} from './sample.js';
export { callbackQuery, type CallbackQueryOptions } from './query.js';
export {
  deliverRecall,
  type DeliverOptions,
  type DeliveryTarget,
  type FetchTarget,
  type ProtocolAnswer,
} from './deliver.js';
export { callbackRequest, type CallbackOptions } from './request.js';
