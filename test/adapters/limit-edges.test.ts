import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { receiverUrl, receiverOptions, SAMPLE_WITH_UNREAD } from '../fixtures/callbacks.js';
import { buildApp, EXPRESS_VERSIONS, OK, type BodyParserName } from '../helpers/app.js';
import { listen, rawPost, type RawResponse } from '../helpers/http.js';

// `limit` is the most a body may have: one of exactly `limit` bytes is read, one byte more is
// refused, on every way a body comes in.

const LIMIT = 400;

/** The sample recall as compact JSON of exactly `bytes` bytes, padded with a field of its own. */
function bodyOfSize(bytes: number): string {
  const bare = JSON.stringify({ ...SAMPLE_WITH_UNREAD, Padding: '' });
  const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, Padding: 'x'.repeat(bytes - bare.length) });
  expect(Buffer.byteLength(body)).to.equal(bytes);
  return body;
}

function codeOf(res: RawResponse): string {
  return (JSON.parse(res.text) as { ErrorInfo: string }).ErrorInfo.split(':')[0] ?? '';
}

const CONTENT_LENGTH = (body: string): Record<string, string> => ({
  'Content-Length': String(Buffer.byteLength(body)),
});
const CHUNKED = (): Record<string, string> => ({ 'Transfer-Encoding': 'chunked' });

const NODE_PATHS: readonly (readonly [string, BodyParserName, (body: string) => Record<string, string>, string])[] = [
  ['the stream, with a Content-Length', 'no body parser', CONTENT_LENGTH, 'text/plain'],
  ['the stream, chunked', 'no body parser', CHUNKED, 'text/plain'],
  ['express.raw()', 'express.raw()', CONTENT_LENGTH, 'application/octet-stream'],
  ['express.text()', 'express.text()', CONTENT_LENGTH, 'text/plain'],
  ['express.json(), with a Content-Length', 'express.json()', CONTENT_LENGTH, 'application/json'],
  ['express.json(), chunked', 'express.json()', CHUNKED, 'application/json'],
];

for (const { name, express: expressOf } of EXPRESS_VERSIONS) {
  describe(`the body limit's edge on ${name}`, () => {
    for (const [path, parser, framing, contentType] of NODE_PATHS) {
      it(`should read a body of exactly limit bytes and refuse one byte more, read by ${path}`, async () => {
        const target = buildApp({ limit: LIMIT }, { express: expressOf, parser });
        const running = await listen(target.app);
        try {
          const post = async (body: string): Promise<RawResponse> =>
            rawPost(running.port, receiverUrl(), {
              headers: { 'Content-Type': contentType, ...framing(body) },
              chunks: [body],
            });
          const atLimit = await post(bodyOfSize(LIMIT));
          expect(JSON.parse(atLimit.text)).to.deep.equal(OK);
          expect(codeOf(await post(bodyOfSize(LIMIT + 1)))).to.equal('BODY_TOO_LARGE');
          expect(target.recalls).to.have.length(1);
          expect(target.rejections.map((error) => error.code)).to.deep.equal(['BODY_TOO_LARGE']);
        } finally {
          await running.close();
        }
      });
    }

    it('should hold what express.json() parsed to the Content-Length sent, spaces included, not to its own JSON', async () => {
      const target = buildApp({ limit: LIMIT }, { express: expressOf, parser: 'express.json()' });
      const running = await listen(target.app);
      try {
        const compact = bodyOfSize(LIMIT - 10);
        const spaced = compact.replaceAll(',', ',   ');
        expect(Buffer.byteLength(spaced)).to.be.above(LIMIT);
        const headers = { 'Content-Type': 'application/json', ...CONTENT_LENGTH(spaced) };
        const res = await rawPost(running.port, receiverUrl(), { headers, chunks: [spaced] });
        expect(codeOf(res)).to.equal('BODY_TOO_LARGE');
        expect(target.recalls).to.have.length(0);
      } finally {
        await running.close();
      }
    });
  });
}

describe("the body limit's edge on the fetch handler", () => {
  const handler = recallFetchHandler(receiverOptions({ limit: LIMIT }));
  const request = (body: string, headers: Record<string, string>, streamed: boolean): Request =>
    new Request(`https://receiver.test${receiverUrl()}`, {
      method: 'POST',
      headers,
      // A stream has no length of its own, so only the bytes read can tell its size.
      body: streamed ? new Blob([body]).stream() : body,
      duplex: 'half',
    });

  for (const [path, streamed, framing] of [
    ['with a Content-Length', false, CONTENT_LENGTH],
    ['streamed, with no length given', true, () => ({})],
  ] as const) {
    it(`should read a body of exactly limit bytes and refuse one byte more, ${path}`, async () => {
      const atLimit = await handler(request(bodyOfSize(LIMIT), framing(bodyOfSize(LIMIT)), streamed));
      expect(await atLimit.json()).to.deep.equal(OK);
      const over = await handler(request(bodyOfSize(LIMIT + 1), framing(bodyOfSize(LIMIT + 1)), streamed));
      expect(((await over.json()) as { ErrorInfo: string }).ErrorInfo).to.match(/^BODY_TOO_LARGE: /);
    });
  }
});
