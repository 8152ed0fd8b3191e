import request from 'supertest';
import type { RecallWebhookError } from '../../lib/core/errors.js';
import type { RecallEmitter, RecallEvent } from '../../lib/core/events.js';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { recallNodeHandler } from '../../lib/adapters/node-handler.js';
import { recallReceiver } from '../../lib/adapters/receiver.js';
import { recallScfHandler } from '../../lib/adapters/scf.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { receiverOptions } from '../fixtures/callbacks.js';
import { buildApp, EXPRESS_VERSIONS, OK, record, type Emitted } from './app.js';
import { verifiedCallback, type VerifiedCallback } from '../../lib/core/verified.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  /**
   * The request was handed on: `next()`; the handler's not-handled answer, or its default OK for
   * an authentic callback of another command.
   */
  readonly passed: boolean;
  /** What the receiver verified of a request it handed on, as the app's next handler read it (JSON's view of it). */
  readonly verified: Record<string, unknown> | undefined;
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
): Promise<Omit<TableResult, 'passed' | 'verified' | 'recalls' | 'emitted' | 'rejections'>> {
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

/** How a handler hands a request on by default: NOT_HANDLED, or OK for an authentic callback of another command. */
const handedOn = (status: number, text: string, verified: unknown): boolean =>
  verified === undefined ? isNotHandled(status, text) : status === 200 && text === JSON.stringify(OK);

/** What was verified of a request, as JSON sees it (the `Date` a string), as the Express app's next handler sends it. */
const asJson = (verified: VerifiedCallback | undefined): Record<string, unknown> | undefined =>
  verified === undefined ? undefined : (JSON.parse(JSON.stringify(verified)) as Record<string, unknown>);

/** The three adapters, Express in both majors: one behaviour table runs against each. */
export const ADAPTERS: readonly Adapter[] = [
  ...EXPRESS_VERSIONS.map(({ name, express }): Adapter => ({
    name: `Express middleware on ${name}`,
    async send(options, setup, req) {
      const target = buildApp(options, { express });
      setup(target.recall.events);
      const res = await viaSupertest(target.app, req);
      const next =
        res.status === 404 ? (JSON.parse(res.text) as { passedOn?: true; verified?: Record<string, unknown> }) : {};
      return {
        ...res,
        passed: next.passedOn === true,
        verified: next.verified,
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
      let verified: VerifiedCallback | undefined;
      const res = await viaSupertest((incoming: IncomingMessage, out: ServerResponse) => {
        out.on('finish', () => (verified = verifiedCallback(incoming)));
        handler(incoming, out);
      }, req);
      return { ...res, ...seen, verified: asJson(verified), passed: handedOn(res.status, res.text, verified) };
    },
  },
  {
    name: 'recallReceiver (no HTTP)',
    async send(options, setup, req) {
      const receive = recallReceiver(receiverOptions(options));
      const seen = record(receive.events);
      setup(receive.events);
      const result = await receive({ method: req.method, query: req.url, body: req.body, remoteAddress: TEST_PEER });
      const verified = result.kind === 'verified' ? result.callback : undefined;
      return {
        status: result.status,
        contentType: result.headers['Content-Type'] ?? null,
        text: result.answer,
        ...seen,
        verified: asJson(verified),
        passed: result.kind === 'ignored' || result.kind === 'verified',
      };
    },
  },
  {
    name: 'SCF event function',
    async send(options, setup, req) {
      // What onUnhandled is given is what was handed on (its default answers: test/adapters/scf.test.ts).
      let handedOn: { verified: VerifiedCallback | undefined } | undefined;
      const handler = recallScfHandler({
        ...receiverOptions(options),
        onUnhandled: (_event, verified) => {
          handedOn = { verified };
          return { isBase64Encoded: false, statusCode: 404, headers: {}, body: 'handed on' };
        },
      });
      const seen = record(handler.events);
      setup(handler.events);
      const search = new URL(req.url, 'http://x').searchParams;
      const queryString: Record<string, string | string[]> = {};
      for (const name of new Set(search.keys())) {
        const values = search.getAll(name);
        queryString[name] = values.length === 1 ? (values[0] ?? '') : values;
      }
      // Bytes as the gateway passes them, base64; text as it is.
      const binary = typeof req.body !== 'string';
      const response = await handler({
        httpMethod: req.method,
        path: '/callback',
        queryString,
        headers: { ...req.headers, 'content-type': 'application/json' },
        body: binary ? req.body.toString('base64') : req.body,
        isBase64Encoded: binary,
        requestContext: { sourceIp: TEST_PEER },
      });
      return {
        status: response.statusCode,
        contentType: response.headers['Content-Type'] ?? null,
        text: response.body,
        ...seen,
        verified: asJson(handedOn?.verified),
        passed: handedOn !== undefined,
      };
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
      const request = new Request(`http://receiver.test${req.url}`, init);
      const res = await handler(request);
      const text = await res.text();
      const verified = verifiedCallback(request);
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        text,
        ...seen,
        verified: asJson(verified),
        passed: handedOn(res.status, text, verified),
      };
    },
  },
];
