import { callbackQuery, type CallbackQueryOptions } from './query.js';
import { callbackUrl } from './delivery.js';
import { sampleCallback } from './sample.js';
import { RECALL_COMMAND, RECALL_COMMANDS, type RecallCommand } from '../protocol/commands.js';

/** What a callback is made of: its query, signed when `token` is given, and its body. */
export interface CallbackOptions extends CallbackQueryOptions {
  /**
   * The recall command to send: its sample body, and its name as the query's `CallbackCommand`
   * (unless `callbackCommand` says otherwise).
   * @default 'C2C.CallbackAfterMsgWithDraw'
   */
  readonly command?: RecallCommand | undefined;
  /**
   * Fields merged over the command's sample body (`sampleRecall()`, `sampleGroupRecall()`...), or
   * the whole body as text. A callback of another command (`callbackCommand`) has no sample: its
   * body is `{ CallbackCommand }` with these fields.
   */
  readonly body?: Readonly<Record<string, unknown>> | string | undefined;
}

/** The query (without `?`) and the body text of a callback, as the Chat backend would send it. */
export function callbackParts(options: CallbackOptions): { readonly query: string; readonly body: string } {
  const command = options.command ?? RECALL_COMMAND;
  const named = options.callbackCommand ?? command;
  const query = callbackQuery({ ...options, callbackCommand: named });
  if (typeof options.body === 'string') return { query, body: options.body };
  const recall = (RECALL_COMMANDS as readonly string[]).includes(named);
  const body = recall ? sampleCallback(command, options.body) : { CallbackCommand: named, ...options.body };
  return { query, body: JSON.stringify(body) };
}

/**
 * A callback as a web-standard `Request`, for a fetch handler (`recallFetchHandler`, a Worker's or
 * a route's own): a POST of the body to `url` with the callback query added to any it has, signed
 * when `token` is given. Any command: a recall with its sample body, or another command's query
 * with the body given.
 *
 * @example
 * const response = await handler(callbackRequest({ sdkAppId: 1400000000, token }));
 * @example
 * callbackRequest({ sdkAppId, token, callbackCommand: 'C2C.CallbackBeforeSendMsg', body: { MsgBody: [] } })
 */
export function callbackRequest(options: CallbackOptions & { readonly url?: string | URL | undefined }): Request {
  const { query, body } = callbackParts(options);
  return new Request(callbackUrl(options.url ?? 'http://localhost/', undefined, query), {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
  });
}
