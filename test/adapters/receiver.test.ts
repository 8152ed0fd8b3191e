import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { recallReceiver } from '../../lib/adapters/receiver.js';
import { memoryStore } from '../../lib/stores/memory.js';
import {
  nowSeconds,
  receiverOptions,
  receiverQuery,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  SDK_APP_ID,
  TOKEN,
} from '../fixtures/callbacks.js';
import { OK_ANSWER_SAMPLE } from '../fixtures/published.js';

// What only the receiver without HTTP does: the forms its input takes, the time it checks against,
// and its results; the protocol's steps and codes are in test/behaviour/steps.test.ts.

// The answer Tencent's page shows for a callback handled.
const OK = OK_ANSWER_SAMPLE.text;
const signed = (requestTime = nowSeconds()): string => receiverQuery({ token: TOKEN, requestTime });

describe('recallReceiver', () => {
  describe('the query', () => {
    const query = signed();
    const params = new URLSearchParams(query);
    const forms = {
      'the query string': query,
      'the query string with its ?': `?${query}`,
      'the whole URL': `https://receiver.test/im/callback?${query}`,
      URLSearchParams: params,
      'a record of values': Object.fromEntries(params),
    };
    for (const [form, given] of Object.entries(forms)) {
      it(`should read ${form}`, async () => {
        const receive = recallReceiver(receiverOptions({ token: TOKEN }));
        const result = await receive({ query: given, body: SAMPLE_BODY_TEXT });
        expect(result.kind).to.equal('recall');
        expect(result.answer).to.equal(OK);
      });
    }

    it('should take a list in a record as a parameter given more than once, and refuse it as such', async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const record = { ...Object.fromEntries(new URLSearchParams(signed())), SdkAppid: [String(SDK_APP_ID), '1'] };
      const result = await receive({ query: record, body: SAMPLE_BODY_TEXT });
      expect(result.kind === 'rejected' && result.error.message).to.equal('query.SdkAppid is given more than once');
    });

    it('should reject with a TypeError a record value that is neither text nor a list of it', async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const record = { ...Object.fromEntries(new URLSearchParams(signed())), SdkAppid: 1400000000 };
      let thrown: unknown;
      await receive({ query: record as unknown as Record<string, string>, body: SAMPLE_BODY_TEXT }).catch(
        (error: unknown) => (thrown = error),
      );
      expect(thrown).to.be.instanceOf(TypeError).with.property('message').that.includes('must be a string or a list');
    });

    it('should skip undefined values in a record, as no query holds them', async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const params = Object.fromEntries(new URLSearchParams(signed()));
      const record = { ...params, SdkAppid: [params.SdkAppid ?? '', undefined], ClientIP: undefined } as Record<
        string,
        string | readonly string[] | undefined
      >;
      const result = await receive({ query: record, body: SAMPLE_BODY_TEXT });
      expect(result.kind === 'recall' && result.event.clientIp).to.equal(undefined);
    });

    it('should reject with a TypeError a query that is none of its forms', async () => {
      const receive = recallReceiver(receiverOptions());
      let thrown: unknown;
      await receive({ query: 42 as unknown as string, body: SAMPLE_BODY_TEXT }).catch((error: unknown) => {
        thrown = error;
      });
      expect(thrown).to.be.instanceOf(TypeError).with.property('message').that.includes('`query` must be');
    });
  });

  describe('the body', () => {
    const bytes = new TextEncoder().encode(SAMPLE_BODY_TEXT);
    const forms: Record<string, unknown> = {
      text: SAMPLE_BODY_TEXT,
      'a Uint8Array': bytes,
      'a Buffer': Buffer.from(SAMPLE_BODY_TEXT),
      'an ArrayBuffer': bytes.slice().buffer,
      'a DataView': new DataView(bytes.slice().buffer),
      'a parsed object': JSON.parse(SAMPLE_BODY_TEXT) as unknown,
    };
    for (const [form, body] of Object.entries(forms)) {
      it(`should read ${form}`, async () => {
        const receive = recallReceiver(receiverOptions());
        const result = await receive({ query: receiverQuery(), body });
        expect(result.kind === 'recall' && result.event.body).to.deep.equal(SAMPLE_WITH_UNREAD);
      });
    }

    it('should take no body as an empty one, which is no JSON', async () => {
      const result = await recallReceiver(receiverOptions())({ query: receiverQuery(), body: undefined });
      expect(result.kind === 'rejected' && result.error.code).to.equal('BODY_INVALID_JSON');
    });

    it('should take a body of exactly the limit, and refuse one byte more', async () => {
      const limit = Buffer.byteLength(SAMPLE_BODY_TEXT);
      const receive = recallReceiver(receiverOptions({ limit }));
      expect((await receive({ query: receiverQuery(), body: SAMPLE_BODY_TEXT })).kind).to.equal('recall');
      const over = await receive({ query: receiverQuery(), body: `${SAMPLE_BODY_TEXT} ` });
      expect(over.kind === 'rejected' && over.error.code).to.equal('BODY_TOO_LARGE');
    });

    it('should hold text, bytes and a parsed value alike to the limit', async () => {
      const receive = recallReceiver(receiverOptions({ limit: 64 }));
      const long = { ...SAMPLE_WITH_UNREAD, Padding: 'x'.repeat(64) };
      for (const body of [JSON.stringify(long), new TextEncoder().encode(JSON.stringify(long)), long]) {
        const result = await receive({ query: receiverQuery(), body });
        expect(result.kind === 'rejected' && result.error.code).to.equal('BODY_TOO_LARGE');
      }
    });

    it('should refuse a parsed value that no JSON text makes, a cycle, without walking it', async () => {
      const cyclic: Record<string, unknown> = { ...SAMPLE_WITH_UNREAD };
      cyclic.self = cyclic;
      const result = await recallReceiver(receiverOptions())({ query: receiverQuery(), body: cyclic });
      expect(result.kind === 'rejected' && [result.error.code, result.error.message]).to.deep.equal([
        'BODY_UNREADABLE',
        'the parsed body cannot be measured as JSON (a cycle, or nesting too deep)',
      ]);
    });
  });

  describe('the time', () => {
    it("should check RequestTime against receivedAt, so a stored callback's Sign still holds later", async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const arrived = nowSeconds() - 3600;
      const stored = { query: signed(arrived), body: SAMPLE_BODY_TEXT };
      const now = await receive(stored);
      expect(now.kind === 'rejected' && now.error.code).to.equal('REQUEST_EXPIRED');
      const then = await receive({ ...stored, receivedAt: arrived * 1000 + 500 });
      expect(then.kind === 'recall' && then.event.receivedAt.getTime()).to.equal(arrived * 1000 + 500);
      const asDate = await receive({ ...stored, receivedAt: new Date(arrived * 1000) });
      expect(asDate.kind).to.equal('recall');
    });
  });

  describe('the result', () => {
    it('should resolve once the listeners finished, with the event they got', async () => {
      const receive = recallReceiver(receiverOptions());
      const finished: string[] = [];
      receive.events.on('recall', async (event) => {
        await sleep(20);
        finished.push(event.body.MsgKey);
      });
      const result = await receive({ query: receiverQuery(), body: SAMPLE_BODY_TEXT });
      expect(finished).to.deep.equal([SAMPLE_WITH_UNREAD.MsgKey]);
      expect(result).to.deep.include({ kind: 'recall', status: 200, answer: OK });
      expect(result.headers).to.deep.equal({
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(OK.length),
      });
    });

    it("should give the 'rejected' listeners' error itself, and a FAIL answer naming its code", async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const heard: unknown[] = [];
      receive.events.on('rejected', (error) => heard.push(error));
      const result = await receive({ query: receiverQuery({ token: 'wrong' }), body: SAMPLE_BODY_TEXT });
      expect(result.kind).to.equal('rejected');
      expect(heard).to.deep.equal([result.kind === 'rejected' ? result.error : undefined]);
      expect(heard[0]).to.equal(result.kind === 'rejected' ? result.error : undefined);
      expect(JSON.parse(result.answer)).to.deep.equal({
        ActionStatus: 'FAIL',
        ErrorInfo: 'SIGNATURE_INVALID: Sign does not match',
        ErrorCode: 1,
      });
    });

    it('should answer a duplicate delivery OK, its listeners not called again', async () => {
      const receive = recallReceiver(receiverOptions({ dedupe: { store: memoryStore() } }));
      let calls = 0;
      receive.events.on('recall', () => {
        calls += 1;
      });
      const duplicates: unknown[] = [];
      receive.events.on('duplicate', (event) => duplicates.push(event));
      const first = await receive({ query: receiverQuery(), body: SAMPLE_BODY_TEXT });
      const second = await receive({ query: receiverQuery(), body: SAMPLE_BODY_TEXT });
      expect([first.kind, second.kind, second.answer]).to.deep.equal(['recall', 'recall', OK]);
      expect(calls).to.equal(1);
      expect(duplicates).to.have.length(1);
    });

    it('should give another command verified with the OK that lets it through, and 404 for no callback', async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      const other = await receive({
        query: receiverQuery({ token: TOKEN, callbackCommand: 'C2C.CallbackBeforeSendMsg' }),
        body: '{"MsgBody":[]}',
      });
      expect(other).to.deep.include({ kind: 'verified', status: 200, answer: OK });
      expect(other.kind === 'verified' && other.callback).to.deep.include({
        command: 'C2C.CallbackBeforeSendMsg',
        sdkAppId: SDK_APP_ID,
        signedWith: 0,
      });
      const none = await receive({ query: 'page=2', body: '' });
      expect(none).to.deep.include({ kind: 'ignored', status: 404 });
      expect(JSON.parse(none.answer)).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
      const get = await receive({ method: 'GET', query: signed(), body: '' });
      expect(get.kind).to.equal('ignored');
    });

    it('should answer an authentic check of the URL OK as checked, emitting nothing', async () => {
      const receive = recallReceiver(receiverOptions({ token: TOKEN }));
      let emitted = 0;
      for (const name of ['recall', 'rejected'] as const) receive.events.on(name, () => (emitted += 1));
      const time = nowSeconds();
      const params = new URLSearchParams(signed(time));
      const result = await receive({
        query: { RequestTime: params.get('RequestTime') ?? '', Sign: params.get('Sign') ?? '' },
        body: '',
      });
      expect(result).to.deep.include({ kind: 'checked', status: 200, answer: OK });
      expect(emitted).to.equal(0);
    });
  });

  it('should refuse an unknown option by the factory name', () => {
    const options = { ...receiverOptions({}), onUnhandled: () => undefined };
    expect(() => recallReceiver(options)).to.throw(TypeError, /unknown option `onUnhandled` of recallReceiver/);
  });
});
