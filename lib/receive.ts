import { failAnswer, OK_ANSWER } from './answer.js';
import type { ResolvedConfig } from './config.js';
import { decideBody, decideQuery, type BodyInput } from './core.js';
import { deliver, reportRejection } from './dispatch.js';
import { recallError, type RecallWebhookError } from './errors.js';
import { log } from './log.js';

/** A request as an adapter hands it over: method, URL, and a way to read the body when asked. */
export interface IncomingCallback {
  readonly method: string | undefined;
  readonly url: string;
  /** Reads the body, enforcing the limit; resolves to the body or to why it could not be read. */
  readonly readBody: (limitBytes: number) => Promise<BodyInput | RecallWebhookError>;
}

export type Outcome =
  /** Not a recall callback: the adapter hands it on untouched. */
  | { readonly kind: 'pass' }
  /** Answer with HTTP 200 and this JSON; `error` is why it is a FAIL, if it is. */
  | { readonly kind: 'answer'; readonly answer: string; readonly error: RecallWebhookError | undefined };

/**
 * Runs one callback through the whole protocol: query, authentication, body, validation, the
 * listeners, and the answer. Never rejects; every failure becomes a FAIL answer and a `'rejected'` event.
 */
export async function receive(config: ResolvedConfig, request: IncomingCallback): Promise<Outcome> {
  try {
    return await steps(config, request);
  } catch (cause) {
    // Only code the app supplied can throw here (a custom Ajv keyword, its own emitter).
    return fail(config, recallError('INTERNAL_ERROR', 'the receiver failed', cause));
  }
}

async function steps(config: ResolvedConfig, request: IncomingCallback): Promise<Outcome> {
  const receivedAt = new Date();
  const first = decideQuery(config, request.method, request.url, receivedAt.getTime());
  if (first.kind === 'pass') {
    log('pass: %s', first.reason);
    return { kind: 'pass' };
  }
  if (first.kind === 'reject') return fail(config, first.error);
  const body = await request.readBody(config.limitBytes);
  if (!isBodyInput(body)) return fail(config, body);
  const second = decideBody(config, first.context, body, receivedAt);
  if (second.kind === 'reject') return fail(config, second.error);
  const failure = await deliver(config.emitter, second.event, config.timeoutMs);
  if (failure !== undefined) return fail(config, failure);
  log('recall %s of SdkAppid %d handled', second.event.body.MsgKey, second.event.sdkAppId);
  return { kind: 'answer', answer: OK_ANSWER, error: undefined };
}

function isBodyInput(body: BodyInput | RecallWebhookError): body is BodyInput {
  return !(body instanceof Error);
}

function fail(config: ResolvedConfig, error: RecallWebhookError): Outcome {
  log('refused %s: %s', error.code, error.message);
  reportRejection(config.emitter, error);
  return { kind: 'answer', answer: failAnswer(error), error };
}
