import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { once } from 'node:events';
import {
  DEFAULT_POST_TIMEOUT_MS,
  excerpt,
  MAX_ANSWER_BYTES,
  NotProtocolAnswer,
  protocolAnswerOf,
  type PostLimits,
  type ProtocolAnswer,
} from './delivery.js';

/**
 * POSTs a callback body and resolves to the protocol answer; rejects when the receiver cannot be
 * reached, does not answer within `timeoutMs`, or answers with something that is not the
 * protocol's (HTTP 200 with its JSON), of which at most 64 KiB is read. Without an `agent`, the
 * connection is closed after the answer.
 */
export async function postCallback(
  url: URL,
  body: string,
  agent?: Agent,
  { timeoutMs = DEFAULT_POST_TIMEOUT_MS }: PostLimits = {},
): Promise<ProtocolAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (agent === undefined) headers.Connection = 'close';
  const where = `${url.origin}${url.pathname}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const req = send(url, { method: 'POST', headers, signal, ...(agent === undefined ? {} : { agent }) });
  req.end(body);
  try {
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
      if (size > MAX_ANSWER_BYTES) {
        res.destroy();
        throw new NotProtocolAnswer(
          res.statusCode,
          `expected a protocol answer from ${where}, got HTTP ${String(res.statusCode)} with more than ` +
            `${String(MAX_ANSWER_BYTES)} bytes: ${excerpt(Buffer.concat(chunks).toString('utf8'))}`,
        );
      }
    }
    return protocolAnswerOf(res.statusCode, Buffer.concat(chunks).toString('utf8'), where);
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer from ${where} within ${String(timeoutMs)} ms`, { cause: error });
    throw error;
  }
}
