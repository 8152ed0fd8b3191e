import type { ServerResponse } from 'node:http';
import { resolveConfig } from './config.js';
import { configError } from './config-error.js';
import type { RecallEmitter } from './events.js';
import { readNodeBody, type NodeRequest } from './intake.js';
import type { RecallWebhookOptions } from './options.js';
import { log } from './log.js';
import { receive } from './receive.js';
import { writeAnswer } from './reply.js';

/**
 * Express middleware (Express 4 and 5; any Connect-style stack) that answers
 * `C2C.CallbackAfterMsgWithDraw` callbacks and passes every other request on with `next()`.
 */
export interface RecallMiddleware {
  (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void): void;
  /** Where `'recall'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates the middleware. Checks the options now and throws a `TypeError` on a mistake.
 *
 * @example
 * const recall = recallWebhook({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * recall.events.on('recall', async (event) => { await markRecalled(event.body.MsgKey); });
 * app.use('/im/callback', recall);
 */
export function recallWebhook(options: RecallWebhookOptions): RecallMiddleware {
  if (looksLikeRequest(options)) {
    throw configError(
      'recallWebhook is a factory: mount its result, app.use(recallWebhook({ sdkAppId: ... })), not recallWebhook itself.',
    );
  }
  const config = resolveConfig(options);
  log(
    'created for SdkAppid %s; %s',
    [...config.sdkAppIds].join(', '),
    config.token === undefined ? 'no token: Sign and RequestTime are not checked' : 'Sign and RequestTime required',
  );
  const middleware = (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    receive(config, { method: req.method, url: req.url ?? '/', readBody: (limit) => readNodeBody(req, limit) })
      .then((outcome) => {
        if (outcome.kind === 'pass') next();
        else writeAnswer(req, res, outcome.answer);
      })
      .catch(next);
  };
  return Object.assign(middleware, { events: config.emitter });
}

// `app.use(recallWebhook)` calls the factory with (req, res, next) on the first request.
function looksLikeRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'socket' in value && 'headers' in value && 'method' in value;
}
