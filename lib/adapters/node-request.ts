import type { ServerResponse, IncomingMessage } from 'node:http';
import type { ResolvedConfig } from '../core/config.js';
import type { Done } from '../core/async.js';
import { handOn, receive, type IncomingCallback } from '../core/receive.js';
import type { VerifiedCallback } from '../core/verified.js';
import type { TimerQueue } from '../core/timer-queue.js';
import type { BodyInput } from '../core/decide.js';
import { bodyAborted, bodyTimedOut, bodyTooLarge, refusal, type Refusal } from '../core/errors.js';
import { answerHeaders } from '../protocol/answer.js';
import { jsonSize } from '../protocol/json.js';

/**
 * What the Express middleware and the `node:http` handler share: run a Node request from
 * `remoteAddress` through the protocol and write its answer; hand a request the receiver does not
 * answer to `pass`: with what was verified, attached to `req` too, for an authentic callback of
 * another command. An error thrown by `pass` (the app's code) goes to `onError`, never up into the
 * stream that called.
 */
export function handleNodeRequest(
  config: ResolvedConfig,
  req: NodeRequest,
  res: ServerResponse,
  remoteAddress: string | undefined,
  pass: (verified: VerifiedCallback | undefined) => void,
  onError: (error: unknown) => void,
): void {
  const readBody: IncomingCallback['readBody'] = (limit, deadlines, done) => {
    readNodeBody(req, limit, deadlines, done);
  };
  receive(config, { method: req.method, url: req.url ?? '/', remoteAddress, readBody }, (outcome) => {
    try {
      if (outcome.kind === 'answer') writeAnswer(req, res, outcome.answer);
      else pass(handOn(config, req, outcome));
    } catch (error) {
      onError(error);
    }
  });
}

/**
 * A Node request as Express hands it on: `body` is set when a body parser ran before, `ip` is
 * Express's view of the peer's address (which honours the app's `trust proxy` setting).
 */
export type NodeRequest = IncomingMessage & { body?: unknown; ip?: string | undefined };

/**
 * The body of a Node request. When an earlier body parser already consumed the stream
 * (`express.json()`, `express.text()`, `express.raw()`), its result is used. Otherwise the stream
 * is read here, even if a parser ran and skipped it (a content-type it does not handle leaves
 * `{}` or `undefined` and the stream unread): the Chat backend's Content-Type is not documented.
 *
 * The limit holds as the bytes arrive (and at once for a `Content-Length` over it), and the whole
 * body must arrive within the deadlines' time, so a client that trickles bytes cannot hold the request.
 * @internal
 */
export function readNodeBody(
  req: NodeRequest,
  limitBytes: number,
  deadlines: TimerQueue,
  done: Done<BodyInput | Refusal>,
): void {
  if (req.readableEnded) {
    done(fromBodyParser(req, limitBytes));
    return;
  }
  const declared = req.headers['transfer-encoding'] === undefined ? Number(req.headers['content-length'] ?? 0) : 0;
  if (declared > limitBytes) {
    done(bodyTooLarge(limitBytes));
    return;
  }
  // Strings when an earlier middleware set an encoding (raw-body capture calls
  // `req.setEncoding('utf8')`): see `isTextEncoding`.
  const asText = isTextEncoding(req.readableEncoding);
  const chunks: (Buffer | string)[] = [];
  let size = 0;
  let finished = false;
  // The listeners stay on the request once it is finished, doing nothing: taking them off again
  // cost as much as adding them, on every callback.
  const finish = (result: BodyInput | Refusal): void => {
    if (finished) return;
    finished = true;
    deadline.cancel();
    // What is left unread stays unread: the answer closes the connection (see writeAnswer).
    if (!req.readableEnded) req.pause();
    done(result);
  };
  // A throw in a stream's listener ends the process: none leaves these.
  const guarded =
    <A extends unknown[]>(listener: (...args: A) => void) =>
    (...args: A): void => {
      try {
        listener(...args);
      } catch (cause) {
        finish(refusal('BODY_UNREADABLE', 'the body could not be read', cause));
      }
    };
  const deadline = deadlines.start(() => {
    finish(bodyTimedOut(deadlines.ms));
  });
  req
    .on(
      'data',
      guarded((chunk: Buffer | string) => {
        if (finished) return;
        const bytes = typeof chunk === 'string' && !asText ? Buffer.from(chunk, req.readableEncoding ?? 'utf8') : chunk;
        // The limit is in bytes, whatever the chunks are: text is counted as its UTF-8.
        size += typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
        if (size > limitBytes) finish(bodyTooLarge(limitBytes));
        else chunks.push(bytes);
      }),
    )
    .on(
      'end',
      guarded(() => {
        finish(asText ? { text: chunks.join('') } : { bytes: joined(chunks as Buffer[], size) });
      }),
    )
    // A client that goes away mid-body (ECONNRESET, 'aborted') closes the request before 'end'.
    // No 'error' listener is needed for it: a request with none drops its error (Node's
    // IncomingMessage), and 'close' follows either way.
    .on(
      'close',
      guarded(() => {
        // 'close' follows every request, read or not: an error is made only for one cut short.
        if (!finished) finish(bodyAborted());
      }),
    );
}

function joined(chunks: Buffer[], size: number): Buffer {
  const [only] = chunks;
  return chunks.length === 1 && only !== undefined ? only : Buffer.concat(chunks, size);
}

/**
 * Whether a stream with this encoding gives text rather than bytes written as a string. Strings
 * of `latin1`, `hex` or `base64` turn back into the bytes they came from, which are read as if
 * no encoding had been set. Text (`utf8`, `utf16le`) is read as the text it is: bytes that were
 * not UTF-8 are U+FFFD in it already, which decideBody refuses, since the bytes cannot be known.
 */
function isTextEncoding(encoding: BufferEncoding | null): boolean {
  return encoding !== null && !BYTE_ENCODINGS.has(encoding);
}

// As a stream names them: setEncoding() gives the canonical name ('binary' is 'latin1').
const BYTE_ENCODINGS: ReadonlySet<string> = new Set(['latin1', 'hex', 'base64', 'base64url']);

// A parser's own limit (100kb by default) is usually larger than this one, so its result is held
// to this limit too: by the bytes a raw or text parser kept; for a value a JSON parser made, by
// the declared Content-Length (Node ends a body at that length), and by the value written back as
// JSON, for a chunked or compressed body (a sender's JSON is within a few bytes of it).
function fromBodyParser(req: NodeRequest, limitBytes: number): BodyInput | Refusal {
  const { body } = req;
  if (Buffer.isBuffer(body)) return body.length > limitBytes ? bodyTooLarge(limitBytes) : { bytes: body };
  if (typeof body === 'string') return Buffer.byteLength(body) > limitBytes ? bodyTooLarge(limitBytes) : { text: body };
  if (body === undefined || body === null) {
    return refusal('BODY_UNREADABLE', 'the body was consumed before this middleware and not kept');
  }
  if (Number(req.headers['content-length']) > limitBytes) return bodyTooLarge(limitBytes);
  const size = jsonSize(body);
  if (size === undefined)
    return refusal(
      'BODY_UNREADABLE',
      'the body a parser made before this middleware cannot be measured as JSON (a cycle, or nesting too deep)',
    );
  if (size > limitBytes) return bodyTooLarge(limitBytes);
  // A form parser (express.urlencoded(), mounted app-wide, and `curl -d` sends a form type) turns
  // the JSON text into a key of its own, decoding `+` and `%` in it: the body cannot be recovered.
  if (FORM.test(req.headers['content-type'] ?? '') && !hasCallbackCommand(body)) {
    return refusal(
      'BODY_UNREADABLE',
      'the body was parsed as a form (express.urlencoded() or similar) before this middleware: mount the middleware before that parser, or skip the parser on the callback path',
    );
  }
  return { parsed: body };
}

const FORM = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

// `body` is neither undefined nor null here (see fromBodyParser); a primitive has no such field.
function hasCallbackCommand(body: unknown): boolean {
  return typeof (body as { CallbackCommand?: unknown }).CallbackCommand === 'string';
}

/** Whether the request announces a body (one still unread at answer time is not drained). */
function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Writes a protocol answer on a Node response: HTTP 200 with JSON for every callback, since the
 * Chat backend counts any other status or a non-JSON body as a failed delivery.
 */
export function writeAnswer(req: NodeRequest, res: ServerResponse, answer: string, status = 200): void {
  if (res.headersSent) return;
  // A body still unread here belongs to a refused request (unauthenticated, or over the limit):
  // closing the connection stops it, where Node would otherwise read and discard all of it.
  if (!req.readableEnded && announcesBody(req)) res.setHeader('Connection', 'close');
  res.writeHead(status, answerHeaders(answer));
  res.end(answer);
}
