import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { callbackQuery } from '../../lib/testing/query.js';
import { sampleRecall } from '../../lib/testing/sample.js';
import { deliverRecall, type ProtocolAnswer } from '../../lib/testing/deliver.js';
import { TOKEN } from '../fixtures/callbacks.js';
import { GET_IP_LIST_ANSWER, parsed } from '../fixtures/published.js';
import { ADMIN, fakeTencentApi, SECRET_KEY } from '../helpers/tencent-api.js';
import { freePort } from '../helpers/http.js';
import { run, start, type Spawned } from '../helpers/process.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';

// The guides' examples, run as written.

const SECURITY = guide('security.md');

describe('docs/security.md', function () {
  this.timeout(30_000);
  const servers: Spawned[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  for (const [list, expected] of [
    [['127.0.0.2', '127.0.0.1/32'], 'OK'],
    [parsed(GET_IP_LIST_ANSWER).IPList as string[], 'ADDRESS_FORBIDDEN'],
  ] as const) {
    it(`should keep Tencent's addresses as written and answer a peer ${expected === 'OK' ? 'in' : 'outside'} them ${expected}`, async () => {
      const [code] = blocksOf("`allowFrom`: Tencent's callback addresses", 'ts', SECURITY);
      const file = writeExample('security-allow-from.ts', code ?? '');
      const api = await fakeTencentApi({ list });
      try {
        const port = await freePort();
        const env = { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN, IM_API_URL: api.url, IM_SECRET_KEY: SECRET_KEY };
        const server = start('node', ['--import', 'tsx', file.pathname], env);
        servers.push(server);
        const url = `http://127.0.0.1:${String(port)}/im/callback`;
        let answer: ProtocolAnswer | undefined;
        for (let attempt = 0; attempt < 200 && answer === undefined; attempt++) {
          answer = await deliverRecall(url, { sdkAppId: 1400000000, token: TOKEN }).catch(() =>
            sleep(100).then(() => undefined),
          );
        }
        const [call] = api.calls;
        expect([call?.method, call?.path, call?.userSigProblem]).to.deep.equal([
          'POST',
          '/v4/ConfigSvc/GetIPList',
          undefined,
        ]);
        expect(Object.fromEntries(call?.query ?? [])).to.deep.include({
          sdkappid: '1400000000',
          identifier: ADMIN,
          contenttype: 'json',
          nettype: '6',
        });
        // The server listens on every address, so the IPv4 peer shows in its IPv4-mapped form.
        if (expected === 'OK') {
          expect(answer).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
          await server.waitFor(/^48374_2837546_1557481126 recalled, sent from ::ffff:127\.0\.0\.1$/m);
        } else {
          expect(answer?.ErrorInfo).to.match(/^ADDRESS_FORBIDDEN: /);
          // console.warn writes to stderr.
          for (let wait = 0; wait < 100 && !server.errors().includes('refused ADDRESS_FORBIDDEN'); wait++)
            await sleep(20);
          expect(server.errors()).to.match(/^refused ADDRESS_FORBIDDEN from ::ffff:127\.0\.0\.1$/m);
        }
      } finally {
        await api.close();
      }
    });
  }

  it('should log, as written, a refresh that failed, and keep answering', async () => {
    const [code] = blocksOf("`allowFrom`: Tencent's callback addresses", 'ts', SECURITY);
    // The guide's refresh is hourly; the test's, every second.
    const file = writeExample(
      'security-allow-from-refresh.ts',
      (code ?? '').replace('nettype: 6,', 'nettype: 6,\n  refreshSeconds: 1,'),
    );
    const api = await fakeTencentApi({ list: ['127.0.0.1'] });
    try {
      const port = await freePort();
      const env = { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN, IM_API_URL: api.url, IM_SECRET_KEY: SECRET_KEY };
      const server = start('node', ['--import', 'tsx', file.pathname], env);
      servers.push(server);
      const url = `http://127.0.0.1:${String(port)}/im/callback`;
      await untilListening(url, TOKEN);
      api.serve({ errorCode: 70001, errorInfo: 'UserSig expired' });
      for (let wait = 0; wait < 250 && !server.errors().includes('keeping the callback allowlist'); wait++)
        await sleep(20);
      expect(server.errors()).to.match(
        /^keeping the callback allowlist: tencent-chat-recall-webhook: GetIPList answered ErrorCode 70001: UserSig expired$/m,
      );
      expect(await deliverRecall(url, { sdkAppId: 1400000000, token: TOKEN })).to.deep.include({ ErrorCode: 0 });
    } finally {
      await api.close();
    }
  });

  describe('rotating the callback token, step by step as written', () => {
    const OLD = 'old-callback-token';
    const NEW = 'new-callback-token';

    /** Runs the guide's receiver with `env`, and what it answers a recall signed with each token. */
    async function deploy(env: Record<string, string>, accepted: string): Promise<Record<string, string>> {
      const [code] = blocksOf('Rotating the callback token', 'ts', SECURITY);
      const file = writeExample('security-rotation.ts', code ?? '');
      const port = await freePort();
      const server = start('node', ['--import', 'tsx', file.pathname], { PORT: String(port), ...env });
      servers.push(server);
      const url = `http://127.0.0.1:${String(port)}/im/callback`;
      await untilListening(url, accepted);
      const answers: Record<string, string> = {};
      for (const [name, token] of Object.entries({ OLD, NEW })) {
        const body = { MsgKey: `${name}-${randomUUID()}` };
        const answer = await deliverRecall(url, { sdkAppId: 1400000000, token, body });
        answers[name] = answer.ErrorCode === 0 ? 'OK' : (answer.ErrorInfo.split(':')[0] ?? '');
        if (answer.ErrorCode === 0 && 'IM_CALLBACK_TOKEN_NEXT' in env && token === OLD) {
          await server.waitFor(new RegExp(`^signed with the old token: ${body.MsgKey}$`, 'm'));
        }
      }
      await server.stop();
      // Only callbacks signed with the old token, while both are accepted, are logged.
      expect(server.output().match(/^signed with the old token: /gm)?.length ?? 0).to.equal(
        'IM_CALLBACK_TOKEN_NEXT' in env && answers.OLD === 'OK' ? 1 : 0,
      );
      return answers;
    }

    it('should accept the old token before, both while the console changes, and the new one after', async () => {
      expect(await deploy({ IM_CALLBACK_TOKEN: OLD }, OLD)).to.deep.equal({ OLD: 'OK', NEW: 'SIGNATURE_INVALID' });
      // 1. Deploy both; 2. and 3., the console changes and the change spreads: both pass.
      expect(await deploy({ IM_CALLBACK_TOKEN: OLD, IM_CALLBACK_TOKEN_NEXT: NEW }, NEW)).to.deep.equal({
        OLD: 'OK',
        NEW: 'OK',
      });
      // 4. Drop the old.
      expect(await deploy({ IM_CALLBACK_TOKEN: NEW }, NEW)).to.deep.equal({ OLD: 'SIGNATURE_INVALID', NEW: 'OK' });
    });

    it('should stop at start-up, naming the token missing, when the current token is unset', async () => {
      const [code] = blocksOf('Rotating the callback token', 'ts', SECURITY);
      const file = writeExample('security-rotation-unset.ts', code ?? '');
      const { code: exit, stderr } = await run('node', ['--import', 'tsx', file.pathname], {
        IM_CALLBACK_TOKEN: undefined,
        IM_CALLBACK_TOKEN_NEXT: NEW,
        PORT: String(await freePort()),
      });
      expect(exit).to.not.equal(0);
      expect(stderr).to.match(/TypeError: tencent-chat-recall-webhook: `token\[0\]` is missing/);
      expect(stderr).not.to.include(NEW);
    });
  });

  it('should build the fetch handler as written, taking the address from what the runtime passes', async () => {
    const [code] = blocksOf("`allowFrom`: Tencent's callback addresses", 'ts', SECURITY).slice(1);
    const file = writeExample('security-fetch.ts', code ?? '');
    process.env.IM_CALLBACK_TOKEN = TOKEN;
    try {
      const { handler } = (await import(file.href)) as {
        handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>;
      };
      const post = (): Request =>
        new Request(`https://example.test/im/callback?${callbackQuery({ sdkAppId: 1400000000, token: TOKEN })}`, {
          method: 'POST',
          body: JSON.stringify(sampleRecall()),
        });
      const inside = await handler(post(), { remoteAddr: { hostname: '183.192.202.7' } });
      expect(await inside.json()).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
      const outside = (await (
        await handler(post(), { remoteAddr: { hostname: '198.51.100.7' } })
      ).json()) as ProtocolAnswer;
      expect(outside.ErrorInfo).to.match(/^ADDRESS_FORBIDDEN: /);
    } finally {
      delete process.env.IM_CALLBACK_TOKEN;
    }
  });
});
