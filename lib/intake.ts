import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { BodyInput } from './core.js';
import { recallError, type RecallWebhookError } from './errors.js';

/** A Node request as Express hands it on: `body` is set when a body parser ran before. */
export type NodeRequest = IncomingMessage & { body?: unknown };

/**
 * The body of a Node request. When an earlier body parser already consumed the stream
 * (`express.json()`, `express.text()`, `express.raw()`), its result is used. Otherwise the stream
 * is read here, even if a parser ran and skipped it (a content-type it does not handle leaves
 * `{}` or `undefined` and the stream unread): the Chat backend's Content-Type is not documented.
 */
export async function readNodeBody(req: NodeRequest, limitBytes: number): Promise<BodyInput | RecallWebhookError> {
  if (req.readableEnded) return fromBodyParser(req.body, limitBytes);
  try {
    // raw-body stops at the limit as bytes arrive, and at once when Content-Length is over it.
    const declared = req.headers['transfer-encoding'] === undefined ? req.headers['content-length'] : undefined;
    return { bytes: await getRawBody(req, { limit: limitBytes, length: declared ?? null }) };
  } catch (cause) {
    return readError(cause, limitBytes);
  }
}

// A parser's own limit (100kb by default) is usually larger than this one, so raw and text
// results are held to this limit too.
function fromBodyParser(body: unknown, limitBytes: number): BodyInput | RecallWebhookError {
  if (Buffer.isBuffer(body)) return body.length > limitBytes ? tooLarge(limitBytes) : { bytes: body };
  if (typeof body === 'string') return Buffer.byteLength(body) > limitBytes ? tooLarge(limitBytes) : { text: body };
  if (body === undefined || body === null) {
    return recallError('BODY_UNREADABLE', 'the body was consumed before this middleware and not kept');
  }
  return { parsed: body };
}

function readError(cause: unknown, limitBytes: number): RecallWebhookError {
  switch ((cause as { type?: unknown }).type) {
    case 'entity.too.large':
      return tooLarge(limitBytes);
    case 'request.aborted':
    case 'request.size.invalid':
      return recallError('BODY_ABORTED', 'the client closed the request before the body was complete');
    default:
      return recallError('BODY_UNREADABLE', 'the body could not be read');
  }
}

function tooLarge(limitBytes: number): RecallWebhookError {
  return recallError('BODY_TOO_LARGE', `body is larger than ${String(limitBytes)} bytes`);
}

/** Whether the request announces a body (one still unread at answer time is not drained). */
export function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
