import { answerHeaders, NOT_HANDLED_ANSWER } from './answer.js';
import { createConfig, functionOption, rejectMisuse } from './create.js';
import type { RecallEmitter } from './events.js';
import type { RecallWebhookOptions } from './options.js';
import { recallError } from './errors.js';
import { receive, type IncomingCallback, type Outcome } from './receive.js';
import { readWebBody } from './web-intake.js';

/** Options of `recallFetchHandler`: the shared ones, and what to do with other requests. */
export interface RecallFetchHandlerOptions extends RecallWebhookOptions {
  /**
   * Answers a request that is not a recall callback (not a POST, or another `CallbackCommand`).
   * @default a `Response` with HTTP 404 and a protocol-style JSON FAIL (`NOT_HANDLED`)
   */
  readonly onUnhandled?: ((request: Request) => Response | Promise<Response>) | undefined;
}

/** A handler of web-standard requests (route handlers, serverless functions) that answers recall callbacks. */
export interface RecallFetchHandler {
  (request: Request): Promise<Response>;
  /** Where `'recall'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates a `(request: Request) => Promise<Response>` handler, with the same options, events and
 * answers as the Express middleware, for runtimes built on the web-standard `Request` and
 * `Response` of Node.js 20 and later.
 *
 * @example
 * const handler = recallFetchHandler({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * export const POST = handler; // a route handler
 */
export function recallFetchHandler(options: RecallFetchHandlerOptions): RecallFetchHandler {
  rejectMisuse('recallFetchHandler', options);
  const { onUnhandled, ...shared } = options;
  const unhandled = functionOption('onUnhandled', onUnhandled, () => respond(NOT_HANDLED_ANSWER, 404));
  const config = createConfig('recallFetchHandler', shared);
  const handler = async (request: Request): Promise<Response> => {
    const outcome = await new Promise<Outcome>((resolve) => {
      const readBody: IncomingCallback['readBody'] = (limit, timeout, done) => {
        readWebBody(request, limit, timeout).then(done, () => {
          done(recallError('BODY_UNREADABLE', 'the body could not be read'));
        });
      };
      receive(config, { method: request.method, url: request.url, readBody }, resolve);
    });
    return outcome.kind === 'pass' ? unhandled(request) : respond(outcome.answer, 200);
  };
  return Object.assign(handler, { events: config.emitter });
}

function respond(answer: string, status: number): Response {
  return new Response(answer, { status, headers: answerHeaders(answer) });
}
