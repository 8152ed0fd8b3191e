import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { recallFetchHandler } from '../../lib/index.js';
import type { Validator } from '../../lib/protocol/schemas.js';
import {
  receiverOptions,
  receiverUrl,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  TOKEN,
  nowSeconds,
} from '../fixtures/callbacks.js';

// Schemas compiled ahead of time: the defaults, with the package, and an app's own, as `{ validate }`.

function post(handler: (request: Request) => Promise<Response>, body: string, token?: string) {
  const url = `http://receiver${receiverUrl(token === undefined ? {} : { token, requestTime: nowSeconds() })}`;
  return handler(new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
}

describe('validators compiled ahead of time', () => {
  it("should check a body with the app's `{ validate }`, refusing with the first of its errors", async () => {
    const seen: unknown[] = [];
    const validate: Validator = Object.assign(
      (data: unknown) => {
        seen.push(data);
        validate.errors = [
          { instancePath: '/MsgKey', schemaPath: '#', keyword: 'x', params: {}, message: 'is not ours' },
        ];
        return false;
      },
      { errors: null },
    );
    const handler = recallFetchHandler(receiverOptions({ schema: { validate } }));
    const answer = (await (await post(handler, SAMPLE_BODY_TEXT)).json()) as { ErrorInfo: string };
    expect(seen).to.deep.equal([SAMPLE_WITH_UNREAD]);
    expect(answer.ErrorInfo).to.equal('BODY_INVALID: body.MsgKey is not ours');
  });

  it('should accept a body the app\'s `{ validate }` passes, and say only "does not match" for one without errors', async () => {
    const accepting = recallFetchHandler(
      receiverOptions({ schemas: { 'C2C.CallbackAfterMsgWithDraw': { validate: () => true } } }),
    );
    expect(
      ((await (await post(accepting, SAMPLE_BODY_TEXT)).json()) as { ActionStatus: string }).ActionStatus,
    ).to.equal('OK');
    const refusing = recallFetchHandler(receiverOptions({ schema: { validate: () => false } }));
    const answer = (await (await post(refusing, SAMPLE_BODY_TEXT)).json()) as { ErrorInfo: string };
    expect(answer.ErrorInfo).to.equal('BODY_INVALID: body does not match the schema');
  });

  it('should take a query `{ validate }` too, run on the whole query once the callback is authentic', async () => {
    const queries: unknown[] = [];
    const handler = recallFetchHandler({
      sdkAppId: 1400000000,
      token: TOKEN,
      querySchema: { validate: (query) => queries.push(query) > 0 },
    });
    expect(
      ((await (await post(handler, SAMPLE_BODY_TEXT, TOKEN)).json()) as { ActionStatus: string }).ActionStatus,
    ).to.equal('OK');
    expect(queries).to.have.length(1);
    expect(queries[0]).to.include({ CallbackCommand: 'C2C.CallbackAfterMsgWithDraw', SdkAppid: '1400000000' });
  });
});

// A fresh Node.js process for each, as a serverless function starts: what is loaded, and what a
// runtime that refuses to compile code accepts.
function fresh(script: string, flags: readonly string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '' },
  });
}

const LOADED = `
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url)('module')._cache;
const loaded = (name) => Object.keys(cache).some((file) => file.includes('/node_modules/' + name + '/'));
`;

describe('what a receiver loads', () => {
  it('should load neither Ajv nor debug for a receiver with the default schemas, logging nothing', () => {
    const out = fresh(`${LOADED}
      const { recallFetchHandler } = await import('./lib/index.ts');
      recallFetchHandler({ sdkAppId: 1400000000, token: 't', commands: ['C2C.CallbackAfterMsgWithDraw', 'Group.CallbackAfterRecallMsg'] });
      console.log(JSON.stringify([loaded('ajv'), loaded('debug')]));`);
    expect(JSON.parse(out)).to.deep.equal([false, false]);
  });

  it("should load Ajv for the first JSON Schema of the app's own, and debug when DEBUG is set", () => {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `${LOADED}
        const { recallFetchHandler } = await import('./lib/index.ts');
        recallFetchHandler({ sdkAppId: 1400000000, token: 't', schema: (s) => ({ ...s, required: [...s.required, 'EventTime'] }) });
        console.log(JSON.stringify([loaded('ajv'), loaded('debug')]));`,
      ],
      { encoding: 'utf8', env: { ...process.env, DEBUG: 'someone-else' } },
    );
    expect(JSON.parse(out)).to.deep.equal([true, true]);
  });

  it('should work with --disallow-code-generation-from-strings, and refuse a JSON Schema there with what to do', () => {
    const out = fresh(
      `
      const { recallFetchHandler } = await import('./lib/index.ts');
      const { callbackQuery } = await import('./lib/testing/index.ts');
      const handler = recallFetchHandler({ sdkAppId: 1400000000, token: 't', ajv: { compile() { throw new Error('never called'); } } });
      const query = callbackQuery({ sdkAppId: 1400000000, token: 't', requestTime: Math.floor(Date.now() / 1000) });
      const body = JSON.stringify({ CallbackCommand: 'C2C.CallbackAfterMsgWithDraw', From_Account: 'a', To_Account: 'b', MsgKey: 'k' });
      const answer = await (await handler(new Request('http://x/?' + query, { method: 'POST', body }))).text();
      let refused;
      try { recallFetchHandler({ sdkAppId: 1400000000, token: 't', querySchema: { type: 'object' } }); } catch (error) { refused = error; }
      console.log(JSON.stringify([answer, refused?.name, refused?.message]));`,
      ['--disallow-code-generation-from-strings'],
    );
    const [answer, name, message] = JSON.parse(out) as [string, string, string];
    expect(JSON.parse(answer)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    expect(name).to.equal('TypeError');
    expect(message)
      .to.include('`querySchema` is a JSON Schema')
      .and.include('disallows code generation')
      .and.include('{ validate }');
  });
});
