import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { verifiedCallback } from '../../lib/core/verified.js';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { NotProtocolAnswer } from '../../lib/testing/delivery.js';
import { deliverOverHttp } from '../../lib/testing/http-web.js';
import { callbackRequest } from '../../lib/testing/request.js';
import { sign } from '../../lib/protocol/signature.js';
import { GROUP_RECALL_COMMAND } from '../../lib/protocol/commands.js';
import { listen } from '../helpers/http.js';
import { SDK_APP_ID, TOKEN } from '../fixtures/callbacks.js';

// The test kit for fetch handlers: a callback as a Request, and deliverRecall to `{ fetch }`. Its
// web build runs in every runtime in test/platforms/runtimes.test.ts.

const OK = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

describe('testing/callbackRequest()', () => {
  it('should make a signed POST of the sample to the URL, the query added to any it has', async () => {
    const request = callbackRequest({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      requestTime: 1669872112,
      url: 'https://app.test/im?tenant=a',
    });
    expect(request.method).to.equal('POST');
    const url = new URL(request.url);
    expect(url.pathname).to.equal('/im');
    expect(url.searchParams.get('tenant')).to.equal('a');
    expect(url.searchParams.get('CallbackCommand')).to.equal('C2C.CallbackAfterMsgWithDraw');
    expect(url.searchParams.get('Sign')).to.equal(sign(TOKEN, 1669872112));
    expect(request.headers.get('content-type')).to.equal('application/json');
    expect(await request.json()).to.deep.include({ MsgKey: '48374_2837546_1557481126' });
  });

  it("should make another command's callback with the body given, its CallbackCommand in it", async () => {
    const request = callbackRequest({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      callbackCommand: 'State.StateChange',
      body: { Info: { Action: 'Login' } },
    });
    expect(new URL(request.url).searchParams.get('CallbackCommand')).to.equal('State.StateChange');
    expect(await request.json()).to.deep.equal({ CallbackCommand: 'State.StateChange', Info: { Action: 'Login' } });
    const text = callbackRequest({ sdkAppId: SDK_APP_ID, body: 'not json' });
    expect(await text.text()).to.equal('not json');
  });

  it('should make a request a fetch handler verifies as its callback', async () => {
    const handler = recallFetchHandler({ sdkAppId: SDK_APP_ID, token: TOKEN });
    const request = callbackRequest({
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      callbackCommand: 'C2C.CallbackBeforeSendMsg',
      body: {},
    });
    const response = await handler(request);
    expect(await response.json()).to.deep.equal(OK);
    expect(verifiedCallback(request)?.command).to.equal('C2C.CallbackBeforeSendMsg');
  });
});

describe('testing/deliverRecall() to a fetch handler', () => {
  it('should deliver to { fetch }, at the path given, and give its answer', async () => {
    const handler = recallFetchHandler({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [GROUP_RECALL_COMMAND] });
    const groups: string[] = [];
    handler.events.on('groupRecall', (event) => groups.push(event.conversation.groupId));
    const paths: string[] = [];
    const target = {
      fetch: (request: Request) => {
        paths.push(new URL(request.url).pathname);
        return handler(request);
      },
    };
    const answer = await deliverRecall(target, {
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      command: GROUP_RECALL_COMMAND,
      body: { GroupId: 'g1' },
      path: '/im/callback',
    });
    expect(answer).to.deep.equal(OK);
    expect(groups).to.deep.equal(['g1']);
    expect(paths).to.deep.equal(['/im/callback']);
    const forged = await deliverRecall(target, { sdkAppId: SDK_APP_ID, token: 'guess', command: GROUP_RECALL_COMMAND });
    expect(forged).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
  });

  it('should reject, saying what came back, when the answer is not the protocol’s', async () => {
    const target = { fetch: () => new Response('<h1>Not Found</h1>', { status: 404 }) };
    let thrown: unknown;
    await deliverRecall(target, { sdkAppId: SDK_APP_ID }).catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(NotProtocolAnswer).with.property('status', 404);
    expect((thrown as Error).message).to.equal(
      'expected a protocol answer from the fetch handler, got HTTP 404: Not Found',
    );
  });

  it('should give up on a fetch handler that never answers, after timeoutMs', async () => {
    const started = Date.now();
    let thrown: unknown;
    await deliverRecall(
      { fetch: () => new Promise<Response>(() => undefined) },
      { sdkAppId: SDK_APP_ID, timeoutMs: 50 },
    ).catch((error: unknown) => (thrown = error));
    expect((thrown as Error).message).to.equal('no answer from the fetch handler within 50 ms');
    expect(Date.now() - started).to.be.below(1000);
  });
});

describe("testing's web delivery over HTTP (the web build's, run here on Node.js's fetch)", () => {
  it('should POST to a URL with fetch, and refuse an app or a server, which need Node.js', async () => {
    const handler = recallFetchHandler({ sdkAppId: SDK_APP_ID, token: TOKEN });
    const running = await listen((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const response = await handler(
          new Request(`http://x${req.url ?? '/'}`, { method: 'POST', body: Buffer.concat(chunks) }),
        );
        res.writeHead(response.status, { 'content-type': 'application/json' }).end(await response.text());
      })();
    });
    try {
      const query = `?${new URLSearchParams({ SdkAppid: String(SDK_APP_ID), CallbackCommand: 'C2C.CallbackAfterMsgWithDraw', RequestTime: '1', Sign: 'x' }).toString()}`;
      const answer = await deliverOverHttp(`http://127.0.0.1:${String(running.port)}`, '/cb', query, '{}', {});
      expect(answer).to.deep.include({
        ActionStatus: 'FAIL',
        ErrorInfo: 'REQUEST_EXPIRED: RequestTime is outside the accepted window',
      });
      let thrown: unknown;
      await deliverOverHttp(() => undefined, '/', query, '{}', {}).catch((error: unknown) => (thrown = error));
      expect(thrown).to.be.instanceOf(TypeError).with.property('message').that.includes('needs Node.js');
    } finally {
      await running.close();
    }
  });
});
