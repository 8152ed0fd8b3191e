import request from 'supertest';
import type { RecallWebhookError } from '../../lib/core/errors.js';
import type { RecallEmitter, RecallEvent } from '../../lib/core/events.js';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { recallNodeHandler } from '../../lib/adapters/node-handler.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { receiverOptions } from '../fixtures/callbacks.js';
import { buildApp, EXPRESS_VERSIONS, record, type Emitted } from './app.js';

/** A request as the behaviour table states it. */
export interface TableRequest {
  readonly method: string;
  /** Path (always `/callback`) and query. */
  readonly url: string;
  /** Sent as it is: a string as UTF-8, bytes as they are. */
  readonly body: string | Buffer;
  /** More headers; the request's Content-Type is `application/json`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The peer address every adapter sees in these tests: supertest's server listens on IPv4 loopback,
 * and the fetch handler is given the same through its `remoteAddress` option.
 */
export const TEST_PEER = '127.0.0.1';

/** What came back, the same way for every adapter. */
export interface TableResult {
  /** The request was handed on: `next()`, or the handler's not-handled answer. */
  readonly passed: boolean;
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly recalls: readonly RecallEvent[];
  /** Every event of any recall command, under its event name. */
  readonly emitted: readonly Emitted[];
  readonly rejections: readonly RecallWebhookError[];
}

export interface Adapter {
  readonly name: string;
  /** Builds a receiver with `options`, lets `setup` add listeners, and sends it `req`. */
  send(
    options: Partial<RecallWebhookOptions>,
    setup: (events: RecallEmitter) => void,
    req: TableRequest,
  ): Promise<TableResult>;
}

async function viaSupertest(
  target: Parameters<typeof request>[0],
  req: TableRequest,
): Promise<Omit<TableResult, 'passed' | 'recalls' | 'emitted' | 'rejections'>> {
  const agent = request(target);
  const sent =
    req.method === 'GET'
      ? agent.get(req.url).set(req.headers ?? {})
      : agent
          .post(req.url)
          .set({ ...req.headers, 'Content-Type': 'application/json' })
          // As it is: superagent would write a Buffer under a JSON type as JSON of its bytes.
          .serialize((body: unknown) => body as string)
          .send(req.body);
  const res = await sent;
  return { status: res.status, contentType: res.get('content-type') ?? null, text: res.text };
}

const isNotHandled = (status: number, text: string): boolean => status === 404 && text.includes('"NOT_HANDLED: ');

/** The three adapters, Express in both majors: one behaviour table runs against each. */
export const ADAPTERS: readonly Adapter[] = [
  ...EXPRESS_VERSIONS.map(({ name, express }): Adapter => ({
    name: `Express middleware on ${name}`,
    async send(options, setup, req) {
      const target = buildApp(options, { express });
      setup(target.recall.events);
      const res = await viaSupertest(target.app, req);
      return {
        ...res,
        passed: res.text === '{"passedOn":true}',
        recalls: target.recalls,
        emitted: target.emitted,
        rejections: target.rejections,
      };
    },
  })),
  {
    name: 'node:http handler',
    async send(options, setup, req) {
      const handler = recallNodeHandler(receiverOptions(options));
      const seen = record(handler.events);
      setup(handler.events);
      const res = await viaSupertest(handler, req);
      return { ...res, ...seen, passed: isNotHandled(res.status, res.text) };
    },
  },
  {
    name: 'fetch handler',
    async send(options, setup, req) {
      const handler = recallFetchHandler({ remoteAddress: () => TEST_PEER, ...receiverOptions(options) });
      const seen = record(handler.events);
      setup(handler.events);
      const init =
        req.method === 'GET'
          ? { method: 'GET', headers: { ...req.headers } }
          : { method: req.method, body: req.body, headers: { ...req.headers, 'Content-Type': 'application/json' } };
      const res = await handler(new Request(`http://receiver.test${req.url}`, init));
      const text = await res.text();
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        text,
        ...seen,
        passed: isNotHandled(res.status, text),
      };
    },
  },
];
