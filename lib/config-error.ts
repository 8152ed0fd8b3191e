/** A configuration mistake, thrown when the middleware is created, with a message that says how to fix it. */
export function configError(message: string): TypeError {
  return new TypeError(`tencent-chat-recall-webhook: ${message}`);
}
