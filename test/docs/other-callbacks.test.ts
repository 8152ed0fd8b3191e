import { expect } from 'chai';
import { callbackQuery } from '../../lib/testing/query.js';
import { callbackRequest } from '../../lib/testing/request.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';

// docs/other-callbacks.md: each example as written, with callbacks of other commands, signed and
// forged, beside recalls.

const GUIDE = guide('other-callbacks.md');
const TOKEN = 'token-of-the-guide';
const SDK_APP_ID = 1400000000;
const BEFORE_SEND = 'C2C.CallbackBeforeSendMsg';

function block(heading: string): string {
  const code = blocksOf(heading, 'ts', GUIDE)[0];
  if (code === undefined) throw new Error(`no ts block in "${heading}"`);
  return code;
}

/** The answer a callback of `command` with `body` gets from the receiver at `url`, signed with `token`. */
async function answerOf(url: string, command: string, body: unknown, token = TOKEN): Promise<Record<string, unknown>> {
  const query = callbackQuery({ sdkAppId: SDK_APP_ID, token, callbackCommand: command });
  const response = await fetch(`${url}?${query}`, { method: 'POST', body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

const text = (words: string): unknown => ({
  CallbackCommand: BEFORE_SEND,
  From_Account: 'alice',
  To_Account: 'bob',
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: words } }],
});

describe('docs/other-callbacks.md', function () {
  this.timeout(60_000);
  let program: Spawned | undefined;
  after(async () => {
    await program?.stop();
  });

  it('should run the Express example as written: before-send decided by its handler, recalls beside it, forgeries refused', async () => {
    const file = writeExample('other-callbacks-express.ts', block('What is answered'));
    const port = await freePort();
    program = start('node', ['--import', 'tsx', file.pathname], { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN });
    const url = `http://127.0.0.1:${String(port)}/im/callback`;
    await untilListening(url, TOKEN);
    expect(await answerOf(url, BEFORE_SEND, text('hello'))).to.deep.equal({
      ActionStatus: 'OK',
      ErrorInfo: '',
      ErrorCode: 0,
    });
    expect(await answerOf(url, BEFORE_SEND, text('a forbidden word'))).to.deep.equal({
      ActionStatus: 'OK',
      ErrorInfo: '',
      ErrorCode: 1,
    });
    expect(await answerOf(url, 'State.StateChange', { Info: {} })).to.deep.include({ ErrorCode: 0 });
    const forged = await answerOf(url, BEFORE_SEND, text('a forbidden word'), 'a guess');
    expect(forged).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
    expect(String(forged.ErrorInfo)).to.match(/^SIGNATURE_INVALID/);
    expect((await fetch(url)).status).to.equal(404);
    await program.waitFor(
      /C2C\.CallbackBeforeSendMsg from alice: sent\n.*C2C\.CallbackBeforeSendMsg from alice: refused/s,
    );
    expect(program.output()).not.to.include('a guess');
  });

  it('should run the fetch handler example as written: state changes read, other requests 404', async () => {
    const file = writeExample('other-callbacks-fetch.ts', blocksOf('What is answered', 'ts', GUIDE)[1] ?? '');
    process.env.IM_CALLBACK_TOKEN = TOKEN;
    let handler: (request: Request) => Promise<Response>;
    try {
      ({ handler } = (await import(file.href)) as { handler: typeof handler });
    } finally {
      delete process.env.IM_CALLBACK_TOKEN;
    }
    const logged: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      const state = callbackRequest({
        sdkAppId: SDK_APP_ID,
        token: TOKEN,
        callbackCommand: 'State.StateChange',
        body: { Info: { Action: 'Login', To_Account: 'alice' } },
      });
      expect(await (await handler(state)).json()).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
      expect(logged).to.deep.equal(['alice: Login']);
      expect((await handler(new Request('http://x/', { method: 'POST', body: '{}' }))).status).to.equal(404);
      const forged = callbackRequest({
        sdkAppId: SDK_APP_ID,
        token: 'a guess',
        callbackCommand: 'State.StateChange',
        body: {},
      });
      expect(((await (await handler(forged)).json()) as { ErrorInfo: string }).ErrorInfo).to.match(
        /^SIGNATURE_INVALID/,
      );
      expect(logged).to.have.length(1);
    } finally {
      console.log = log;
    }
  });
});
