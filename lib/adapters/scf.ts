import { addressOption, createConfig, functionOption, ownOption } from '../options/factory.js';
import type { RecallWebhookOptions } from '../options/options.js';
import { describeCause } from '../log.js';
import type { RecallEmitter } from '../core/events.js';
import type { VerifiedCallback } from '../core/verified.js';
import { receiverOf, type ReceiveResult } from './receiver.js';

// Tencent Cloud SCF event functions behind an API Gateway trigger get the request as an event and
// return the response as an object (protocol.md, "Where receivers run"; SCF's "API Gateway
// trigger" page, cloud.tencent.com/document/product/583/12513, which also says new API Gateway
// triggers are being retired: web functions take Express as they are).

/** The event an SCF event function gets from an API Gateway trigger: the parts this receiver reads. */
export interface ScfApiGatewayEvent {
  readonly httpMethod?: string | undefined;
  readonly path?: string | undefined;
  /** The query, parsed by the gateway. */
  readonly queryString?: Readonly<Record<string, string | readonly string[] | undefined>> | null | undefined;
  readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
  /** The body as text, or as base64 when `isBase64Encoded`. */
  readonly body?: string | null | undefined;
  readonly isBase64Encoded?: boolean | undefined;
  readonly requestContext?: { readonly sourceIp?: string | undefined } | null | undefined;
}

/** What an SCF function returns to API Gateway, which sends it as the HTTP response (its "integration response"). */
export interface ScfApiGatewayResponse {
  readonly isBase64Encoded: boolean;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of `recallScfHandler`: the shared ones, what to do with other requests, where the peer's address comes from. */
export interface RecallScfHandlerOptions extends RecallWebhookOptions {
  /**
   * Answers an event the receiver does not answer: one that is no callback (not a POST, no
   * `CallbackCommand`), or an authentic callback of another command, whose verified fields come
   * as `verified` (see `verifyOtherCommands`).
   * @default the protocol's OK for an authentic callback of another command; HTTP 404 with a
   * protocol-style JSON FAIL (`NOT_HANDLED`) for anything else
   */
  readonly onUnhandled?:
    | ((
        event: ScfApiGatewayEvent,
        verified: VerifiedCallback | undefined,
      ) => ScfApiGatewayResponse | Promise<ScfApiGatewayResponse>)
    | undefined;

  /**
   * The address of the peer, for `allowFrom` and the events. A throw counts as no address.
   * @default (event) => event.requestContext?.sourceIp (the client's address as API Gateway saw it)
   */
  readonly remoteAddress?: ((event: ScfApiGatewayEvent) => string | null | undefined) | undefined;
}

const ADAPTER_OPTIONS = ['onUnhandled', 'remoteAddress'] as const satisfies readonly (keyof RecallScfHandlerOptions)[];

/** An SCF event function (`main_handler`) behind an API Gateway trigger that answers recall callbacks. */
export interface RecallScfHandler {
  (event: ScfApiGatewayEvent, context?: unknown): Promise<ScfApiGatewayResponse>;
  /** Where every recall event, `'duplicate'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates an SCF event function for an API Gateway trigger, with the same options, checks, events
 * and answers as the other adapters: `recallReceiver` given the event's query, body and source address.
 *
 * @example
 * const handler = recallScfHandler({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * handler.events.on('recall', markRecalled);
 * export const main_handler = handler;
 */
export function recallScfHandler(options: RecallScfHandlerOptions): RecallScfHandler {
  const config = createConfig('recallScfHandler', options, ADAPTER_OPTIONS);
  const receive = receiverOf(config);
  const onUnhandled = functionOption('onUnhandled', ownOption(options, 'onUnhandled'), undefined);
  const addressOf = addressOption(ownOption(options, 'remoteAddress'), config.log) ?? sourceIp;
  const handler = async (event: ScfApiGatewayEvent): Promise<ScfApiGatewayResponse> => {
    const given: unknown = event;
    if (typeof given !== 'object' || given === null) {
      throw new TypeError('recallScfHandler: the event must be an API Gateway trigger event object.');
    }
    const result = await receive({
      method: event.httpMethod,
      query: event.queryString ?? {},
      body: bodyOf(event),
      remoteAddress: addressOf(event),
    });
    // The receiver's own answer, unless the app answers what it does not: its defaults are the
    // other adapters', an OK for a callback nobody handles (docs/commands.md), 404 for no callback.
    if (onUnhandled === undefined || (result.kind !== 'ignored' && result.kind !== 'verified')) {
      return responseOf(result);
    }
    try {
      return await onUnhandled(event, result.kind === 'verified' ? result.callback : undefined);
    } catch (error) {
      // The app's onUnhandled failing is its own error, answered as the node handler answers it.
      config.log('onUnhandled threw: %s', describeCause(error));
      return { isBase64Encoded: false, statusCode: 500, headers: {}, body: '' };
    }
  };
  return Object.assign(handler, { events: config.emitter });
}

function responseOf({ status, headers, answer }: ReceiveResult): ScfApiGatewayResponse {
  return { isBase64Encoded: false, statusCode: status, headers, body: answer };
}

function sourceIp(event: ScfApiGatewayEvent): string | undefined {
  const ip = event.requestContext?.sourceIp;
  return typeof ip === 'string' ? ip : undefined;
}

/**
 * The body as the gateway passed it: text, or bytes when it was base64-encoded (a body that is
 * not base64 is no body the gateway wrote, and is read as none, which no schema accepts).
 */
function bodyOf(event: ScfApiGatewayEvent): string | Uint8Array {
  const { body } = event;
  if (typeof body !== 'string') return new Uint8Array(0);
  if (event.isBase64Encoded !== true) return body;
  try {
    return Uint8Array.from(atob(body), (character) => character.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}
