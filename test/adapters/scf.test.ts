import { expect } from 'chai';
import { recallScfHandler, type ScfApiGatewayEvent } from '../../lib/adapters/scf.js';
import { verifiedCallback } from '../../lib/core/verified.js';
import { captureLog } from '../helpers/log.js';
import {
  receiverOptions,
  receiverQuery,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  SDK_APP_ID,
  TOKEN,
} from '../fixtures/callbacks.js';
import { OK_ANSWER_SAMPLE } from '../fixtures/published.js';

// What only the SCF event function adapter does: the API Gateway event in, its response out, and
// the default answers; the protocol's steps and codes are in test/behaviour/steps.test.ts.

// The answer Tencent's page shows for a callback handled.
const OK = OK_ANSWER_SAMPLE.text;

/** An API Gateway trigger's event as SCF passes it (cloud.tencent.com/document/product/583/12513). */
function gatewayEvent(query: string, body: string, more: Partial<ScfApiGatewayEvent> = {}): ScfApiGatewayEvent {
  return {
    httpMethod: 'POST',
    path: '/im/callback',
    queryString: Object.fromEntries(new URLSearchParams(query)),
    headers: { 'content-type': 'application/json', host: 'service-abc.gz.apigw.tencentcs.com' },
    body,
    isBase64Encoded: false,
    requestContext: { sourceIp: '203.0.113.7' },
    ...more,
  };
}

describe('recallScfHandler', () => {
  const lines = captureLog();

  it('should answer a recall with the integration response API Gateway sends as it is', async () => {
    const handler = recallScfHandler(receiverOptions({ token: TOKEN }));
    const recalls: unknown[] = [];
    handler.events.on('recall', (event) => recalls.push(event.body));
    const response = await handler(gatewayEvent(receiverQuery({ token: TOKEN }), SAMPLE_BODY_TEXT), {});
    expect(response).to.deep.equal({
      isBase64Encoded: false,
      statusCode: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(OK.length) },
      body: OK,
    });
    expect(recalls).to.deep.equal([SAMPLE_WITH_UNREAD]);
  });

  it('should decode a base64 body, and read one that is not base64 as none', async () => {
    const handler = recallScfHandler(receiverOptions());
    const encoded = Buffer.from(SAMPLE_BODY_TEXT).toString('base64');
    const ok = await handler(gatewayEvent(receiverQuery(), encoded, { isBase64Encoded: true }));
    expect(ok.body).to.equal(OK);
    const broken = await handler(gatewayEvent(receiverQuery(), '*not base64*', { isBase64Encoded: true }));
    expect(JSON.parse(broken.body)).to.deep.include({
      ActionStatus: 'FAIL',
      ErrorInfo: 'BODY_INVALID_JSON: body is not valid JSON',
    });
  });

  it("should take the peer's address from requestContext.sourceIp, or from the remoteAddress option", async () => {
    const byDefault = recallScfHandler(receiverOptions({ allowFrom: ['203.0.113.0/24'] }));
    const addresses: unknown[] = [];
    byDefault.events.on('recall', (event) => addresses.push(event.remoteAddress));
    expect((await byDefault(gatewayEvent(receiverQuery(), SAMPLE_BODY_TEXT))).body).to.equal(OK);
    const outside = await byDefault(
      gatewayEvent(receiverQuery(), SAMPLE_BODY_TEXT, { requestContext: { sourceIp: '198.51.100.1' } }),
    );
    expect(outside.body).to.include('ADDRESS_FORBIDDEN');
    const noContext = await byDefault(gatewayEvent(receiverQuery(), SAMPLE_BODY_TEXT, { requestContext: null }));
    expect(noContext.body).to.include('ADDRESS_FORBIDDEN');
    expect(addresses).to.deep.equal(['203.0.113.7']);
    const own = recallScfHandler({
      ...receiverOptions({ allowFrom: ['192.0.2.9'] }),
      remoteAddress: (event: ScfApiGatewayEvent) => event.headers?.['x-real-ip'],
    });
    const viaHeader = gatewayEvent(receiverQuery(), SAMPLE_BODY_TEXT, { headers: { 'x-real-ip': '192.0.2.9' } });
    expect((await own(viaHeader)).body).to.equal(OK);
  });

  it('should answer by default OK to an authentic callback of another command and 404 to no callback', async () => {
    const handler = recallScfHandler(receiverOptions({ token: TOKEN }));
    const before = await handler(
      gatewayEvent(receiverQuery({ token: TOKEN, callbackCommand: 'Group.CallbackBeforeSendMsg' }), '{"GroupId":"1"}'),
    );
    expect(before).to.deep.equal({
      isBase64Encoded: false,
      statusCode: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(OK.length) },
      body: OK,
    });
    const page = await handler(gatewayEvent('page=1', ''));
    expect(page).to.deep.include({ isBase64Encoded: false, statusCode: 404 });
    expect(JSON.parse(page.body)).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
    const forged = await handler(
      gatewayEvent(receiverQuery({ token: 'forged', callbackCommand: 'Group.CallbackBeforeSendMsg' }), '{}'),
    );
    expect(forged).to.deep.include({ statusCode: 200 });
    expect(forged.body).to.include('SIGNATURE_INVALID');
  });

  it("should give the app's onUnhandled the event and what was verified, and answer 500 when it throws", async () => {
    const seen: unknown[] = [];
    const handler = recallScfHandler({
      ...receiverOptions({ token: TOKEN }),
      onUnhandled: (event: ScfApiGatewayEvent, verified) => {
        seen.push([event.path, verified?.command, verified?.sdkAppId]);
        if (verified === undefined) throw new Error('no route');
        return {
          isBase64Encoded: false,
          statusCode: 200,
          headers: {},
          body: '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}',
        };
      },
    });
    const refused = await handler(
      gatewayEvent(receiverQuery({ token: TOKEN, callbackCommand: 'C2C.CallbackBeforeSendMsg' }), '{}'),
    );
    expect(refused.body).to.equal('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}');
    const failed = await handler(gatewayEvent('', ''));
    expect(failed).to.deep.equal({ isBase64Encoded: false, statusCode: 500, headers: {}, body: '' });
    expect(seen).to.deep.equal([
      ['/im/callback', 'C2C.CallbackBeforeSendMsg', SDK_APP_ID],
      ['/im/callback', undefined, undefined],
    ]);
    expect(lines.some((line) => line.includes('onUnhandled threw: no route'))).to.equal(true);
  });

  it('should reject with a TypeError, saying what it needs, an event that is not an object', async () => {
    const handler = recallScfHandler(receiverOptions());
    for (const event of [undefined, null, 'POST /im/callback']) {
      let thrown: unknown;
      await handler(event as unknown as ScfApiGatewayEvent).catch((error: unknown) => {
        thrown = error;
      });
      expect(thrown, String(event))
        .to.be.instanceOf(TypeError)
        .with.property('message', 'recallScfHandler: the event must be an API Gateway trigger event object.');
    }
  });

  it('should check its options by its own name', () => {
    expect(() => recallScfHandler({ ...receiverOptions({}), onUnhandled: 5 } as never)).to.throw(
      TypeError,
      /`onUnhandled` must be a function/,
    );
    expect(() => recallScfHandler({ ...receiverOptions({}), onUnhandeld: () => undefined } as never)).to.throw(
      TypeError,
      /unknown option `onUnhandeld` of recallScfHandler/,
    );
  });

  it('should take a sourceIp that is no text as no address', async () => {
    const handler = recallScfHandler(receiverOptions({ allowFrom: ['203.0.113.0/24'] }));
    const response = await handler(
      gatewayEvent(receiverQuery(), SAMPLE_BODY_TEXT, { requestContext: { sourceIp: 203 as unknown as string } }),
    );
    expect(response.body).to.include('ADDRESS_FORBIDDEN');
  });

  it('should attach nothing to the event: what was verified goes to onUnhandled', async () => {
    const event = gatewayEvent(receiverQuery({ callbackCommand: 'State.StateChange' }), '{}');
    await recallScfHandler(receiverOptions())(event);
    expect(verifiedCallback(event)).to.equal(undefined);
  });
});
