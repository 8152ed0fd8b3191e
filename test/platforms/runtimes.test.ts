import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { callbackQuery } from '../../lib/testing/query.js';
import { installedVersion } from '../helpers/consumer.js';
import {
  fetchOnlyApp,
  fixtureFiles,
  startBun,
  startDeno,
  startEdge,
  startNode,
  startWorkerd,
  writeFiles,
  type Served,
} from './launch.js';

// The packed package, installed as a fetch-only app installs it (no Express), run in each runtime
// it claims, each the real one from the npm registry: the same requests, the same answers.

/** The tokens the app is given: the current one and the next, as while the console's token changes. */
const TOKENS = { IM_CALLBACK_TOKEN: 'token-now', IM_CALLBACK_TOKEN_NEXT: 'token-next' } as const;

interface Platform {
  readonly name: string;
  /** How a JSON Schema of the app's own, without `ajv`, is refused there. */
  readonly schemaRefusal: 'code generation' | 'no Ajv';
  start(app: string): Promise<Served>;
}

function worker(perRequest: boolean, nodejsCompat: boolean): Platform {
  return {
    name: `Cloudflare Workers (workerd), handler created ${perRequest ? 'in fetch from env' : 'at module scope'}, ${nodejsCompat ? 'with' : 'without'} nodejs_compat`,
    schemaRefusal: 'code generation',
    start: (app) =>
      startWorkerd(app, 'worker.mjs', TOKENS, { nodejsCompat, define: { PER_REQUEST: String(perRequest) } }),
  };
}

const SDK_APP_ID = 1400000000;
const C2C = 'C2C.CallbackAfterMsgWithDraw';
const GROUP = 'Group.CallbackAfterRecallMsg';
const OFFICIAL_ACCOUNT = 'OfficialAccount.CallbackAfterMsgWithDraw';

interface Answer {
  readonly ActionStatus: string;
  readonly ErrorInfo: string;
  readonly ErrorCode: number;
}

interface Received {
  readonly command: string;
  readonly name: string;
  readonly signedWith: number;
}

interface Callback {
  readonly command?: string;
  readonly token?: string | undefined;
  readonly requestTime?: number;
  readonly sdkAppId?: number;
  readonly sign?: string;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

const bodies = {
  [C2C]: (name: string) => ({ CallbackCommand: C2C, From_Account: 'alice', To_Account: 'bob', MsgKey: name }),
  [GROUP]: (name: string) => ({ CallbackCommand: GROUP, GroupId: name, MsgSeqList: [{ MsgSeq: 7 }] }),
  [OFFICIAL_ACCOUNT]: (name: string) => ({
    CallbackCommand: OFFICIAL_ACCOUNT,
    Official_Account: 'news',
    WithdrawMsgList: [{ MsgKey: name }],
  }),
};

const PLATFORMS: readonly Platform[] = [
  {
    name: 'Node.js with --disallow-code-generation-from-strings',
    schemaRefusal: 'code generation',
    start: (app) => startNode(app, 'node.mjs', TOKENS, ['--disallow-code-generation-from-strings']),
  },
  {
    name: 'Deno (Deno.serve), --allow-env limited to the variables it reads',
    schemaRefusal: 'no Ajv',
    start: (app) => startDeno(app, 'deno.mjs', TOKENS),
  },
  { name: 'Bun (Bun.serve)', schemaRefusal: 'no Ajv', start: (app) => startBun(app, 'bun.mjs', TOKENS) },
  worker(false, true),
  worker(false, false),
  worker(true, true),
  worker(true, false),
  {
    name: "Vercel's Edge Runtime (edge-runtime), bundled as for a Next.js edge route",
    schemaRefusal: 'code generation',
    start: (app) => startEdge(app, 'edge.mjs', TOKENS),
  },
];

describe('the packed package in each runtime, from the npm registry', function () {
  // Packing, an offline install, and starting eight servers one after another.
  this.timeout(240_000);
  let app = '';

  before(async () => {
    app = await fetchOnlyApp();
    writeFiles(app, fixtureFiles());
  });

  it('should install for a fetch-only app without Express, an optional peer', () => {
    expect(existsSync(join(app, 'node_modules/tencent-chat-recall-webhook'))).to.equal(true);
    expect(existsSync(join(app, 'node_modules/express'))).to.equal(false);
    expect(installedVersion('express')).to.match(/^5\./);
  });

  for (const platform of PLATFORMS) {
    describe(platform.name, () => {
      let server: Served | undefined;
      const url = (): string => {
        if (server === undefined) throw new Error('not started');
        return server.url;
      };

      before(async () => {
        server = await platform.start(app);
      });

      after(async () => {
        await server?.stop();
      });

      async function deliver(body: unknown, callback: Callback = {}): Promise<Answer> {
        const token = 'token' in callback ? callback.token : TOKENS.IM_CALLBACK_TOKEN;
        const params = new URLSearchParams(
          callbackQuery({
            sdkAppId: callback.sdkAppId ?? SDK_APP_ID,
            callbackCommand: callback.command ?? C2C,
            ...(token === undefined ? {} : { token, requestTime: callback.requestTime ?? now() }),
          }),
        );
        if (callback.sign !== undefined) params.set('Sign', callback.sign);
        const response = await fetch(`${url()}/callback?${params.toString()}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^application\/json/);
        return (await response.json()) as Answer;
      }

      async function received(): Promise<Received[]> {
        return (await (await fetch(`${url()}/received`)).json()) as Received[];
      }

      function errorCode(answer: Answer): string {
        return answer.ErrorInfo.split(':')[0] ?? '';
      }

      it('should answer signed one-to-one, group and Official Account recalls OK, each to its listener', async () => {
        for (const command of [C2C, GROUP, OFFICIAL_ACCOUNT] as const) {
          const answer = await deliver(bodies[command](`recall-${command}`), { command });
          expect(answer, command).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
        }
        const names = (await received()).map(({ command, name }) => `${command} ${name}`);
        expect(names).to.include.members(
          [C2C, GROUP, OFFICIAL_ACCOUNT].map((command) => `${command} recall-${command}`),
        );
      });

      it('should take a callback signed with the next token while the token changes, saying which signed it', async () => {
        expect((await deliver(bodies[C2C]('rotated'), { token: TOKENS.IM_CALLBACK_TOKEN_NEXT })).ActionStatus).to.equal(
          'OK',
        );
        expect((await received()).find(({ name }) => name === 'rotated')?.signedWith).to.equal(1);
      });

      it('should refuse each forged or broken callback with its code, handing none to a listener', async () => {
        const refusals: [string, Promise<Answer>][] = [
          ['SDKAPPID_MISMATCH', deliver(bodies[C2C]('refused-app'), { sdkAppId: 1400000001 })],
          ['SIGNATURE_MISSING', deliver(bodies[C2C]('refused-unsigned'), { token: undefined })],
          ['SIGNATURE_INVALID', deliver(bodies[C2C]('refused-forged'), { token: 'a guess' })],
          ['SIGNATURE_INVALID', deliver(bodies[C2C]('refused-sign'), { sign: 'f'.repeat(64) })],
          ['REQUEST_EXPIRED', deliver(bodies[C2C]('refused-old'), { requestTime: now() - 600 })],
          ['BODY_INVALID', deliver({ CallbackCommand: C2C, From_Account: 'a', To_Account: 'b', MsgKey: '' })],
          ['BODY_INVALID_JSON', deliver('{"CallbackCommand": ')],
          ['COMMAND_MISMATCH', deliver({ ...bodies[C2C]('refused-command'), CallbackCommand: GROUP })],
          ['BODY_TOO_LARGE', deliver({ ...bodies[C2C]('refused-large'), Padding: 'x'.repeat(2000) })],
        ];
        for (const [code, answer] of refusals) {
          expect(await answer, code).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
          expect(errorCode(await answer), code).to.equal(code);
        }
        expect((await received()).filter(({ name }) => name.startsWith('refused'))).to.deep.equal([]);
      });

      it('should wait for a listener that awaits, and answer FAIL for one that throws or never settles', async () => {
        expect((await deliver(bodies[C2C]('await-1'))).ActionStatus).to.equal('OK');
        expect((await received()).map(({ name }) => name)).to.include('await-1');
        expect(errorCode(await deliver(bodies[C2C]('throw-1')))).to.equal('LISTENER_FAILED');
        const started = Date.now();
        expect(errorCode(await deliver(bodies[GROUP]('hang-1'), { command: GROUP }))).to.equal('LISTENER_TIMEOUT');
        // The app's timeoutMs is 400: answered by its deadline, not the sender's 2 seconds.
        expect(Date.now() - started).to.be.below(1900);
      });

      it('should answer many callbacks at once with one handler, each handled once', async () => {
        const names = Array.from({ length: 25 }, (_, i) => `many-${String(i)}`);
        const answers = await Promise.all(names.map((name) => deliver(bodies[C2C](name))));
        expect(answers.map(({ ActionStatus }) => ActionStatus)).to.deep.equal(names.map(() => 'OK'));
        const seen = (await received()).map(({ name }) => name).filter((name) => name.startsWith('many-'));
        expect(seen.sort()).to.deep.equal([...names].sort());
      });

      it('should check a callback of another command too: a signed one answered OK, a forged one refused', async () => {
        const before = 'C2C.CallbackBeforeSendMsg';
        expect(await deliver({ CallbackCommand: before, MsgBody: [] }, { command: before })).to.deep.equal({
          ActionStatus: 'OK',
          ErrorInfo: '',
          ErrorCode: 0,
        });
        const forged = await deliver({ CallbackCommand: before }, { command: before, token: 'a guess' });
        expect(errorCode(forged)).to.equal('SIGNATURE_INVALID');
      });

      it("should run the test kit of this runtime's build against the app's fetch handler", async () => {
        const answers = (await (await fetch(`${url()}/test-kit`)).json()) as Answer[];
        expect(answers[0]).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
        expect(answers[1] === undefined ? '' : errorCode(answers[1])).to.equal('SIGNATURE_INVALID');
        expect((await received()).map(({ name }) => name)).to.include('test-kit');
      });

      it(`should refuse a JSON Schema of the app's own without ajv, saying what to do (${platform.schemaRefusal})`, async () => {
        const text = await (await fetch(`${url()}/json-schema`)).text();
        expect(text).to.match(/^TypeError: tencent-chat-recall-webhook: `schema` is a JSON Schema/);
        expect(text).to.include(
          platform.schemaRefusal === 'no Ajv' ? 'loads no Ajv of its own' : 'disallows code generation',
        );
        expect(text).to.include('{ validate }');
      });
    });
  }
});
