import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { receiverUrl, SAMPLE_BODY_TEXT, SDK_APP_ID, TOKEN, receiverOptions } from '../fixtures/callbacks.js';
import { unhandledDuring } from '../helpers/unhandled.js';

// What only the fetch adapter does; the protocol's steps and codes are in test/behaviour/steps.test.ts.

const BASE = 'https://receiver.test';

/** A request body that counts how often it was read from, and can go on for ever. */
function countingBody(
  chunk: string,
  times = Number.POSITIVE_INFINITY,
): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let cancelled = false;
  const bytes = new TextEncoder().encode(chunk);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls += 1;
      if (pulls > times) controller.close();
      else controller.enqueue(bytes);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

function post(
  url: string,
  body: string | ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {},
): Request {
  // A streamed request body needs duplex 'half' (the fetch standard).
  const init = { method: 'POST', body, headers, duplex: 'half' as const };
  return new Request(`${BASE}${url}`, init);
}

async function errorInfo(response: Response): Promise<string> {
  return ((await response.json()) as { ErrorInfo: string }).ErrorInfo;
}

describe('fetch handler', () => {
  it('should answer any other request with HTTP 404 and a protocol-style JSON FAIL', async () => {
    const response = await recallFetchHandler(receiverOptions())(new Request(`${BASE}/`));
    expect(response.status).to.equal(404);
    expect(await errorInfo(response)).to.match(/^NOT_HANDLED: /);
  });

  it('should hand any other request to onUnhandled and return its Response', async () => {
    const handler = recallFetchHandler({
      sdkAppId: SDK_APP_ID,
      allowUnsigned: true,
      onUnhandled: async (request) => new Response(`other: ${await request.text()}`, { status: 202 }),
    });
    const response = await handler(
      post(receiverUrl({ callbackCommand: 'Group.CallbackAfterRecallMsg' }), '{"GroupId":"g"}'),
    );
    expect(response.status).to.equal(202);
    expect(await response.text()).to.equal('other: {"GroupId":"g"}');
  });

  it('should read a streamed body in chunks', async () => {
    const handler = recallFetchHandler(receiverOptions());
    const chunks = SAMPLE_BODY_TEXT.match(/.{1,10}/g) ?? [];
    let index = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    expect(await errorInfo(await handler(post(receiverUrl(), stream)))).to.equal('');
  });

  it('should leave no timer behind once a body is read, so an idle process can exit', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const handler = recallFetchHandler(receiverOptions({ bodyTimeoutMs: 2000 }));
    // Counted once mocha has armed this test's own timeout.
    await new Promise(setImmediate);
    const before = timers();
    const response = await handler(post(receiverUrl(), SAMPLE_BODY_TEXT));
    expect(await errorInfo(response)).to.equal('');
    expect(timers()).to.equal(before);
  });

  it('should stop reading a body that streams past the limit, and cancel it', async () => {
    const body = countingBody('x'.repeat(1000));
    const response = await recallFetchHandler(receiverOptions({ limit: 10_000 }))(post(receiverUrl(), body.stream));
    expect(await errorInfo(response)).to.match(/^BODY_TOO_LARGE: /);
    expect(body.pulls()).to.be.below(15);
    expect(body.cancelled()).to.equal(true);
  });

  it('should refuse a Content-Length over the limit without reading the body', async () => {
    const body = countingBody('{}', 1);
    const response = await recallFetchHandler(receiverOptions({ limit: 100 }))(
      post(receiverUrl(), body.stream, { 'Content-Length': '5000' }),
    );
    expect(await errorInfo(response)).to.match(/^BODY_TOO_LARGE: /);
    expect(body.pulls()).to.be.at.most(1);
  });

  it('should not read the body of an unauthenticated request', async () => {
    const body = countingBody('x');
    const response = await recallFetchHandler(receiverOptions({ token: TOKEN }))(post(receiverUrl(), body.stream));
    expect(await errorInfo(response)).to.match(/^SIGNATURE_MISSING: /);
    // A ReadableStream pulls once ahead when it is created; nothing reads past that.
    expect(body.pulls()).to.be.at.most(1);
  });

  it('should end a body that streams too slowly with BODY_TIMEOUT, and cancel it', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        controller.enqueue(new TextEncoder().encode(' '));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await recallFetchHandler(receiverOptions({ bodyTimeoutMs: 100 }))(post(receiverUrl(), stream));
    expect(await errorInfo(response)).to.equal('BODY_TIMEOUT: the body did not arrive within 100 ms');
    expect(cancelled).to.equal(true);
  });

  it('should read a body whose stream yields strings, ArrayBuffers and DataViews, as an app bridging an event does', async () => {
    const bytes = new TextEncoder().encode(SAMPLE_BODY_TEXT);
    const third = Math.floor(bytes.length / 3);
    const pieces: unknown[][] = [
      [SAMPLE_BODY_TEXT.slice(0, 20), SAMPLE_BODY_TEXT.slice(20)],
      [bytes.slice(0, third).buffer, new DataView(bytes.buffer, third, third), bytes.slice(2 * third)],
      [new Uint16Array(bytes.slice(0, 2).buffer), bytes.subarray(2)],
    ];
    for (const chunks of pieces) {
      const stream = new ReadableStream<unknown>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      const handler = recallFetchHandler(receiverOptions());
      const recalls: unknown[] = [];
      handler.events.on('recall', (event) => recalls.push(event.body));
      const { rejections } = await unhandledDuring(async () => {
        const response = await handler(post(receiverUrl(), stream as ReadableStream<Uint8Array>));
        expect(await errorInfo(response), String(chunks.length)).to.equal('');
      });
      expect(rejections).to.deep.equal([]);
      expect(recalls).to.deep.equal([JSON.parse(SAMPLE_BODY_TEXT)]);
    }
  });

  it('should refuse a U+FFFD in text an app streamed, which stood for bytes lost before, and take it in bytes', async () => {
    const withReplacement = SAMPLE_BODY_TEXT.replace('"MsgKey":"', '"MsgKey":"\ufffd');
    for (const [chunk, expected] of [
      [withReplacement, /^BODY_INVALID_UTF8: /],
      [new TextEncoder().encode(withReplacement), /^$/],
    ] as const) {
      const stream = new ReadableStream<unknown>({
        start(controller) {
          controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await recallFetchHandler(receiverOptions())(
        post(receiverUrl(), stream as ReadableStream<Uint8Array>),
      );
      expect(await errorInfo(response), typeof chunk).to.match(expected);
    }
  });

  it('should refuse with BODY_UNREADABLE, leaving nothing unhandled, a stream that yields what is neither bytes nor text', async () => {
    for (const chunk of [42, { bytes: [1] }, null]) {
      const stream = new ReadableStream<unknown>({
        start(controller) {
          controller.enqueue(chunk);
          controller.close();
        },
      });
      const handler = recallFetchHandler(receiverOptions());
      const { rejections } = await unhandledDuring(async () => {
        const response = await handler(post(receiverUrl(), stream as ReadableStream<Uint8Array>));
        expect(await errorInfo(response), JSON.stringify(chunk)).to.equal(
          'BODY_UNREADABLE: the body stream gave a chunk that is neither bytes nor text',
        );
      });
      expect(rejections).to.deep.equal([]);
    }
  });

  it('should refuse a Content-Length over the limit with BODY_TOO_LARGE when the Request has no body', async () => {
    const request = new Request(`${BASE}${receiverUrl()}`, { method: 'POST', headers: { 'Content-Length': '5000' } });
    const response = await recallFetchHandler(receiverOptions({ limit: 100 }))(request);
    expect(await errorInfo(response)).to.match(/^BODY_TOO_LARGE: /);
  });

  it('should cancel the body of a request whose Content-Length is over the limit', async () => {
    const body = countingBody('{}', 1);
    const response = await recallFetchHandler(receiverOptions({ limit: 100 }))(
      post(receiverUrl(), body.stream, { 'Content-Length': '5000' }),
    );
    expect(await errorInfo(response)).to.match(/^BODY_TOO_LARGE: /);
    expect(body.cancelled()).to.equal(true);
  });

  it('should refuse with BODY_ABORTED a body whose stream fails', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    expect(await errorInfo(await recallFetchHandler(receiverOptions())(post(receiverUrl(), stream)))).to.match(
      /^BODY_ABORTED: /,
    );
  });

  it('should refuse a POST without a body with BODY_INVALID_JSON', async () => {
    expect(await errorInfo(await recallFetchHandler(receiverOptions())(post(receiverUrl(), null)))).to.match(
      /^BODY_INVALID_JSON: /,
    );
  });

  it('should throw, saying how to fix it, when used uncalled', () => {
    expect(() => (recallFetchHandler as unknown as (request: Request) => unknown)(new Request(BASE))).to.throw(
      TypeError,
      /recallFetchHandler is a factory: use what it returns/,
    );
  });
  it('should throw at creation when allowFrom is given without remoteAddress, since a Request has no address', () => {
    expect(() => recallFetchHandler(receiverOptions({ allowFrom: ['192.0.2.1'] }))).to.throw(
      TypeError,
      "recallFetchHandler needs `remoteAddress` with `allowFrom`: a Request does not carry the peer's address. " +
        'Pass a function that reads it from your runtime, e.g. (request, info) => info.remoteAddr.hostname on Deno.',
    );
  });

  it('should throw at creation on an onUnhandled that is not a function', () => {
    expect(() => recallFetchHandler({ ...receiverOptions(), onUnhandled: 'next' as never })).to.throw(
      TypeError,
      'tencent-chat-recall-webhook: `onUnhandled` must be a function.',
    );
  });

  it('should refuse with BODY_UNREADABLE a body the app already read, emitting nothing', async () => {
    const handler = recallFetchHandler(receiverOptions());
    const events: string[] = [];
    handler.events.on('recall', () => events.push('recall'));
    handler.events.on('rejected', (error) => events.push(error.code));
    const request = post(receiverUrl(), SAMPLE_BODY_TEXT);
    await request.text();
    expect(await errorInfo(await handler(request))).to.equal('BODY_UNREADABLE: the body was read before this handler');
    expect(events).to.deep.equal(['BODY_UNREADABLE']);
  });

  it('should hand remoteAddress and onUnhandled what the runtime passes after the request, as Deno.serve does', async () => {
    interface ServeInfo {
      readonly remoteAddr: { readonly hostname: string };
    }
    const handler = recallFetchHandler({
      ...receiverOptions({ allowFrom: ['192.0.2.0/24'] }),
      remoteAddress: (_request: Request, info: ServeInfo) => info.remoteAddr.hostname,
      onUnhandled: (_request: Request, info: ServeInfo) => new Response(info.remoteAddr.hostname, { status: 404 }),
    });
    const seen: (string | undefined)[] = [];
    handler.events.on('recall', (event) => seen.push(event.remoteAddress));
    handler.events.on('rejected', (error) => seen.push(error.remoteAddress));
    const inside = { remoteAddr: { hostname: '192.0.2.5' } };
    const outside = { remoteAddr: { hostname: '198.51.100.5' } };
    expect(await errorInfo(await handler(post(receiverUrl(), SAMPLE_BODY_TEXT), inside))).to.equal('');
    expect(await errorInfo(await handler(post(receiverUrl(), SAMPLE_BODY_TEXT), outside))).to.match(
      /^ADDRESS_FORBIDDEN: /,
    );
    expect(seen).to.deep.equal(['192.0.2.5', '198.51.100.5']);
    expect(await (await handler(new Request(`${BASE}/other`), outside)).text()).to.equal('198.51.100.5');
  });

  it('should count a remoteAddress that throws, or gives no string, as no address, and refuse', async () => {
    for (const remoteAddress of [
      () => {
        throw new Error('no such header');
      },
      () => null,
      () => 42 as unknown as string,
    ]) {
      const handler = recallFetchHandler({ ...receiverOptions({ allowFrom: () => true }), remoteAddress });
      expect(await errorInfo(await handler(post(receiverUrl(), SAMPLE_BODY_TEXT)))).to.match(/^ADDRESS_FORBIDDEN: /);
    }
  });

  it('should carry no remoteAddress in events when it is not given', async () => {
    const handler = recallFetchHandler(receiverOptions());
    const seen: unknown[] = [];
    handler.events.on('recall', (event) => seen.push(event.remoteAddress));
    await handler(post(receiverUrl(), SAMPLE_BODY_TEXT));
    expect(seen).to.deep.equal([undefined]);
  });
});
