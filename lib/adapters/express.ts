import type { ServerResponse } from 'node:http';
import { createConfig } from '../options/factory.js';
import type { RecallEmitter } from '../core/events.js';
import { handleNodeRequest, type NodeRequest } from './node-request.js';
import type { RecallWebhookOptions } from '../options/options.js';
import type { Log } from '../log.js';

/**
 * Express middleware (Express 4 and 5; any Connect-style stack) that answers the recall callbacks
 * of its `commands` and passes every other request on with `next()`: a callback of another
 * command once it is authentic, with what was verified (`verifiedCallback(req)`).
 */
export interface RecallMiddleware {
  (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void): void;
  /** Where every recall event, `'duplicate'` and `'rejected'` are emitted. */
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
  const config = createConfig('recallWebhook', options, []);
  let appChecked = config.allowFrom === undefined;
  const middleware = (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (!appChecked) {
      appChecked = true;
      warnIfTrustingEveryProxy(req, config.log);
    }
    // Express's req.ip, a getter read once, is the socket's peer unless the app's `trust proxy`
    // setting says which proxies' X-Forwarded-For to believe; outside Express there is only the socket.
    const { ip } = req;
    const remoteAddress = typeof ip === 'string' ? ip : req.socket.remoteAddress;
    handleNodeRequest(
      config,
      req,
      res,
      remoteAddress,
      // Not `next` itself: what was verified is handed to it as its argument, which Express
      // takes for an error. The next handler reads it with verifiedCallback(req).
      () => {
        next();
      },
      next,
    );
  };
  return Object.assign(middleware, { events: config.emitter });
}

/**
 * With `trust proxy: true`, Express takes the left-most `X-Forwarded-For` address as `req.ip`,
 * which any client can write: `allowFrom` then admits whoever claims an allowed address. Said
 * once, on the first request, when the app is known.
 */
function warnIfTrustingEveryProxy(req: NodeRequest, log: Log): void {
  const app = (req as { app?: { get?: (setting: string) => unknown } }).app;
  let trusted: unknown;
  try {
    // Express's app.get(name) reads a setting; another framework's `app` may be anything.
    trusted = typeof app?.get === 'function' ? app.get('trust proxy') : undefined;
  } catch {
    return;
  }
  if (trusted === true) {
    log(
      'WARNING: allowFrom runs in an app with trust proxy set to true, so any client passes it by sending ' +
        "X-Forwarded-For: set trust proxy to your own proxies' addresses or hop count instead",
    );
  }
}
