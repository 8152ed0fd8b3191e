import type { ServerResponse } from 'node:http';
import { NOT_HANDLED_ANSWER, OK_ANSWER } from '../protocol/answer.js';
import type { VerifiedCallback } from '../core/verified.js';
import { addressOption, createConfig, functionOption, ownOption } from '../options/factory.js';
import type { RecallEmitter } from '../core/events.js';
import { handleNodeRequest, writeAnswer, type NodeRequest } from './node-request.js';
import type { RecallWebhookOptions } from '../options/options.js';
import { describeCause } from '../log.js';

/** Options of `recallNodeHandler`: the shared ones, and what to do with other requests. */
export interface RecallNodeHandlerOptions extends RecallWebhookOptions {
  /**
   * Handles a request the receiver does not answer: one that is no callback (not a POST, no
   * `CallbackCommand`), or an authentic callback of another command, whose verified fields
   * `verifiedCallback(req)` gives (see `verifyOtherCommands`).
   * @default the protocol's OK for an authentic callback of another command (which lets a
   * before-event's action through unchanged: docs/commands.md); HTTP 404 with a protocol-style
   * JSON FAIL (`NOT_HANDLED`) for anything else
   */
  readonly onUnhandled?: ((req: NodeRequest, res: ServerResponse) => void) | undefined;

  /**
   * The address of the peer that sent `req`, for `allowFrom` and the events. A plain server has no
   * proxy settings, so by default it is the socket's peer and no header is believed; behind a
   * reverse proxy, read the header that proxy sets. A throw counts as no address.
   * @example (req) => req.headers['x-real-ip'] as string | undefined // behind your own nginx
   * @default (req) => req.socket.remoteAddress
   */
  readonly remoteAddress?: ((req: NodeRequest) => string | null | undefined) | undefined;
}

const ADAPTER_OPTIONS = ['onUnhandled', 'remoteAddress'] as const satisfies readonly (keyof RecallNodeHandlerOptions)[];

/** A `node:http` request listener that answers recall callbacks. */
export interface RecallNodeHandler {
  (req: NodeRequest, res: ServerResponse): void;
  /** Where every recall event, `'duplicate'` and `'rejected'` are emitted. */
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
  const config = createConfig('recallNodeHandler', options, ADAPTER_OPTIONS);
  const onUnhandled = functionOption('onUnhandled', ownOption(options, 'onUnhandled'), undefined);
  const addressOf = addressOption(ownOption(options, 'remoteAddress'), config.log) ?? socketPeer;
  const handler = (req: NodeRequest, res: ServerResponse): void => {
    handleNodeRequest(
      config,
      req,
      res,
      addressOf(req),
      (verified) => {
        if (onUnhandled === undefined) answerByDefault(req, res, verified);
        else onUnhandled(req, res);
      },
      (error) => {
        // The app's onUnhandled failing must not take the process down.
        config.log('onUnhandled threw: %s', describeCause(error));
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };
  return Object.assign(handler, { events: config.emitter });
}

// A callback nobody handles is answered as if its command were not enabled (docs/commands.md).
function answerByDefault(req: NodeRequest, res: ServerResponse, verified: VerifiedCallback | undefined): void {
  if (verified === undefined) writeAnswer(req, res, NOT_HANDLED_ANSWER, 404);
  else writeAnswer(req, res, OK_ANSWER);
}

function socketPeer(req: NodeRequest): string | undefined {
  return req.socket.remoteAddress;
}
