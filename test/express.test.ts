import { expect } from 'chai';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { recallWebhook } from '../lib/express.js';
import { sign } from '../lib/signature.js';
import {
  callbackUrl,
  nowSeconds,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_EVENT_TIME,
  SAMPLE_WITH_UNREAD,
  SDK_APP_ID,
  TOKEN,
  type QueryParts,
} from './fixtures/callbacks.js';
import { buildApp, EXPRESS_VERSIONS, OK, type TestApp } from './helpers/app.js';

function post(target: TestApp, parts: QueryParts = {}, body: string = SAMPLE_BODY_TEXT): request.Test {
  return request(target.app).post(callbackUrl(parts)).set('Content-Type', 'application/json').send(body);
}

/** Checks a FAIL answer: HTTP 200, JSON, ErrorCode 1, ErrorInfo starting with the code; no recall event. */
function expectFail(res: request.Response, target: TestApp, code: string): void {
  expect(res.status).to.equal(200);
  expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
  const answer = res.body as { ActionStatus: string; ErrorInfo: string; ErrorCode: number };
  expect(answer.ActionStatus).to.equal('FAIL');
  expect(answer.ErrorCode).to.equal(1);
  expect(answer.ErrorInfo).to.match(new RegExp(`^${code}: \\S`));
  expect(Object.keys(answer)).to.have.members(['ActionStatus', 'ErrorInfo', 'ErrorCode']);
  expect(target.recalls, 'no recall event').to.have.length(0);
  expect(target.rejections.map((e) => e.code)).to.deep.equal([code]);
}

for (const { name, express } of EXPRESS_VERSIONS) {
  describe(`express middleware on ${name}`, () => {
    describe('passing other requests on', () => {
      it('should call next() for a request that is not a POST', async () => {
        const target = buildApp({}, { express });
        const res = await request(target.app).get(callbackUrl());
        expect(res.status).to.equal(404);
        expect(res.body).to.deep.equal({ passedOn: true });
        expect(target.recalls).to.have.length(0);
        expect(target.rejections).to.have.length(0);
      });

      it('should call next() for another CallbackCommand, leaving its body for the next handler', async () => {
        const app = express();
        const recall = recallWebhook({ sdkAppId: SDK_APP_ID });
        app.use('/callback', recall);
        app.post('/callback', express.text({ type: '*/*' }), (req, res) => {
          res.json({ handledBy: 'send-msg handler', body: req.body as unknown });
        });
        const res = await request(app)
          .post(callbackUrl({ command: 'C2C.CallbackAfterSendMsg' }))
          .set('Content-Type', 'application/json')
          .send('{"MsgBody":[]}');
        expect(res.body).to.deep.equal({ handledBy: 'send-msg handler', body: '{"MsgBody":[]}' });
      });

      it('should call next() for a POST without CallbackCommand', async () => {
        const target = buildApp({}, { express });
        const res = await request(target.app)
          .post(`/callback?SdkAppid=${String(SDK_APP_ID)}`)
          .send({});
        expect(res.body).to.deep.equal({ passedOn: true });
      });
    });

    describe('a valid callback', () => {
      it('should answer OK as JSON and emit the documented sample with UnreadMsgNum', async () => {
        const target = buildApp({ token: TOKEN }, { express });
        const requestTime = nowSeconds();
        const res = await post(target, { token: TOKEN, requestTime }, JSON.stringify(SAMPLE_WITH_UNREAD));
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
        expect(res.text).to.equal('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
        expect(target.recalls).to.have.length(1);
        const [event] = target.recalls;
        expect(event?.body).to.deep.equal(SAMPLE_WITH_UNREAD);
        expect(event?.sdkAppId).to.equal(SDK_APP_ID);
        expect(event?.clientIp).to.equal('127.0.0.1');
        expect(event?.optPlatform).to.equal('RESTAPI');
        expect(event?.requestTime).to.equal(requestTime);
        expect(event?.eventTime).to.equal(undefined);
        expect(Math.abs((event?.receivedAt.getTime() ?? 0) - Date.now())).to.be.below(5000);
        expect(target.rejections).to.have.length(0);
      });

      it('should answer OK and emit the documented sample with EventTime as a Date', async () => {
        const target = buildApp({}, { express });
        const res = await post(target, {}, JSON.stringify(SAMPLE_WITH_EVENT_TIME));
        expect(res.body).to.deep.equal(OK);
        expect(target.recalls[0]?.eventTime?.getTime()).to.equal(SAMPLE_WITH_EVENT_TIME.EventTime);
      });

      it('should emit once per request over one keep-alive connection', async () => {
        const target = buildApp({}, { express });
        const agent = request.agent(target.app);
        for (let i = 0; i < 5; i++) {
          const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: `key-${String(i)}` });
          const res = await agent.post(callbackUrl()).set('Content-Type', 'application/json').send(body);
          expect(res.body).to.deep.equal(OK);
        }
        expect(target.recalls.map((e) => e.body.MsgKey)).to.deep.equal(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
      });

      it('should serve the app ids it is configured with', async () => {
        const target = buildApp({ sdkAppId: [1400000000, 1400000009] }, { express });
        expect((await post(target, { sdkAppId: 1400000009 })).body).to.deep.equal(OK);
        expect(target.recalls[0]?.sdkAppId).to.equal(1400000009);
      });

      it('should work mounted with app.post and without a path', async () => {
        const app = express();
        const recall = recallWebhook({ sdkAppId: SDK_APP_ID });
        app.post('/callback', recall);
        const root = express();
        root.use(recallWebhook({ sdkAppId: SDK_APP_ID }));
        for (const target of [app, root]) {
          const res = await request(target).post(callbackUrl()).type('json').send(SAMPLE_BODY_TEXT);
          expect(res.body).to.deep.equal(OK);
        }
      });
    });

    describe('refusing a callback', () => {
      const signed = (): QueryParts => ({ token: TOKEN });
      const cases: readonly { code: string; title: string; parts: () => QueryParts; body?: string; url?: string }[] = [
        {
          code: 'QUERY_INVALID',
          title: 'SdkAppid given twice',
          parts: signed,
          url: `${callbackUrl({ token: TOKEN })}&SdkAppid=${String(SDK_APP_ID)}`,
        },
        {
          code: 'QUERY_INVALID',
          title: 'a SdkAppid that is not digits',
          parts: () => ({ token: TOKEN, sdkAppId: 'abc' }),
        },
        { code: 'SDKAPPID_MISMATCH', title: 'another app', parts: () => ({ token: TOKEN, sdkAppId: 1400000001 }) },
        { code: 'SIGNATURE_MISSING', title: 'no Sign', parts: () => ({}) },
        {
          code: 'REQUEST_TIME_INVALID',
          title: 'a RequestTime that is not seconds',
          parts: () => ({ token: TOKEN, requestTime: 'now' }),
        },
        {
          code: 'REQUEST_EXPIRED',
          title: 'a RequestTime two minutes old',
          parts: () => ({ token: TOKEN, requestTime: nowSeconds() - 120 }),
        },
        {
          code: 'REQUEST_EXPIRED',
          title: 'a RequestTime two minutes ahead',
          parts: () => ({ token: TOKEN, requestTime: nowSeconds() + 120 }),
        },
        {
          code: 'SIGNATURE_INVALID',
          title: 'a Sign made with another token',
          parts: () => ({ token: 'not-the-token' }),
        },
        { code: 'BODY_INVALID_JSON', title: 'a body that is not JSON', parts: signed, body: '{"CallbackCommand":' },
        {
          code: 'BODY_FORBIDDEN_KEY',
          title: 'a __proto__ key',
          parts: signed,
          body: SAMPLE_BODY_TEXT.replace('{', '{"__proto__":{"isAdmin":true},'),
        },
        {
          code: 'BODY_INVALID',
          title: 'an empty MsgKey',
          parts: signed,
          body: JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: '' }),
        },
        { code: 'BODY_INVALID', title: 'a JSON array', parts: signed, body: '[]' },
        {
          code: 'COMMAND_MISMATCH',
          title: 'a body of another command',
          parts: signed,
          body: JSON.stringify({ ...SAMPLE_WITH_UNREAD, CallbackCommand: 'C2C.CallbackAfterSendMsg' }),
        },
      ];

      for (const { code, title, parts, body, url } of cases) {
        it(`should answer FAIL with ${code} for ${title}, and emit rejected but no recall`, async () => {
          const target = buildApp({ token: TOKEN }, { express });
          const res = await request(target.app)
            .post(url ?? callbackUrl(parts()))
            .set('Content-Type', 'application/json')
            .send(body ?? SAMPLE_BODY_TEXT);
          expectFail(res, target, code);
          expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
        });
      }

      it('should never put the token, the expected Sign or a stack in ErrorInfo', async () => {
        const target = buildApp({ token: TOKEN }, { express });
        const requestTime = nowSeconds();
        const url = callbackUrl({ token: 'wrong', requestTime });
        const res = await request(target.app).post(url).type('json').send(SAMPLE_BODY_TEXT);
        expectFail(res, target, 'SIGNATURE_INVALID');
        expect(res.text).not.to.include(TOKEN);
        expect(res.text).not.to.include(sign(TOKEN, requestTime));
        expect(res.text).not.to.match(/\bat .*\.(ts|js):\d+/);
      });
    });

    describe('listeners', () => {
      it('should answer only after an async listener has finished', async () => {
        const target = buildApp({}, { express });
        let finished = false;
        target.recall.events.on('recall', async () => {
          await sleep(50);
          finished = true;
        });
        const res = await post(target);
        expect(res.body).to.deep.equal(OK);
        expect(finished).to.equal(true);
      });

      it('should answer FAIL with LISTENER_FAILED when a listener rejects, keeping its error out of the answer', async () => {
        const target = buildApp({}, { express });
        target.recall.events.on('recall', () => Promise.reject(new Error('db password is hunter2')));
        const res = await post(target);
        expect(res.body).to.deep.include({
          ActionStatus: 'FAIL',
          ErrorCode: 1,
          ErrorInfo: 'LISTENER_FAILED: a recall listener failed',
        });
        expect(res.text).not.to.include('hunter2');
        expect(target.rejections[0]?.cause).to.be.instanceOf(Error);
      });

      it('should answer FAIL with LISTENER_TIMEOUT by timeoutMs when a listener never settles', async () => {
        const target = buildApp({ timeoutMs: 100 }, { express });
        target.recall.events.on('recall', () => new Promise(() => undefined));
        const started = Date.now();
        const res = await post(target);
        expect(res.body).to.deep.include({ ErrorInfo: 'LISTENER_TIMEOUT: listeners did not finish within 100 ms' });
        expect(Date.now() - started).to.be.below(1500);
      });
    });

    describe('configuration', () => {
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
          'recallWebhook is a factory: mount its result, app.use(recallWebhook({ sdkAppId: ... }))',
        );
      });

      it('should throw at creation on a bad option', () => {
        expect(() => recallWebhook({ sdkAppId: 'my-app' })).to.throw(TypeError, /not an SDKAppID/);
      });
    });
  });
}
