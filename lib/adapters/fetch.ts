import { answerHeaders, NOT_HANDLED_ANSWER } from '../protocol/answer.js';
import { addressOption, createConfig, functionOption, ownOption } from '../options/factory.js';
import { configError } from '../options/checks.js';
import type { RecallEmitter } from '../core/events.js';
import type { RecallWebhookOptions } from '../options/options.js';
import { refusal, bodyAborted, bodyTimedOut, bodyTooLarge, type Refusal } from '../core/errors.js';
import { receive, type IncomingCallback, type Outcome } from '../core/receive.js';
import type { BodyInput } from '../core/decide.js';
import type { TimerQueue } from '../core/timer-queue.js';

/**
 * Options of `recallFetchHandler`: the shared ones, what to do with other requests, and where the
 * peer's address comes from. `Platform` is what the runtime passes after the request (Deno's
 * `info`, Bun's `server`, a Worker's `env`...), typed by the functions that read it.
 */
export interface RecallFetchHandlerOptions<Platform extends unknown[] = []> extends RecallWebhookOptions {
  /**
   * Answers a request that is not a callback of the receiver's `commands` (not a POST, or another
   * `CallbackCommand`).
   * @default a `Response` with HTTP 404 and a protocol-style JSON FAIL (`NOT_HANDLED`)
   */
  readonly onUnhandled?: ((request: Request, ...platform: Platform) => Response | Promise<Response>) | undefined;

  /**
   * The address of the peer that sent `request`, which a `Request` does not carry: each runtime
   * tells it its own way, and only the app knows which proxy headers to believe. Required with
   * `allowFrom`; without it, events carry no `remoteAddress`. A throw counts as no address.
   * @example (_request, info: Deno.ServeHandlerInfo) => info.remoteAddr.hostname // Deno.serve
   * @example (request, server: Bun.Server) => server.requestIP(request)?.address // Bun.serve
   * @example (request) => request.headers.get('cf-connecting-ip') // Cloudflare Workers
   * @default undefined (the address is not known)
   */
  readonly remoteAddress?: ((request: Request, ...platform: Platform) => string | null | undefined) | undefined;
}

const ADAPTER_OPTIONS = [
  'onUnhandled',
  'remoteAddress',
] as const satisfies readonly (keyof RecallFetchHandlerOptions)[];

/** A handler of web-standard requests (route handlers, serverless functions) that answers recall callbacks. */
export interface RecallFetchHandler<Platform extends unknown[] = []> {
  (request: Request, ...platform: Platform): Promise<Response>;
  /** Where every recall event, `'duplicate'` and `'rejected'` are emitted. */
  readonly events: RecallEmitter;
}

/**
 * Creates a `(request: Request, ...platform) => Promise<Response>` handler, with the same options,
 * events and answers as the Express middleware, for runtimes built on the web-standard `Request`
 * and `Response` of Node.js 20 and later.
 *
 * @example
 * const handler = recallFetchHandler({ sdkAppId: 1400000000, token: process.env.IM_CALLBACK_TOKEN });
 * export const POST = handler; // a route handler
 */
export function recallFetchHandler<Platform extends unknown[] = []>(
  options: RecallFetchHandlerOptions<Platform>,
): RecallFetchHandler<Platform> {
  const config = createConfig('recallFetchHandler', options, ADAPTER_OPTIONS);
  const unhandled = functionOption('onUnhandled', ownOption(options, 'onUnhandled'), () =>
    respond(NOT_HANDLED_ANSWER, 404),
  );
  const addressOf = addressOption(ownOption(options, 'remoteAddress'));
  if (config.allowFrom !== undefined && addressOf === undefined) {
    throw configError(
      "recallFetchHandler needs `remoteAddress` with `allowFrom`: a Request does not carry the peer's address. " +
        'Pass a function that reads it from your runtime, e.g. (request, info) => info.remoteAddr.hostname on Deno.',
    );
  }
  const handler = async (request: Request, ...platform: Platform): Promise<Response> => {
    const outcome = await new Promise<Outcome>((resolve) => {
      const readBody: IncomingCallback['readBody'] = (limit, deadlines, done) => {
        readWebBody(request, limit, deadlines).then(done, () => {
          done(refusal('BODY_UNREADABLE', 'the body could not be read'));
        });
      };
      const peer = addressOf?.(request, ...platform);
      receive(config, { method: request.method, url: request.url, remoteAddress: peer, readBody }, resolve);
    });
    return outcome.kind === 'pass' ? unhandled(request, ...platform) : respond(outcome.answer, 200);
  };
  return Object.assign(handler, { events: config.emitter });
}

function respond(answer: string, status: number): Response {
  return new Response(answer, { status, headers: answerHeaders(answer) });
}

/**
 * The body of a web-standard `Request`, read chunk by chunk so that the limit holds while it
 * streams (a declared `Content-Length` over the limit is refused before reading anything), and
 * within the deadlines' time as a whole.
 */
async function readWebBody(request: Request, limitBytes: number, deadlines: TimerQueue): Promise<BodyInput | Refusal> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limitBytes) return bodyTooLarge(limitBytes);
  if (request.body === null) return { bytes: new Uint8Array(0) };
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const result = await new Promise<BodyInput | Refusal>((resolve) => {
    const deadline = deadlines.start(() => {
      resolve(bodyTimedOut(deadlines.ms));
    });
    void readAll(reader, limitBytes).then((read) => {
      deadline.cancel();
      resolve(read);
    });
  });
  // Cancelling tells the runtime the rest is unwanted; its rejection, if any, changes nothing.
  if (!('bytes' in result)) reader.cancel().catch(() => undefined);
  return result;
}

async function readAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limitBytes: number,
): Promise<BodyInput | Refusal> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > limitBytes) return bodyTooLarge(limitBytes);
      chunks.push(read.value);
    }
  } catch {
    return bodyAborted();
  }
  return { bytes: Buffer.concat(chunks, size) };
}
