import createDebug from 'debug';

/**
 * Every decision, under one namespace: `DEBUG=tencent-chat-recall-webhook`. Messages name error
 * codes, SdkAppids and MsgKeys, never the token or a Sign.
 */
export const log = createDebug('tencent-chat-recall-webhook');

/** A thrown value in one line, for the log or a message: its message, never its stack. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
