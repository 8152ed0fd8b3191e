import { expect } from 'chai';
import request from 'supertest';
import { connect, type AddressInfo } from 'node:net';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { recallNodeHandler } from '../../lib/adapters/node-handler.js';
import type { RecallWebhookError } from '../../lib/core/errors.js';
import { receiverUrl, SAMPLE_BODY_TEXT, SDK_APP_ID, TOKEN, receiverOptions } from '../fixtures/callbacks.js';
import { listen, rawPost, type Running } from '../helpers/http.js';
import { captureLog } from '../helpers/log.js';
import { unhandledDuring } from '../helpers/unhandled.js';
import { memoryStore } from '../../lib/stores/memory.js';

// What only the node:http adapter does; the protocol's steps and codes are in test/behaviour/steps.test.ts.

describe('node:http handler', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('should answer any other request with HTTP 404 and a protocol-style JSON FAIL', async () => {
    const res = await request(recallNodeHandler(receiverOptions())).get('/anything');
    expect(res.status).to.equal(404);
    expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(res.body).to.deep.equal({
      ActionStatus: 'FAIL',
      ErrorInfo: 'NOT_HANDLED: not a callback of a command this receiver answers',
      ErrorCode: 1,
    });
  });

  it('should hand any other request to onUnhandled, its body unread', async () => {
    const handler = recallNodeHandler({
      sdkAppId: SDK_APP_ID,
      allowUnsigned: true,
      onUnhandled: (req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => res.end(`other: ${body}`));
      },
    });
    const res = await request(handler)
      .post(receiverUrl({ callbackCommand: 'Group.CallbackAfterRecallMsg' }))
      .type('json')
      .send('{"GroupId":"g"}');
    expect(res.text).to.equal('other: {"GroupId":"g"}');
  });

  it('should survive an onUnhandled that throws, answering 500', async () => {
    const handler = recallNodeHandler({
      sdkAppId: SDK_APP_ID,
      allowUnsigned: true,
      onUnhandled: () => {
        throw new Error('router bug');
      },
    });
    expect((await request(handler).get('/')).status).to.equal(500);
    expect((await request(handler).post(receiverUrl()).type('json').send(SAMPLE_BODY_TEXT)).status).to.equal(200);
  });

  describe('with the debug log on', () => {
    const lines = captureLog();

    it('should end the answer an onUnhandled began before it threw, and log the throw', async () => {
      const handler = recallNodeHandler({
        sdkAppId: SDK_APP_ID,
        allowUnsigned: true,
        onUnhandled: (_req, res) => {
          res.writeHead(202, { 'Content-Type': 'text/plain' });
          res.write('begun');
          throw new Error('router bug');
        },
      });
      running = await listen(handler);
      const res = await rawPost(running.port, '/other', { method: 'GET' });
      expect([res.status, res.text]).to.deep.equal([202, 'begun']);
      expect(lines.filter((line) => line.endsWith('onUnhandled threw: router bug'))).to.have.length(1);
    });
  });

  it('should throw at creation on a bad onUnhandled or a bad shared option', () => {
    expect(() => recallNodeHandler({ ...receiverOptions(), onUnhandled: 'next' as never })).to.throw(
      TypeError,
      /`onUnhandled` must be a function/,
    );
    expect(() => recallNodeHandler({ sdkAppId: SDK_APP_ID, onUnhandeld: () => undefined } as never)).to.throw(
      TypeError,
      /Did you mean `onUnhandled`\?|unknown option/,
    );
  });

  it('should throw, saying how to fix it, when passed to createServer uncalled', async () => {
    let thrown: unknown;
    running = await listen((req, res) => {
      try {
        (recallNodeHandler as unknown as (...args: unknown[]) => unknown)(req, res);
      } catch (error) {
        thrown = error;
      }
      res.end();
    });
    await rawPost(running.port, '/');
    expect((thrown as Error).message).to.include('recallNodeHandler is a factory: use what it returns');
  });

  it('should answer an unauthenticated request before its body arrives, and close the connection', async () => {
    running = await listen(recallNodeHandler(receiverOptions({ token: TOKEN })));
    const res = await rawPost(running.port, receiverUrl(), {
      headers: { 'Content-Length': '1000000' },
      chunks: ['{'],
      leaveOpen: true,
    });
    expect(res.text).to.include('SIGNATURE_MISSING');
    expect(res.headers.connection).to.equal('close');
  });

  it('should survive a client that disconnects mid-body, with a rejected BODY_ABORTED', async () => {
    const handler = recallNodeHandler(receiverOptions());
    const rejections: RecallWebhookError[] = [];
    handler.events.on('rejected', (error) => rejections.push(error));
    running = await listen(handler);
    const socket = connect(running.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST ${receiverUrl()} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"Call`);
    await sleep(20);
    socket.destroy();
    for (let i = 0; i < 100 && rejections.length === 0; i++) await sleep(10);
    expect(rejections.map((e) => e.code)).to.deep.equal(['BODY_ABORTED']);
    expect((await rawPost(running.port, receiverUrl(), { chunks: [SAMPLE_BODY_TEXT] })).text).to.include(
      '"ErrorCode":0',
    );
  });
  it('should check the IPv4-mapped address a dual-stack server sees against an IPv4 allowFrom entry', async () => {
    const handler = recallNodeHandler(receiverOptions({ allowFrom: ['127.0.0.1'] }));
    const seen: (string | undefined)[] = [];
    handler.events.on('recall', (event) => seen.push(event.remoteAddress));
    const server = createServer(handler);
    // '::' takes IPv4 connections too, unless the system has IPv6 off.
    server.listen(0, '::');
    await once(server, 'listening');
    try {
      const res = await rawPost((server.address() as AddressInfo).port, receiverUrl(), { chunks: [SAMPLE_BODY_TEXT] });
      expect(JSON.parse(res.text)).to.deep.include({ ErrorCode: 0 });
      expect(seen).to.deep.equal(['::ffff:127.0.0.1']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('should take the address from remoteAddress when given, and refuse when it throws or has none', async () => {
    const fromHeader = recallNodeHandler({
      ...receiverOptions({ allowFrom: ['192.0.2.1'] }),
      remoteAddress: (req) => req.headers['x-real-ip'] as string | undefined,
    });
    const post = (handler: typeof fromHeader, headers: Record<string, string>) =>
      request(handler).post(receiverUrl()).set(headers).type('json').send(SAMPLE_BODY_TEXT);
    expect((await post(fromHeader, { 'X-Real-IP': '192.0.2.1' })).body).to.deep.include({ ErrorCode: 0 });
    expect((await post(fromHeader, { 'X-Real-IP': '192.0.2.2' })).text).to.match(/"ErrorInfo":"ADDRESS_FORBIDDEN: /);
    expect((await post(fromHeader, {})).text).to.match(/"ErrorInfo":"ADDRESS_FORBIDDEN: /);
    const throwing = recallNodeHandler({
      ...receiverOptions({ allowFrom: () => true }),
      remoteAddress: () => {
        throw new Error('no header');
      },
    });
    expect((await post(throwing, {})).text).to.match(/"ErrorInfo":"ADDRESS_FORBIDDEN: /);
    expect(() => recallNodeHandler({ ...receiverOptions(), remoteAddress: '127.0.0.1' as never })).to.throw(
      TypeError,
      /`remoteAddress` must be a function/,
    );
  });
  it("should read a body in two chunks after req.setEncoding('utf8'), and stay up", async () => {
    const handler = recallNodeHandler(receiverOptions());
    const recalls: unknown[] = [];
    handler.events.on('recall', (event) => recalls.push(event.body));
    running = await listen((req, res) => {
      req.setEncoding('utf8');
      handler(req, res);
    });
    const { port } = running;
    const { exceptions } = await unhandledDuring(async () => {
      const res = await rawPost(port, receiverUrl(), {
        chunks: [SAMPLE_BODY_TEXT.slice(0, 30), SAMPLE_BODY_TEXT.slice(30)],
        headers: { 'Transfer-Encoding': 'chunked' },
      });
      expect(JSON.parse(res.text)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    });
    expect(exceptions).to.deep.equal([]);
    expect(recalls).to.deep.equal([JSON.parse(SAMPLE_BODY_TEXT)]);
  });
  it('should answer by timeoutMs from the request, the body and the listeners sharing it, with dedupe or without', async () => {
    for (const dedupe of [undefined, { store: memoryStore() }]) {
      // A body trickled over 350 ms, then a listener of 400 ms: each within its own timeout, but
      // together past the request's 600.
      const handler = recallNodeHandler(receiverOptions({ timeoutMs: 600, bodyTimeoutMs: 500, dedupe }));
      handler.events.on('recall', () => sleep(400));
      running = await listen(handler);
      const started = performance.now();
      const req = httpRequest({ host: '127.0.0.1', port: running.port, path: receiverUrl(), method: 'POST' });
      const answered = once(req, 'response');
      req.write(SAMPLE_BODY_TEXT.slice(0, 20));
      await sleep(350);
      req.end(SAMPLE_BODY_TEXT.slice(20));
      const [res] = (await answered) as [IncomingMessage];
      let text = '';
      for await (const chunk of res) text += String(chunk);
      const tookMs = performance.now() - started;
      expect(JSON.parse(text), dedupe === undefined ? 'no dedupe' : 'dedupe').to.deep.equal({
        ActionStatus: 'FAIL',
        ErrorInfo: 'LISTENER_TIMEOUT: listeners did not finish within 600 ms',
        ErrorCode: 1,
      });
      // By the request's deadline, not 350 + 400 ms after it started.
      expect(tookMs).to.be.below(740);
      await running.close();
      running = undefined;
    }
  });
});
