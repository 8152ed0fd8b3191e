import createDebug from 'debug';

/**
 * Every decision, under one namespace: `DEBUG=tencent-chat-recall-webhook`. Messages name error
 * codes, SdkAppids and MsgKeys, never the token or a Sign.
 */
export const log = createDebug('tencent-chat-recall-webhook');
