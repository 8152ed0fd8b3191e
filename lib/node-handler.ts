import type { ServerResponse } from 'node:http';
import { NOT_HANDLED_ANSWER } from './answer.js';
import { createConfig, functionOption, rejectMisuse } from './create.js';
import type { RecallEmitter } from './events.js';
import type { NodeRequest } from './intake.js';
import { answerNodeRequest } from './node-adapter.js';
import type { RecallWebhookOptions } from './options.js';
import { describeCause, log } from './log.js';
import { writeAnswer } from './reply.js';

/** Options of `recallNodeHandler`: the shared ones, and what to do with other requests. */
export interface RecallNodeHandlerOptions extends RecallWebhookOptions {
  /**
   * Handles a request that is not a recall callback (not a POST, or another `CallbackCommand`).
   * @default answers HTTP 404 with a protocol-style JSON FAIL (`NOT_HANDLED`)
   */
  readonly onUnhandled?: ((req: NodeRequest, res: ServerResponse) => void) | undefined;
}

/** A `node:http` request listener that answers recall callbacks. */
export interface RecallNodeHandler {
  (req: NodeRequest, res: ServerResponse): void;
  /** Where `'recall'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates a request listener for `http.createServer` (or `https`), with the same options, events
 * and answers as the Express middleware.
 *
 * @example
 * const handler = recallNodeHandler({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * handler.events.on('recall', (event) => { ... });
 * http.createServer(handler).listen(3000);
 */
export function recallNodeHandler(options: RecallNodeHandlerOptions): RecallNodeHandler {
  rejectMisuse('recallNodeHandler', options);
  const { onUnhandled, ...shared } = options;
  const unhandled = functionOption('onUnhandled', onUnhandled, answerNotHandled);
  const config = createConfig('recallNodeHandler', shared);
  const handler = (req: NodeRequest, res: ServerResponse): void => {
    answerNodeRequest(
      config,
      req,
      res,
      () => {
        unhandled(req, res);
      },
      (error) => {
        // The app's onUnhandled failing must not take the process down.
        log('onUnhandled threw: %s', describeCause(error));
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };
  return Object.assign(handler, { events: config.emitter });
}

function answerNotHandled(req: NodeRequest, res: ServerResponse): void {
  writeAnswer(req, res, NOT_HANDLED_ANSWER, 404);
}
