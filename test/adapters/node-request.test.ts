import { expect } from 'chai';
import { connect } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  callbackUrl,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  sampleWithByteInMsgKey,
  TOKEN,
} from '../fixtures/callbacks.js';
import { BODY_PARSERS, buildApp, EXPRESS_VERSIONS, OK, type BodyParserName, type TestApp } from '../helpers/app.js';
import { listen, rawPost, type RawResponse, type Running } from '../helpers/http.js';

const CONTENT_TYPES = [undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain'] as const;

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

    for (const parser of Object.keys(BODY_PARSERS) as BodyParserName[]) {
      for (const contentType of CONTENT_TYPES) {
        it(`should read the body with ${parser} and Content-Type ${contentType ?? 'absent'}`, async () => {
          const [target, port] = await serve({}, parser);
          const headers: Record<string, string> = contentType === undefined ? {} : { 'Content-Type': contentType };
          const res = await rawPost(port, callbackUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
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
        const res = await rawPost(port, callbackUrl(), { headers: { 'Content-Type': 'text/plain' }, chunks: [body] });
        expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
        expect(target.recalls).to.have.length(0);
      });
    }

    it('should refuse a chunked body that grows over the limit as it streams', async () => {
      const [target, port] = await serve({ limit: 1000 });
      const chunks = Array.from({ length: 50 }, () => 'x'.repeat(100));
      const res = await rawPost(port, callbackUrl(), { headers: { 'Transfer-Encoding': 'chunked' }, chunks });
      expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
      expect(res.headers.connection).to.equal('close');
      expect(target.recalls).to.have.length(0);
    });

    it('should refuse at once a Content-Length over the limit, without waiting for the body', async () => {
      const [target, port] = await serve({ limit: 1000 });
      const res = await rawPost(port, callbackUrl(), {
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
      const res = await rawPost(port, callbackUrl(), { headers: { 'Transfer-Encoding': 'chunked' }, chunks });
      expect(answerOf(res)).to.deep.equal(OK);
      expect(target.recalls).to.have.length(1);
    });

    for (const [refused, options, code] of [
      ['an unauthenticated request', { token: TOKEN }, 'SIGNATURE_MISSING'],
      ['a peer outside allowFrom', { allowFrom: ['192.0.2.0/24'] }, 'ADDRESS_FORBIDDEN'],
    ] as const) {
      it(`should answer ${refused} before its body arrives, and close the connection`, async () => {
        const [target, port] = await serve(options);
        const res = await rawPost(port, callbackUrl(), {
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
      const res = await rawPost(running.port, callbackUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
      expect(answerOf(res)).to.deep.equal(OK);
      expect(target.recalls.map((event) => event.remoteAddress)).to.deep.equal(['192.0.2.1']);
      // A chain that ends in an untrusted hop: that hop is the peer.
      const chained = { 'X-Forwarded-For': '192.0.2.1, 198.51.100.9' };
      const refused = await rawPost(running.port, callbackUrl(), { headers: chained, chunks: [SAMPLE_BODY_TEXT] });
      expect(codeOf(refused)).to.equal('ADDRESS_FORBIDDEN');
      expect(target.rejections.map((error) => error.remoteAddress)).to.deep.equal(['198.51.100.9']);
    });

    for (const [length, framing] of [
      ['with a Content-Length', {}],
      ['chunked', { 'Transfer-Encoding': 'chunked' }],
    ] as const) {
      it(`should hold a body express.json() parsed under its own larger limit to this limit, ${length}`, async () => {
        const app = express();
        app.use(express.json({ limit: '1mb' }));
        const target = buildApp({ limit: '16kb' }, { express });
        app.use(target.app);
        running = await listen(app);
        const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, Padding: 'x'.repeat(90_000) });
        const headers = { 'Content-Type': 'application/json', ...framing };
        const res = await rawPost(running.port, callbackUrl(), { headers, chunks: [body] });
        expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
        expect(target.recalls).to.have.length(0);
        const small = await rawPost(running.port, callbackUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
        expect(answerOf(small)).to.deep.equal(OK);
      });
    }

    it('should refuse a body a form parser read first with BODY_UNREADABLE, naming the parser and the fix', async () => {
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      const target = buildApp({}, { express });
      app.use(target.app);
      running = await listen(app);
      // What `curl -d '{...}'` sends: the JSON under a form type.
      const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      const res = await rawPost(running.port, callbackUrl(), { headers, chunks: [SAMPLE_BODY_TEXT] });
      expect((answerOf(res) as { ErrorInfo: string }).ErrorInfo).to.equal(
        'BODY_UNREADABLE: the body was parsed as a form (express.urlencoded() or similar) before this middleware: mount the middleware before that parser, or skip the parser on the callback path',
      );
      expect(target.recalls).to.have.length(0);
      // The same body under a JSON type, which the form parser leaves alone, is read as usual.
      const json = await rawPost(running.port, callbackUrl(), {
        headers: { 'Content-Type': 'application/json' },
        chunks: [SAMPLE_BODY_TEXT],
      });
      expect(answerOf(json)).to.deep.equal(OK);
    });

    for (const parser of ['express.json()', 'express.text()'] as const) {
      it(`should refuse with BODY_INVALID_UTF8 a body ${parser} decoded, replacing bytes that were not UTF-8`, async () => {
        const [target, port] = await serve({}, parser);
        const body = sampleWithByteInMsgKey(0xff);
        const res = await rawPost(port, callbackUrl(), {
          headers: { 'Content-Type': 'application/json' },
          chunks: [body],
        });
        expect(codeOf(res)).to.equal('BODY_INVALID_UTF8');
        expect(target.recalls).to.have.length(0);
      });
    }

    it('should refuse an empty body with BODY_INVALID_JSON', async () => {
      const [, port] = await serve();
      const res = await rawPost(port, callbackUrl(), { headers: { 'Content-Length': '0' } });
      expect(codeOf(res)).to.equal('BODY_INVALID_JSON');
    });

    it('should refuse with BODY_UNREADABLE a body an earlier middleware consumed and did not keep', async () => {
      const app = express();
      app.use((req, _res, next) => {
        req.resume();
        req.on('end', () => {
          next();
        });
      });
      const target = buildApp({}, { express });
      app.use(target.app);
      running = await listen(app);
      const res = await rawPost(running.port, callbackUrl(), { chunks: [SAMPLE_BODY_TEXT] });
      expect(codeOf(res)).to.equal('BODY_UNREADABLE');
      expect(target.recalls).to.have.length(0);
    });

    it('should end a body that trickles in past bodyTimeoutMs with BODY_TIMEOUT, and close the connection', async () => {
      const [target, port] = await serve({ bodyTimeoutMs: 200 });
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST ${callbackUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n`);
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

    it('should survive a client that disconnects mid-body: no event, a rejected BODY_ABORTED, and later requests served', async () => {
      const [target, port] = await serve();
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST ${callbackUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"CallbackCommand":`);
      await sleep(20);
      socket.destroy();
      await until(() => target.rejections.length > 0);
      expect(target.rejections.map((e) => e.code)).to.deep.equal(['BODY_ABORTED']);
      expect(target.recalls).to.have.length(0);
      const res = await rawPost(port, callbackUrl(), { chunks: [SAMPLE_BODY_TEXT] });
      expect(answerOf(res)).to.deep.equal(OK);
    });
  });
}
