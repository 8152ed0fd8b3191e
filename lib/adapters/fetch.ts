import { answerHeaders, NOT_HANDLED_ANSWER, OK_ANSWER } from '../protocol/answer.js';
import { addressOption, createConfig, functionOption, ownOption } from '../options/factory.js';
import { configError } from '../options/checks.js';
import type { RecallEmitter } from '../core/events.js';
import type { RecallWebhookOptions } from '../options/options.js';
import { refusal, bodyAborted, bodyTimedOut, bodyTooLarge, isRefusal, type Refusal } from '../core/errors.js';
import { handOn, receive, type IncomingCallback, type Outcome } from '../core/receive.js';
import type { BodyInput } from '../core/decide.js';
import type { TimerQueue } from '../core/timer-queue.js';

/**
 * Options of `recallFetchHandler`: the shared ones, what to do with other requests, and where the
 * peer's address comes from. `Platform` is what the runtime passes after the request (Deno's
 * `info`, Bun's `server`, a Worker's `env`...), typed by the functions that read it.
 */
export interface RecallFetchHandlerOptions<Platform extends unknown[] = []> extends RecallWebhookOptions {
  /**
   * Answers a request the receiver does not answer: one that is no callback (not a POST, no
   * `CallbackCommand`), or an authentic callback of another command, whose verified fields
   * `verifiedCallback(request)` gives (see `verifyOtherCommands`).
   * @default the protocol's OK for an authentic callback of another command (which lets a
   * before-event's action through unchanged: docs/commands.md); a `Response` with HTTP 404 and a
   * protocol-style JSON FAIL (`NOT_HANDLED`) for anything else
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
  const onUnhandled = functionOption('onUnhandled', ownOption(options, 'onUnhandled'), undefined);
  const addressOf = addressOption(ownOption(options, 'remoteAddress'), config.log);
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
    if (outcome.kind === 'answer') return respond(outcome.answer, 200);
    const verified = handOn(config, request, outcome);
    if (onUnhandled !== undefined) return onUnhandled(request, ...platform);
    // A callback nobody handles is answered as if its command were not enabled (docs/commands.md).
    return verified === undefined ? respond(NOT_HANDLED_ANSWER, 404) : respond(OK_ANSWER, 200);
  };
  return Object.assign(handler, { events: config.emitter });
}

function respond(answer: string, status: number): Response {
  return new Response(answer, { status, headers: answerHeaders(answer) });
}

/**
 * The body of a web-standard `Request`, read chunk by chunk so that the limit holds while it
 * streams (a declared `Content-Length` over the limit is refused before reading anything), and
 * within the deadlines' time as a whole. Never rejects. What is left unread is cancelled.
 */
async function readWebBody(request: Request, limitBytes: number, deadlines: TimerQueue): Promise<BodyInput | Refusal> {
  const { body } = request;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limitBytes) {
    cancel(body);
    return bodyTooLarge(limitBytes);
  }
  if (body === null) return { bytes: new Uint8Array(0) };
  let reader: ReadableStreamDefaultReader<unknown>;
  try {
    reader = (body as ReadableStream<unknown>).getReader();
  } catch {
    // Locked, or already read: the app read it before handing the request over.
    return refusal('BODY_UNREADABLE', 'the body was read before this handler');
  }
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
  if (isRefusal(result)) reader.cancel().catch(() => undefined);
  return result;
}

function cancel(body: ReadableStream | null): void {
  if (body === null || body.locked) return;
  body.cancel().catch(() => undefined);
}

const encoder = new TextEncoder();
// As decideBody decodes bytes: a byte order mark at the start is no part of the JSON text.
const decoder = new TextDecoder();

/**
 * Reads a stream to its end, within the limit; never rejects. A `Request` built by the app from
 * a stream of its own (an event bridged into a `Request`) may yield strings, `ArrayBuffer`s or
 * any view of one, not only the `Uint8Array`s a runtime yields: each is read for the bytes or
 * text it holds.
 */
async function readAll(reader: ReadableStreamDefaultReader<unknown>, limitBytes: number): Promise<BodyInput | Refusal> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Whether a chunk was text: then the body is handed on as text, so that a U+FFFD that stood
  // for bytes that were not UTF-8 before they became a string is refused as such.
  let text = false;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const { value } = read;
      if (typeof value === 'string') text = true;
      const bytes = bytesOf(value);
      if (bytes === undefined)
        return refusal('BODY_UNREADABLE', 'the body stream gave a chunk that is neither bytes nor text');
      size += bytes.byteLength;
      if (size > limitBytes) return bodyTooLarge(limitBytes);
      chunks.push(bytes);
    }
  } catch {
    return bodyAborted();
  }
  const all = concat(chunks, size);
  return text ? { text: decoder.decode(all) } : { bytes: all };
}

function bytesOf(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return undefined;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return only;
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}
