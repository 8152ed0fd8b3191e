import type { BodyInput } from './core.js';
import { bodyAborted, bodyTimedOut, bodyTooLarge } from './body-errors.js';
import type { RecallWebhookError } from './errors.js';

/**
 * The body of a web-standard `Request`, read chunk by chunk so that the limit holds while it
 * streams (a declared `Content-Length` over the limit is refused before reading anything), and
 * within `timeoutMs` as a whole.
 */
export async function readWebBody(
  request: Request,
  limitBytes: number,
  timeoutMs: number,
): Promise<BodyInput | RecallWebhookError> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limitBytes) return bodyTooLarge(limitBytes);
  if (request.body === null) return { bytes: new Uint8Array(0) };
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RecallWebhookError>((resolve) => {
    timer = setTimeout(() => {
      resolve(bodyTimedOut(timeoutMs));
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([readAll(reader, limitBytes), deadline]);
    // Cancelling tells the runtime the rest is unwanted; its rejection, if any, changes nothing.
    if (!('bytes' in result)) reader.cancel().catch(() => undefined);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

async function readAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limitBytes: number,
): Promise<BodyInput | RecallWebhookError> {
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
