import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { OPTION_NAMES } from '../lib/options/resolve.js';
import { LOAD } from './reliability/figures.js';
import { RECALL_ERROR_CODES } from '../lib/core/errors.js';
import type { RecallMiddleware } from '../lib/adapters/express.js';
import { callbackQuery } from '../lib/testing/query.js';
import { sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../lib/testing/sample.js';
import { deliverRecall } from '../lib/testing/deliver.js';
import { receiverUrl, SAMPLE_WITH_EVENT_TIME, SAMPLE_WITH_UNREAD, TOKEN } from './fixtures/callbacks.js';
import { freePort, rawPost } from './helpers/http.js';
import { run, start, type Spawned } from './helpers/process.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { blocksOf, guide, importRecall, readme, untilListening, writeExample } from './helpers/readme.js';
import { sharedRedisUrl } from './helpers/redis.js';
import { OK } from './helpers/app.js';

const README = readme();
const FRAMEWORKS = guide('frameworks.md');
const COMMANDS = guide('commands.md');

// The README's examples and those of the guides it points to, run as written.
describe('README', function () {
  this.timeout(30_000);

  // Each of these listens on PORT and logs "<From_Account> recalled <MsgKey>" per recall.
  const SERVER_EXAMPLES = [
    { heading: 'Quick start', path: '/im/callback', text: README },
    { heading: 'node:http', path: '/im/callback', text: FRAMEWORKS },
    { heading: 'Fastify', path: '/im/callback', text: FRAMEWORKS },
    { heading: 'Koa', path: '/im/callback', text: FRAMEWORKS },
  ] as const;

  for (const { heading, path, text } of SERVER_EXAMPLES) {
    describe(heading, () => {
      let server: Spawned | undefined;
      after(async () => {
        await server?.stop();
      });

      it('should run as written and answer signed recalls with OK, with and without a Content-Type', async () => {
        const [code] = blocksOf(heading, 'ts', text);
        const file = writeExample(`${heading.replace(/\W+/g, '-')}.ts`, code ?? '');
        const port = await freePort();
        server = start('node', ['--import', 'tsx', file.pathname], { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN });
        const url = `http://127.0.0.1:${String(port)}${path}`;
        const options = { sdkAppId: 1400000000, token: TOKEN };
        await untilListening(url, TOKEN);
        expect(await deliverRecall(url, options)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
        const bare = await rawPost(port, `${path}?${callbackQuery(options)}`, {
          chunks: [JSON.stringify(sampleRecall({ MsgKey: 'bare' }))],
        });
        expect(JSON.parse(bare.text)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
        await server.waitFor(/^jared recalled 48374_2837546_1557481126\njared recalled bare$/m);
      });
    });
  }

  describe('Koa, type-checked', () => {
    it('should type-check under strict TypeScript with skipLibCheck, and fail in @types/koa only without it', async () => {
      const [code] = blocksOf('Koa', 'ts', FRAMEWORKS);
      writeExample('koa-typed.ts', code ?? '');
      const tsc = (skipLibCheck: boolean): Promise<{ code: number | null; stdout: string }> => {
        const compilerOptions = { strict: true, module: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck };
        const config = writeExample(
          'koa-typed.tsconfig.json',
          JSON.stringify({ compilerOptions, files: ['koa-typed.ts'] }),
        );
        return run('node', ['node_modules/typescript/bin/tsc', '-p', config.pathname]);
      };
      expect(await tsc(true)).to.deep.include({ code: 0, stdout: '' });
      const without = await tsc(false);
      expect(without.code).to.equal(2);
      const errors = without.stdout.split('\n').filter((line) => line.includes('error TS'));
      expect(errors.length).to.be.above(0);
      expect(errors.every((line) => line.includes('node_modules/@types/koa/'))).to.equal(true);
    });
  });

  it('should pin light-my-request as the Fastify section says', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      overrides?: Record<string, string>;
    };
    const pin = /"overrides": \{ "light-my-request": "([^"]+)" \}/.exec(FRAMEWORKS)?.[1];
    expect(pin).to.equal(manifest.overrides?.['light-my-request']);
  });

  describe('fetch handlers', () => {
    it('should export a route handler, as written, that answers a signed recall with OK', async () => {
      const [code] = blocksOf('Fetch handlers: route handlers and serverless functions', 'ts', FRAMEWORKS);
      const file = writeExample('fetch-handler.ts', code ?? '');
      process.env.IM_CALLBACK_TOKEN = TOKEN;
      try {
        const { POST } = (await import(file.href)) as { POST: (request: Request) => Promise<Response> };
        const url = `https://example.test/im/callback?${callbackQuery({ sdkAppId: 1400000000, token: TOKEN })}`;
        const response = await POST(new Request(url, { method: 'POST', body: JSON.stringify(sampleRecall()) }));
        expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
      } finally {
        delete process.env.IM_CALLBACK_TOKEN;
      }
    });
  });

  describe('Exactly once: dedupe', () => {
    const servers: Spawned[] = [];
    after(async () => {
      await Promise.all(servers.map((server) => server.stop()));
    });

    it('should run as written on two instances sharing Redis, one recall and one duplicate for two copies', async () => {
      const [code] = blocksOf('Several instances, one Redis', 'ts', guide('exactly-once.md'));
      const file = writeExample('dedupe.ts', code ?? '');
      const env = { REDIS_URL: await sharedRedisUrl(), IM_CALLBACK_TOKEN: TOKEN };
      const ports = [await freePort(), await freePort()];
      for (const port of ports)
        servers.push(start('node', ['--import', 'tsx', file.pathname], { ...env, PORT: String(port) }));
      // A MsgKey of this run's own: the shared Redis may remember earlier runs.
      const options = { sdkAppId: 1400000000, token: TOKEN, body: { MsgKey: `readme-${randomUUID()}` } };
      // Each probed with a recall of its own, so the copies below are the first of theirs.
      for (const port of ports) await untilListening(`http://127.0.0.1:${String(port)}/im/callback`, TOKEN);
      const answers = await Promise.all(
        ports.map((port) => deliverRecall(`http://127.0.0.1:${String(port)}/im/callback`, options)),
      );
      expect(answers).to.deep.equal([OK, OK]);
      const key = options.body.MsgKey;
      await Promise.all(servers.map((server) => server.waitFor(new RegExp(`${key}$`, 'm'))));
      const seen = servers.flatMap((server) => server.output().split('\n')).filter((line) => line.endsWith(key));
      expect(seen.sort()).to.deep.equal([`duplicate of ${key}`, `jared recalled ${key}`]);
    });
  });

  describe('testing your handler', () => {
    /** Runs `code` under `node --test` and expects its one test to pass. */
    const passesUnderNodeTest = async (name: string, code: string | undefined): Promise<void> => {
      const file = writeExample(name, code ?? '');
      const { code: exit, stdout } = await run('node', [
        '--import',
        'tsx',
        '--test',
        '--test-reporter',
        'tap',
        file.pathname,
      ]);
      expect(exit, stdout).to.equal(0);
      expect(stdout).to.match(/^# pass 1$/m);
      expect(stdout).to.match(/^# fail 0$/m);
    };

    it('should pass as written under node --test', async () => {
      const [code] = blocksOf('Testing your handler', 'ts', guide('testing.md'));
      await passesUnderNodeTest('handler.test.ts', code);
    });

    it('should pass the group and Official Account example as written under node --test', async () => {
      const [, code] = blocksOf('Testing your handler', 'ts', guide('testing.md'));
      expect(code).to.include('sampleOfficialAccountRecall');
      await passesUnderNodeTest('handler-commands.test.ts', code);
    });

    it('should pass the fetch handler example as written under node --test', async () => {
      const [, , code] = blocksOf('Testing your handler', 'ts', guide('testing.md'));
      expect(code).to.include('callbackRequest');
      await passesUnderNodeTest('handler-fetch.test.ts', code);
    });
  });

  describe('Every recall command', () => {
    let server: Spawned | undefined;
    after(async () => {
      await server?.stop();
    });

    it('should run as written: one function marks the messages of all three commands recalled', async () => {
      const [code] = blocksOf('One function for all three', 'ts', COMMANDS);
      const samples = blocksOf('The commands', 'json', COMMANDS).map((text) => JSON.parse(text) as unknown);
      expect(samples).to.deep.equal([sampleRecall(), sampleGroupRecall(), sampleOfficialAccountRecall()]);
      const file = writeExample('every-command.ts', code ?? '');
      const port = await freePort();
      server = start('node', ['--import', 'tsx', file.pathname], { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN });
      const url = `http://127.0.0.1:${String(port)}/im/callback`;
      const options = { sdkAppId: 1400000000, token: TOKEN };
      await untilListening(url, TOKEN);
      expect(await deliverRecall(url, options)).to.deep.equal(OK);
      for (const command of ['Group.CallbackAfterRecallMsg', 'OfficialAccount.CallbackAfterMsgWithDraw'] as const) {
        expect(await deliverRecall(url, { ...options, command })).to.deep.equal(OK);
      }
      await server.waitFor(
        new RegExp(
          [
            'C2C.CallbackAfterMsgWithDraw: marked 48374_2837546_1557481126 recalled',
            'Group.CallbackAfterRecallMsg: marked 1213456:@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic:130 recalled',
            'OfficialAccount.CallbackAfterMsgWithDraw: marked 71_1_1698741698 recalled',
          ]
            .map((line) => line.replace(/[.]/g, '\\.'))
            .join('\n'),
          'm',
        ),
      );
    });
  });

  describe('stricter schemas', () => {
    it('should build the middleware as written and give a body without EventTime the FAIL shown', async () => {
      const [code] = blocksOf('Stricter schemas', 'ts', COMMANDS);
      const [shown] = blocksOf('Stricter schemas', 'json', COMMANDS);
      const recall = await importRecall<RecallMiddleware>(
        'stricter.ts',
        `import { recallWebhook } from 'tencent-chat-recall-webhook';\n${code ?? ''}`,
        TOKEN,
      );
      const app = express().use('/callback', recall);
      const signed = (): string => receiverUrl({ token: TOKEN });
      const failing = await request(app).post(signed()).type('json').send(JSON.stringify(SAMPLE_WITH_UNREAD));
      expect(failing.body).to.deep.equal(JSON.parse(shown ?? ''));
      const extra = await request(app)
        .post(signed())
        .type('json')
        .send(JSON.stringify({ ...SAMPLE_WITH_EVENT_TIME, Extra: 1 }));
      // Fields Tencent adds later still pass.
      expect(extra.body).to.deep.include({ ErrorCode: 0 });
      const long = await request(app)
        .post(signed())
        .type('json')
        .send(JSON.stringify({ ...SAMPLE_WITH_EVENT_TIME, To_Account: 'x'.repeat(33) }));
      expect(long.body).to.deep.include({ ErrorCode: 1 });
      const passing = await request(app).post(signed()).type('json').send(JSON.stringify(SAMPLE_WITH_EVENT_TIME));
      expect(passing.body).to.deep.include({ ErrorCode: 0 });
    });
  });

  describe('watching for what Tencent sends', () => {
    it('should report, as written, a callback refused for its body after authentication, and no other refusal', async () => {
      const [code] = blocksOf('Watching for what Tencent sends', 'ts', COMMANDS);
      const recall = await importRecall<RecallMiddleware>('watching.ts', code ?? '', TOKEN);
      const app = express().use('/callback', recall);
      const reported: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => reported.push(args);
      try {
        const group = 'Group.CallbackAfterRecallMsg';
        const refused = await request(app)
          .post(receiverUrl({ token: TOKEN, callbackCommand: group }))
          .type('json')
          .send(JSON.stringify({ ...sampleGroupRecall(), Type: 7 }));
        expect(refused.body).to.deep.include({ ErrorCode: 1 });
        const forged = await request(app)
          .post(receiverUrl({ token: 'not-the-token', callbackCommand: group }))
          .type('json')
          .send(JSON.stringify({ ...sampleGroupRecall(), Type: 7 }));
        expect((forged.body as { ErrorInfo: string }).ErrorInfo).to.match(/^SIGNATURE_INVALID: /);
        const genuine = await request(app)
          .post(receiverUrl({ token: TOKEN, callbackCommand: group }))
          .type('json')
          .send(JSON.stringify(sampleGroupRecall({ TopicId: '', Type: '' })));
        expect(genuine.body).to.deep.equal(OK);
      } finally {
        console.error = original;
      }
      expect(reported).to.deep.equal([
        ['lost a Group.CallbackAfterRecallMsg callback, field /Type: body.Type must be string'],
      ]);
    });
  });

  describe('reference tables', () => {
    it('should list every error code in the error code table', () => {
      for (const code of RECALL_ERROR_CODES) expect(README, code).to.match(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
    });

    it('should list every option in the options table', () => {
      for (const option of OPTION_NAMES) expect(README, option).to.match(new RegExp(`^\\| \`${option}\` +\\|`, 'm'));
    });

    it('should state in the Reliability section every figure the load and fault tests assert', () => {
      const section =
        guide('reliability.md')
          .split(/^## /m)
          .find((part) => part.startsWith('Reliability\n')) ?? '';
      const figures = [
        LOAD.requests,
        LOAD.concurrency,
        LOAD.mixedRequests,
        LOAD.rejectedBurst,
        LOAD.propertyCasesFetch,
        LOAD.propertyCasesExpress,
        LOAD.dedupeRecalls,
        LOAD.dedupeConcurrency,
        LOAD.dedupeModelRuns,
      ].map((n) => n.toLocaleString('en-US'));
      for (const figure of [
        ...figures,
        `${String(LOAD.heapGrowthMiB)} MiB`,
        `${String(LOAD.slowdownAtMost)} times`,
        `${String(LOAD.listenerTimeoutMs)} ms`,
        `${String(LOAD.fullStoreMiB)} MiB`,
        `${String(LOAD.redisClaimBytes)} bytes`,
      ]) {
        expect(section, figure).to.include(figure);
      }
    });

    it('should show the commands a contributor needs, with their prerequisites, in README and CONTRIBUTING.md', () => {
      for (const text of [README, readFileSync(new URL('../CONTRIBUTING.md', import.meta.url), 'utf8')]) {
        expect(text).to.include('npm install && npm start');
        expect(text).to.include('npm test');
        expect(text).to.include('redis-server');
        expect(text).to.match(/Node\.js 20/);
      }
    });

    it('should name the versions the tests run on: TypeScript, redis and ioredis, as installed', () => {
      const major = (name: string): string =>
        (
          JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as {
            version: string;
          }
        ).version.split('.')[0] ?? '';
      expect(README).to.include(`TypeScript ${major('typescript')} and ${major('typescript7')}`);
      expect(guide('exactly-once.md')).to.include(
        `The tests run on redis ${major('redis')} and ioredis ${major('ioredis')}`,
      );
    });

    it('should keep the README short, its lines within 100 columns, and link only guides that exist', () => {
      expect(Buffer.byteLength(README)).to.be.below(12 * 1024);
      expect(README.split('\n').filter((line) => line.length > 100)).to.deep.equal([]);
      for (const [, target] of README.matchAll(/\]\(((?:docs\/[\w-]+|CONTRIBUTING)\.md)(?:#[\w-]+)?\)/g)) {
        expect(existsSync(new URL(`../${String(target)}`, import.meta.url)), target).to.equal(true);
      }
      for (const name of readdirSync(new URL('../docs/', import.meta.url))) {
        for (const [, target] of guide(name).matchAll(/\]\(([\w-]+\.md)(?:#[\w-]+)?\)/g)) {
          expect(
            existsSync(new URL(`../docs/${String(target)}`, import.meta.url)),
            `${name} links ${String(target)}`,
          ).to.equal(true);
        }
      }
    });
  });
});
