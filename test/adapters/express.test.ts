import { expect } from 'chai';
import request from 'supertest';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express5 from 'express';
import { recallWebhook } from '../../lib/adapters/express.js';
import { receiverUrl, SAMPLE_BODY_TEXT, SAMPLE_WITH_UNREAD, receiverOptions } from '../fixtures/callbacks.js';
import { buildApp, EXPRESS_VERSIONS, OK } from '../helpers/app.js';
import { captureLog, messagesOf } from '../helpers/log.js';

// What only the Express adapter does; the protocol's steps and codes are in test/behaviour/steps.test.ts.

for (const { name, express } of EXPRESS_VERSIONS) {
  describe(`express middleware on ${name}`, () => {
    it('should call next() for another CallbackCommand, leaving its body for the next handler', async () => {
      const app = express();
      app.use('/callback', recallWebhook(receiverOptions()));
      app.post('/callback', express.text({ type: '*/*' }), (req, res) => {
        res.json({ handledBy: 'send-msg handler', body: req.body as unknown });
      });
      const res = await request(app)
        .post(receiverUrl({ callbackCommand: 'C2C.CallbackAfterSendMsg' }))
        .set('Content-Type', 'application/json')
        .send('{"MsgBody":[]}');
      expect(res.body).to.deep.equal({ handledBy: 'send-msg handler', body: '{"MsgBody":[]}' });
    });

    it('should emit once per request over one keep-alive connection', async () => {
      const target = buildApp({}, { express });
      const agent = request.agent(target.app);
      for (let i = 0; i < 5; i++) {
        const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: `key-${String(i)}` });
        const res = await agent.post(receiverUrl()).set('Content-Type', 'application/json').send(body);
        expect(res.body).to.deep.equal(OK);
      }
      expect(target.recalls.map((e) => e.body.MsgKey)).to.deep.equal(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
    });

    it('should work mounted with app.post, and with app.use without a path', async () => {
      const byRoute = express();
      byRoute.post('/callback', recallWebhook(receiverOptions()));
      const atRoot = express();
      atRoot.use(recallWebhook(receiverOptions()));
      for (const app of [byRoute, atRoot]) {
        const res = await request(app).post(receiverUrl()).type('json').send(SAMPLE_BODY_TEXT);
        expect(res.body).to.deep.equal(OK);
      }
    });

    it('should throw at once, saying how to fix it, when mounted as app.use(recallWebhook)', async () => {
      const app = express();
      let thrown: unknown;
      app.use((req, res, next) => {
        try {
          (recallWebhook as unknown as (...args: unknown[]) => unknown)(req, res, next);
        } catch (error) {
          thrown = error;
        }
        res.end();
      });
      await request(app).post('/');
      expect(thrown).to.be.instanceOf(TypeError);
      expect((thrown as Error).message).to.include(
        'recallWebhook is a factory: use what it returns, recallWebhook({ sdkAppId: ... })',
      );
    });

    describe('with trust proxy', () => {
      const lines = captureLog();
      const TENCENT = '183.192.202.7';
      const appTrusting = (trust: unknown, allowFrom?: readonly string[]) => {
        const app = express();
        app.set('trust proxy', trust);
        const recall = recallWebhook(receiverOptions(allowFrom === undefined ? {} : { allowFrom }));
        const seen: { recalled: (string | undefined)[] } = { recalled: [] };
        recall.events.on('recall', (event) => seen.recalled.push(event.remoteAddress));
        app.use('/callback', recall);
        return { app, seen };
      };
      const post = (app: ReturnType<typeof express>, forwarded: string) =>
        request(app).post(receiverUrl()).set('X-Forwarded-For', forwarded).type('json').send(SAMPLE_BODY_TEXT);

      it('should let a forged X-Forwarded-For through allowFrom when the app trusts every proxy, and warn once', async () => {
        const { app, seen } = appTrusting(true, [`${TENCENT}/32`]);
        for (let i = 0; i < 3; i++) expect((await post(app, TENCENT)).body).to.deep.equal(OK);
        expect(seen.recalled).to.deep.equal([TENCENT, TENCENT, TENCENT]);
        expect(messagesOf(lines).filter((line) => line.includes('trust proxy'))).to.deep.equal([
          'WARNING: allowFrom runs in an app with trust proxy set to true, so any client passes it by sending ' +
            "X-Forwarded-For: set trust proxy to your own proxies' addresses or hop count instead",
        ]);
      });

      it('should not warn when the app trusts only its own proxies, or allowFrom is not set', async () => {
        for (const [trust, allowFrom] of [
          ['loopback', [`${TENCENT}/32`]],
          [true, undefined],
          [false, ['127.0.0.1']],
        ] as const) {
          const { app } = appTrusting(trust, allowFrom);
          await post(app, TENCENT);
        }
        expect(lines.filter((line) => line.includes('trust proxy'))).to.deep.equal([]);
      });

      it('should refuse, before allowFrom sees it, an address that is not an IP address, and keep it out of events', async () => {
        for (const forged of ['not-an-address', '183.192.202.7:443', '<script>', 'unknown']) {
          const guarded = appTrusting(true, undefined);
          // With an allowFrom function, it is refused without being called.
          const app = express();
          app.set('trust proxy', true);
          const checked: string[] = [];
          const recall = recallWebhook(
            receiverOptions({
              allowFrom: (address) => {
                checked.push(address);
                return true;
              },
            }),
          );
          app.use('/callback', recall);
          const refused = await post(app, forged);
          expect((refused.body as { ErrorInfo: string }).ErrorInfo, forged).to.match(/^ADDRESS_FORBIDDEN: /);
          expect(checked).to.deep.equal([]);
          // Without allowFrom, the callback is handled, from no known address.
          expect((await post(guarded.app, forged)).body).to.deep.equal(OK);
          expect(guarded.seen.recalled).to.deep.equal([undefined]);
        }
      });
    });

    it('should throw at creation on a bad option', () => {
      expect(() => recallWebhook({ sdkAppId: 'my-app' })).to.throw(
        TypeError,
        /is not a whole number written in digits/,
      );
    });
  });
}

describe('express middleware in a Connect-style stack without Express', () => {
  it("should take the socket's peer as the address, since there is no req.ip", async () => {
    const middleware = recallWebhook(receiverOptions({ allowFrom: ['127.0.0.1'] }));
    const addresses: (string | undefined)[] = [];
    middleware.events.on('recall', (event) => addresses.push(event.remoteAddress));
    const server = createServer((req, res) => {
      middleware(req, res, () => {
        res.writeHead(404).end();
      });
    });
    const res = await request(server).post(receiverUrl()).type('json').send(SAMPLE_BODY_TEXT);
    expect(res.body).to.deep.equal(OK);
    expect(addresses).to.deep.equal(['127.0.0.1']);
  });
});

describe('express middleware after a middleware that answered first', () => {
  const lines = captureLog();

  it('should leave that answer as it is, handing the app no error and answering nothing more', async () => {
    const target = buildApp({ timeoutMs: 1000 });
    const app = express5();
    // A request timeout of the app's (connect-timeout, say) that answered while the listener ran.
    app.use((_req, res, next) => {
      setTimeout(() => res.status(503).json({ timedOut: true }), 20);
      next();
    });
    app.use(target.app);
    const errors: unknown[] = [];
    app.use((error: unknown, _req: unknown, _res: unknown, next: (error?: unknown) => void) => {
      errors.push(error);
      next();
    });
    target.recall.events.on('recall', () => sleep(80));
    const res = await request(app).post(receiverUrl()).type('json').send(SAMPLE_BODY_TEXT);
    expect([res.status, res.body]).to.deep.equal([503, { timedOut: true }]);
    await sleep(100);
    expect(target.recalls).to.have.length(1);
    expect(errors).to.deep.equal([]);
    expect(lines.filter((line) => line.includes('responding threw'))).to.deep.equal([]);
  });
});
