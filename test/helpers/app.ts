import express5 from 'express';
import express4 from 'express4';
import type { Express } from 'express';
import { recallWebhook, type RecallMiddleware } from '../../lib/adapters/express.js';
import type { RecallWebhookError } from '../../lib/core/errors.js';
import type { AnyRecallEvent, RecallEmitter, RecallEvent } from '../../lib/core/events.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { receiverOptions } from '../fixtures/callbacks.js';
import { verifiedCallback } from '../../lib/core/verified.js';

export const EXPRESS_VERSIONS = [
  { name: 'Express 5', express: express5 },
  { name: 'Express 4', express: express4 },
] as const;

/** Body parsers an app may have mounted before the middleware. */
export const BODY_PARSERS = {
  'no body parser': undefined,
  'express.json()': (e: typeof express5) => e.json(),
  'express.text()': (e: typeof express5) => e.text({ type: '*/*' }),
  'express.raw()': (e: typeof express5) => e.raw({ type: '*/*' }),
} as const;

export type BodyParserName = keyof typeof BODY_PARSERS;

export interface TestApp {
  readonly app: Express;
  readonly recall: RecallMiddleware;
  /** Every `'recall'` event, in order. */
  readonly recalls: RecallEvent[];
  /** Every event of any recall command, under its event name, in order. */
  readonly emitted: Emitted[];
  /** Every `'rejected'` error, in order. */
  readonly rejections: RecallWebhookError[];
}

/**
 * An app with the middleware at `/callback` and, after it, a handler that answers 404
 * `{ passedOn: true, verified }`, so a request the middleware hands on with `next()` is visible,
 * with what was verified of it, if anything.
 */
export function buildApp(
  options: Partial<RecallWebhookOptions> = {},
  { express = express5, parser = 'no body parser' }: { express?: typeof express5; parser?: BodyParserName } = {},
): TestApp {
  const app = express();
  const makeParser = BODY_PARSERS[parser];
  if (makeParser !== undefined) app.use(makeParser(express));
  const recall = recallWebhook(receiverOptions(options));
  const seen = record(recall.events);
  app.use('/callback', recall);
  app.use((req, res) => {
    res.status(404).json({ passedOn: true, verified: verifiedCallback(req) });
  });
  return { app, recall, ...seen };
}

/** An event of a recall command, under the name it was emitted as. */
export interface Emitted {
  readonly name: 'recall' | 'groupRecall' | 'officialAccountRecall';
  readonly event: AnyRecallEvent;
}

/** Records every recall event and every rejection of a receiver, in order. */
export function record(events: RecallEmitter): Pick<TestApp, 'recalls' | 'emitted' | 'rejections'> {
  const recalls: RecallEvent[] = [];
  const emitted: Emitted[] = [];
  const rejections: RecallWebhookError[] = [];
  events.on('recall', (event) => {
    recalls.push(event);
    emitted.push({ name: 'recall', event });
  });
  events.on('groupRecall', (event) => emitted.push({ name: 'groupRecall', event }));
  events.on('officialAccountRecall', (event) => emitted.push({ name: 'officialAccountRecall', event }));
  events.on('rejected', (error) => rejections.push(error));
  return { recalls, emitted, rejections };
}

export const OK = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 } as const;
