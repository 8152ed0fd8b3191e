import { expect } from 'chai';
import { connect, Socket } from 'node:net';
import { IncomingMessage, request } from 'node:http';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  receiverUrl,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  sampleWithByteInMsgKey,
  TOKEN,
} from '../fixtures/callbacks.js';
import { BODY_PARSERS, buildApp, EXPRESS_VERSIONS, OK, type BodyParserName, type TestApp } from '../helpers/app.js';
import type { RequestHandler } from 'express';
import { listen, rawPost, type RawResponse, type Running } from '../helpers/http.js';
import { unhandledDuring } from '../helpers/unhandled.js';
import { readNodeBody, type NodeRequest } from '../../lib/adapters/node-request.js';
import { TimerQueue } from '../../lib/core/timer-queue.js';

const CONTENT_TYPES = [undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain'] as const;

/** A chunked POST whose chunks leave a little apart, so that the server reads each on its own. */
async function slowPost(port: number, path: string, chunks: readonly Buffer[]): Promise<RawResponse> {
  const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false });
  // The answer may come before the last chunk leaves, and the connection close under the rest.
  req.on('error', () => undefined);
  const answered = once(req, 'response');
  for (const chunk of chunks) {
    req.write(chunk);
    await sleep(15);
  }
  req.end();
  const [res] = (await answered) as [IncomingMessage];
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk as string;
  return { status: res.statusCode ?? 0, headers: res.headers, text };
}

function answerOf(res: RawResponse): unknown {
  return JSON.parse(res.text) as unknown;
}

function codeOf(res: RawResponse): string {
  return (answerOf(res) as { ErrorInfo: string }).ErrorInfo.split(':')[0] ?? '';
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

for (const { name, express } of EXPRESS_VERSIONS) {
  describe(`body intake on ${name}`, () => {
    let running: Running | undefined;
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });

    async function serve(
      options: Parameters<typeof buildApp>[0] = {},
      parser: BodyParserName = 'no body parser',
    ): Promise<[TestApp, number]> {
      const target = buildApp(options, { express, parser });
      running = await listen(target.app);
      return [target, running.port];
    }

    /** The middleware mounted after `earlier`, as an app that parses bodies app-wide does. */
    async function serveAfter(
      earlier: RequestHandler,
      options: Parameters<typeof buildApp>[0] = {},
    ): Promise<[TestApp, number]> {
      const app = express();
      app.use(earlier);
      const target = buildApp(options, { express });
      app.use(target.app);
      running = await listen(app);
      return [target, running.port];
    }

    for (const encoding of ['utf8', 'latin1', 'binary', 'hex', 'base64', 'base64url'] as const) {
      it(`should read a body in two chunks after req.setEncoding('${encoding}'), as raw-body capture sets it`, async () => {
        const [target, port] = await serveAfter((req, _res, next) => {
          req.setEncoding(encoding);
          next();
        });
        // Not ASCII, so that bytes read as text of the wrong encoding would show.
        const body = { ...SAMPLE_WITH_UNREAD, From_Account: '用户一' };
        const bytes = Buffer.from(JSON.stringify(body));
        const { rejections } = await unhandledDuring(async () => {
          const res = await slowPost(port, receiverUrl(), [bytes.subarray(0, 25), bytes.subarray(25)]);
          expect(answerOf(res)).to.deep.equal(OK);
        });
        expect(rejections).to.deep.equal([]);
        expect(target.recalls.map((e) => e.body)).to.deep.equal([body]);
      });
    }

    it("should refuse with BODY_INVALID_UTF8 a body whose bytes req.setEncoding('utf8') replaced, emitting nothing", async () => {
      const [target, port] = await serveAfter((req, _res, next) => {
        req.setEncoding('utf8');
        next();
      });
      const res = await slowPost(port, receiverUrl(), [sampleWithByteInMsgKey(0xff)]);
      expect(codeOf(res)).to.equal('BODY_INVALID_UTF8');
      expect(target.recalls).to.deep.equal([]);
    });

    it("should count the limit in bytes after req.setEncoding('utf8')", async () => {
      // 6 bytes of UTF-8 a character, but one character of the string.
      const body = `{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw","MsgKey":"${'你'.repeat(40)}"}`;
      const [, port] = await serveAfter(
        (req, _res, next) => {
          req.setEncoding('utf8');
          next();
        },
        { limit: Buffer.byteLength(body) - 1 },
      );
      expect(codeOf(await slowPost(port, receiverUrl(), [Buffer.from(body)]))).to.equal('BODY_TOO_LARGE');
    });

    for (const parser of Object.keys(BODY_PARSERS) as BodyParserName[]) {
      for (const contentType of CONTENT_TYPES) {
        it(`should read the body with ${parser} and Content-Type ${contentType ?? 'absent'}`, async () => {
          const [target, port] = await serve({}, parser);
          const headers: Record<string, string> = contentType === undefined ? {} : { 'Content-Type': contentType };
          const res = await rawPost(port, receiverUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
          expect(res.status).to.equal(200);
          expect(answerOf(res)).to.deep.equal(OK);
          expect(target.recalls.map((e) => e.body)).to.deep.equal([SAMPLE_WITH_UNREAD]);
        });
      }
    }

    for (const parser of ['no body parser', 'express.text()', 'express.raw()', 'express.json()'] as const) {
      it(`should refuse a body over the limit with BODY_TOO_LARGE, with ${parser}, and close the connection`, async () => {
        const [target, port] = await serve({ limit: 100 }, parser);
        // text/plain: express.json() skips it, so this middleware reads the stream itself.
        const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, Padding: 'x'.repeat(200) });
        const res = await rawPost(port, receiverUrl(), { headers: { 'Content-Type': 'text/plain' }, chunks: [body] });
        expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
        expect(target.recalls).to.have.length(0);
      });
    }

    it('should refuse a chunked body that grows over the limit as it streams', async () => {
      const [target, port] = await serve({ limit: 1000 });
      const chunks = Array.from({ length: 50 }, () => 'x'.repeat(100));
      const res = await rawPost(port, receiverUrl(), { headers: { 'Transfer-Encoding': 'chunked' }, chunks });
      expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
      expect(res.headers.connection).to.equal('close');
      expect(target.recalls).to.have.length(0);
    });

    it('should refuse at once a Content-Length over the limit, without waiting for the body', async () => {
      const [target, port] = await serve({ limit: 1000 });
      const res = await rawPost(port, receiverUrl(), {
        headers: { 'Content-Length': '5000000' },
        chunks: ['{'],
        leaveOpen: true,
      });
      expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
      expect(res.headers.connection).to.equal('close');
      expect(target.recalls).to.have.length(0);
    });

    it('should accept a body that arrives in many small chunks', async () => {
      const [target, port] = await serve();
      const chunks = SAMPLE_BODY_TEXT.match(/.{1,7}/g) ?? [];
      const res = await rawPost(port, receiverUrl(), { headers: { 'Transfer-Encoding': 'chunked' }, chunks });
      expect(answerOf(res)).to.deep.equal(OK);
      expect(target.recalls).to.have.length(1);
    });

    for (const [refused, options, code] of [
      ['an unauthenticated request', { token: TOKEN }, 'SIGNATURE_MISSING'],
      ['a peer outside allowFrom', { allowFrom: ['192.0.2.0/24'] }, 'ADDRESS_FORBIDDEN'],
    ] as const) {
      it(`should answer ${refused} before its body arrives, and close the connection`, async () => {
        const [target, port] = await serve(options);
        const res = await rawPost(port, receiverUrl(), {
          headers: { 'Content-Length': '1000000' },
          chunks: ['{"a":'],
          leaveOpen: true,
        });
        expect(codeOf(res)).to.equal(code);
        expect(res.headers.connection).to.equal('close');
        expect(target.recalls).to.have.length(0);
        expect(target.rejections.map((error) => [error.code, error.remoteAddress])).to.deep.equal([
          [code, '127.0.0.1'],
        ]);
      });
    }

    it("should take the address from X-Forwarded-For only as the app's trust proxy setting says", async () => {
      const target = buildApp({ allowFrom: ['192.0.2.1'] }, { express });
      target.app.set('trust proxy', 'loopback');
      running = await listen(target.app);
      const headers = { 'X-Forwarded-For': '192.0.2.1' };
      const res = await rawPost(running.port, receiverUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
      expect(answerOf(res)).to.deep.equal(OK);
      expect(target.recalls.map((event) => event.remoteAddress)).to.deep.equal(['192.0.2.1']);
      // A chain that ends in an untrusted hop: that hop is the peer.
      const chained = { 'X-Forwarded-For': '192.0.2.1, 198.51.100.9' };
      const refused = await rawPost(running.port, receiverUrl(), { headers: chained, chunks: [SAMPLE_BODY_TEXT] });
      expect(codeOf(refused)).to.equal('ADDRESS_FORBIDDEN');
      expect(target.rejections.map((error) => error.remoteAddress)).to.deep.equal(['198.51.100.9']);
    });

    for (const [length, framing] of [
      ['with a Content-Length', {}],
      ['chunked', { 'Transfer-Encoding': 'chunked' }],
    ] as const) {
      it(`should hold a body express.json() parsed under its own larger limit to this limit, ${length}`, async () => {
        const [target, port] = await serveAfter(express.json({ limit: '1mb' }), { limit: '16kb' });
        const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, Padding: 'x'.repeat(90_000) });
        const headers = { 'Content-Type': 'application/json', ...framing };
        const res = await rawPost(port, receiverUrl(), { headers, chunks: [body] });
        expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
        expect(target.recalls).to.have.length(0);
        const small = await rawPost(port, receiverUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
        expect(answerOf(small)).to.deep.equal(OK);
      });
    }

    it('should refuse a body a form parser read first with BODY_UNREADABLE, naming the parser and the fix', async () => {
      const [target, port] = await serveAfter(express.urlencoded({ extended: false }));
      // What `curl -d '{...}'` sends: the JSON under a form type.
      const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      const res = await rawPost(port, receiverUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
      expect((answerOf(res) as { ErrorInfo: string }).ErrorInfo).to.equal(
        'BODY_UNREADABLE: the body was parsed as a form (express.urlencoded() or similar) before this middleware: mount the middleware before that parser, or skip the parser on the callback path',
      );
      expect(target.recalls).to.have.length(0);
      // The same body under a JSON type, which the form parser leaves alone, is read as usual.
      const json = await rawPost(port, receiverUrl(), {
        headers: { 'Content-Type': 'application/json' },
        chunks: [SAMPLE_BODY_TEXT],
      });
      expect(answerOf(json)).to.deep.equal(OK);
    });

    for (const parser of ['express.json()', 'express.text()'] as const) {
      it(`should refuse with BODY_INVALID_UTF8 a body ${parser} decoded, replacing bytes that were not UTF-8`, async () => {
        const [target, port] = await serve({}, parser);
        const body = sampleWithByteInMsgKey(0xff);
        const res = await rawPost(port, receiverUrl(), {
          headers: { 'Content-Type': 'application/json' },
          chunks: [body],
        });
        expect(codeOf(res)).to.equal('BODY_INVALID_UTF8');
        expect(target.recalls).to.have.length(0);
      });
    }

    it('should refuse an empty body with BODY_INVALID_JSON', async () => {
      const [, port] = await serve();
      const res = await rawPost(port, receiverUrl(), { headers: { 'Content-Length': '0' } });
      expect(codeOf(res)).to.equal('BODY_INVALID_JSON');
    });

    it('should refuse with BODY_UNREADABLE a body an earlier middleware consumed and did not keep', async () => {
      const [target, port] = await serveAfter((req, _res, next) => {
        req.resume();
        req.on('end', () => {
          next();
        });
      });
      const res = await rawPost(port, receiverUrl(), { chunks: [SAMPLE_BODY_TEXT] });
      expect((answerOf(res) as { ErrorInfo: string }).ErrorInfo).to.equal(
        'BODY_UNREADABLE: the body was consumed before this middleware and not kept',
      );
      expect(target.recalls).to.have.length(0);
    });

    for (const [what, body, expected] of [
      ['null', null, 'BODY_UNREADABLE: the body was consumed before this middleware and not kept'],
      [
        'a value with a cycle',
        (() => {
          const cyclic: Record<string, unknown> = { CallbackCommand: 'C2C.CallbackAfterMsgWithDraw' };
          cyclic.self = cyclic;
          return cyclic;
        })(),
        'BODY_UNREADABLE: the body a parser made before this middleware cannot be measured as JSON (a cycle, or nesting too deep)',
      ],
    ] as const) {
      it(`should refuse with BODY_UNREADABLE a body an earlier middleware left as ${what}`, async () => {
        const [target, port] = await serveAfter((req, _res, next) => {
          req.resume();
          req.on('end', () => {
            (req as { body?: unknown }).body = body;
            next();
          });
        });
        const res = await rawPost(port, receiverUrl(), { chunks: [SAMPLE_BODY_TEXT] });
        expect((answerOf(res) as { ErrorInfo: string }).ErrorInfo).to.equal(expected);
        expect(target.recalls).to.have.length(0);
      });
    }

    it('should refuse with BODY_INVALID, not as unreadable, JSON that express.json() parsed without a CallbackCommand', async () => {
      const [target, port] = await serve({}, 'express.json()');
      const res = await rawPost(port, receiverUrl(), {
        headers: { 'Content-Type': 'application/json' },
        chunks: [JSON.stringify({ MsgKey: 'k' })],
      });
      expect(codeOf(res)).to.equal('BODY_INVALID');
      expect(target.recalls).to.have.length(0);
    });

    it('should take a form type, with parameters or spaces, for a form a parser made, and no type that merely contains it', async () => {
      const [, port] = await serveAfter(express.json({ type: () => true }));
      const codes: string[] = [];
      for (const type of [
        'application/x-www-form-urlencoded ; charset=utf-8',
        ' multipart/form-data',
        'x-application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded-json',
      ]) {
        const res = await rawPost(port, receiverUrl(), {
          headers: { 'Content-Type': type },
          chunks: [JSON.stringify({ MsgKey: 'k' })],
        });
        codes.push(codeOf(res));
      }
      expect(codes).to.deep.equal(['BODY_UNREADABLE', 'BODY_UNREADABLE', 'BODY_INVALID', 'BODY_INVALID']);
    });

    it("should read a form a parser made of the callback's own fields", async () => {
      const [target, port] = await serveAfter(express.urlencoded({ extended: false }));
      const fields = new URLSearchParams({
        CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
        From_Account: 'a',
        To_Account: 'b',
        MsgKey: 'form-key',
      });
      const res = await rawPost(port, receiverUrl(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        chunks: [fields.toString()],
      });
      expect(answerOf(res)).to.deep.equal(OK);
      expect(target.recalls.map((event) => event.body.MsgKey)).to.deep.equal(['form-key']);
    });

    for (const [framing, headers, body, closed] of [
      ['no body at all', '', '', false],
      ['Content-Length: 0', 'Content-Length: 0\r\n', '', false],
      ['a Content-Length body left unread', 'Content-Length: 100\r\n', '{"a":', true],
      ['a chunked body left unread', 'Transfer-Encoding: chunked\r\n', '5\r\n{"a":\r\n', true],
    ] as const) {
      it(`should ${closed ? '' : 'not '}close the connection after refusing on the query a request with ${framing}`, async () => {
        const [, port] = await serve();
        const socket = connect(port, '127.0.0.1');
        await once(socket, 'connect');
        let answer = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
        socket.write(`POST ${receiverUrl({ sdkAppId: 1 })} HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`);
        try {
          await until(() => answer.includes('SDKAPPID_MISMATCH'));
        } finally {
          socket.destroy();
        }
        expect(/\r\nConnection: close\r\n/i.test(answer), answer).to.equal(closed);
      });
    }

    it('should end a body that trickles in past bodyTimeoutMs with BODY_TIMEOUT, and close the connection', async () => {
      const [target, port] = await serve({ bodyTimeoutMs: 200 });
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST ${receiverUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n`);
      const trickle = setInterval(() => socket.write(' '), 20);
      const started = Date.now();
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      try {
        await once(socket, 'end');
      } finally {
        clearInterval(trickle);
        socket.destroy();
      }
      expect(Date.now() - started).to.be.within(150, 2000);
      expect(answer).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).to.match(/\r\nConnection: close\r\n/i);
      expect(answer).to.include('"ErrorInfo":"BODY_TIMEOUT: the body did not arrive within 200 ms"');
      expect(target.recalls).to.have.length(0);
    });

    it('should leave nothing behind a body it read: no timeout, no abort, when the time passes and the client goes', async () => {
      const [target, port] = await serve({ bodyTimeoutMs: 100 });
      // A connection kept open after the answer, then closed by the client, as a keep-alive pool does.
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST ${receiverUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: ${String(Buffer.byteLength(SAMPLE_BODY_TEXT))}\r\n\r\n${SAMPLE_BODY_TEXT}`,
      );
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      await until(() => answer.includes('"ActionStatus":"OK"'));
      await sleep(200);
      socket.destroy();
      await sleep(50);
      expect(target.recalls).to.have.length(1);
      expect(target.rejections).to.deep.equal([]);
      // The connection was not closed for a body read to its end.
      expect(answer).not.to.match(/\r\nConnection: close\r\n/i);
    });

    it('should survive a client that disconnects mid-body: no event, a rejected BODY_ABORTED, and later requests served', async () => {
      const [target, port] = await serve();
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST ${receiverUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"CallbackCommand":`);
      await sleep(20);
      socket.destroy();
      await until(() => target.rejections.length > 0);
      expect(target.rejections.map((e) => e.code)).to.deep.equal(['BODY_ABORTED']);
      expect(target.recalls).to.have.length(0);
      const res = await rawPost(port, receiverUrl(), { chunks: [SAMPLE_BODY_TEXT] });
      expect(answerOf(res)).to.deep.equal(OK);
    });
  });
}

describe('readNodeBody()', () => {
  /** A request body as a stream of its own, with the headers a request has. */
  function streamedRequest(headers: Record<string, string> = {}): NodeRequest {
    return Object.assign(new PassThrough(), { headers }) as unknown as NodeRequest;
  }

  it('should stop reading a body once it is refused, leaving the rest unread', async () => {
    const req = streamedRequest({ 'transfer-encoding': 'chunked' });
    const results: unknown[] = [];
    readNodeBody(req, 10, new TimerQueue(1000), (result) => results.push(result));
    (req as unknown as PassThrough).write('x'.repeat(11));
    await sleep(10);
    expect(results.map((result) => (result as { code?: string }).code)).to.deep.equal(['BODY_TOO_LARGE']);
    expect(req.readableFlowing).to.equal(false);
    // Whatever comes next stays in the stream, unread, and no second result comes of it.
    (req as unknown as PassThrough).write('more');
    await sleep(10);
    expect(req.readableLength).to.be.above(0);
    expect(results).to.have.length(1);
  });

  it('should give one result for a body read to its end, and none of what the stream does later', async () => {
    const req = streamedRequest();
    const results: unknown[] = [];
    const deadlines = new TimerQueue(30);
    const ended: string[] = [];
    const start = deadlines.start.bind(deadlines);
    deadlines.start = (onExpire) => {
      const deadline = start(() => {
        ended.push('expired');
        onExpire();
      });
      return {
        cancel: () => {
          ended.push('cancelled');
          deadline.cancel();
        },
      };
    };
    readNodeBody(req, 100, deadlines, (result) => results.push(result));
    (req as unknown as PassThrough).end('{}');
    await sleep(60);
    req.emit('close');
    req.emit('end');
    req.emit('data', Buffer.from('more'));
    expect(results).to.deep.equal([{ bytes: Buffer.from('{}') }]);
    // The deadline went with the read, before it could fire.
    expect(ended).to.deep.equal(['cancelled']);
  });

  it('should end with BODY_UNREADABLE, and let nothing out of its listeners, a stream that gives neither bytes nor strings', async () => {
    // An object-mode stream put in the request's place: its 'end' could not join what came.
    const req = Object.assign(new PassThrough({ objectMode: true }), { headers: {} }) as unknown as NodeRequest;
    const results: unknown[] = [];
    const { exceptions } = await unhandledDuring(async () => {
      readNodeBody(req, 100, new TimerQueue(1000), (result) => results.push(result));
      (req as unknown as PassThrough).write({ not: 'bytes' });
      (req as unknown as PassThrough).end({ nor: 'text' });
      await sleep(10);
    });
    expect(exceptions).to.deep.equal([]);
    expect(results.map((result) => (result as { code?: string; message?: string }).message)).to.deep.equal([
      'the body could not be read',
    ]);
    expect(results.map((result) => (result as { code?: string }).code)).to.deep.equal(['BODY_UNREADABLE']);
  });

  it('should end with BODY_ABORTED a body whose stream closes before its end', () => {
    const req = streamedRequest();
    const results: unknown[] = [];
    readNodeBody(req, 100, new TimerQueue(1000), (result) => results.push(result));
    req.emit('close');
    expect(results.map((result) => (result as { code?: string }).code)).to.deep.equal(['BODY_ABORTED']);
  });

  it('should end with BODY_ABORTED a request destroyed with an error mid-body, the error going nowhere else', async () => {
    const req = new IncomingMessage(new Socket()) as NodeRequest;
    req.headers = { 'content-length': '10' };
    const results: unknown[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.prependListener('uncaughtException', onUncaught);
    try {
      readNodeBody(req, 100, new TimerQueue(1000), (result) => results.push(result));
      req.push('{"a"');
      req.destroy(new Error('aborted'));
      await sleep(20);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(results.map((result) => (result as { code?: string }).code)).to.deep.equal(['BODY_ABORTED']);
    expect(uncaught).to.deep.equal([]);
  });
});
