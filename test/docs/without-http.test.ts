import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { callbackQuery } from '../../lib/testing/query.js';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { sampleRecall } from '../../lib/testing/sample.js';
import type { ScfApiGatewayEvent, ScfApiGatewayResponse } from '../../lib/adapters/scf.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';
import { startRedisServer, type RedisServer } from '../helpers/redis.js';

// docs/without-http.md: each example as written; the queue's against a real Redis of its own.

const GUIDE = guide('without-http.md');
const TOKEN = 'token-of-the-guide';
const SDK_APP_ID = 1400000000;
const OK = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

function block(heading: string): string {
  const code = blocksOf(heading, 'ts', GUIDE)[0];
  if (code === undefined) throw new Error(`no ts block in "${heading}"`);
  return code;
}

/** Imports an example with the token in the environment while it loads. */
async function importExample<M>(name: string, code: string): Promise<M> {
  const file = writeExample(name, code);
  process.env.IM_CALLBACK_TOKEN = TOKEN;
  try {
    return (await import(file.href)) as M;
  } finally {
    delete process.env.IM_CALLBACK_TOKEN;
  }
}

const signedQuery = (token = TOKEN, requestTime = Math.floor(Date.now() / 1000)): string =>
  callbackQuery({ sdkAppId: SDK_APP_ID, token, requestTime });

describe('docs/without-http.md', function () {
  this.timeout(60_000);

  it('should run the recallReceiver example as written: the answer to send, refusals named', async () => {
    const { handle } = await importExample<{ handle: (query: string, body: string) => Promise<string> }>(
      'without-http-receiver.ts',
      block('recallReceiver'),
    );
    const warned: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args.join(' '));
    try {
      expect(await handle(signedQuery(), JSON.stringify(sampleRecall()))).to.equal(OK);
      const refused = JSON.parse(await handle(signedQuery('a guess'), JSON.stringify(sampleRecall()))) as {
        ErrorInfo: string;
      };
      expect(refused.ErrorInfo).to.match(/^SIGNATURE_INVALID/);
      expect(warned).to.deep.equal(['refused: SIGNATURE_INVALID']);
    } finally {
      console.warn = warn;
    }
  });

  it('should run the SCF example as written: an API Gateway event in, its response out', async () => {
    const { main_handler: handler } = await importExample<{
      main_handler: (event: ScfApiGatewayEvent) => Promise<ScfApiGatewayResponse>;
    }>('without-http-scf.ts', block('SCF event functions behind API Gateway'));
    const event = (query: string): ScfApiGatewayEvent => ({
      httpMethod: 'POST',
      path: '/im/callback',
      queryString: Object.fromEntries(new URLSearchParams(query)),
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(sampleRecall())).toString('base64'),
      isBase64Encoded: true,
      requestContext: { sourceIp: '203.0.113.7' },
    });
    const logged: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => logged.push(args.join(' '));
    let response: ScfApiGatewayResponse;
    try {
      response = await handler(event(signedQuery()));
    } finally {
      console.log = log;
    }
    expect(logged).to.deep.equal(['recalled 48374_2837546_1557481126 (from 203.0.113.7)']);
    expect(response).to.deep.include({ statusCode: 200, body: OK, isBase64Encoded: false });
    expect(response.headers['Content-Type']).to.equal('application/json; charset=utf-8');
    const forged = await handler(event(signedQuery('a guess')));
    expect(forged.body).to.include('SIGNATURE_INVALID');
  });

  describe('the queue consumer', () => {
    let redis: RedisServer | undefined;
    let program: Spawned | undefined;
    after(async () => {
      await program?.stop();
      await redis?.kill();
    });

    it('should run as written: what passed is stored, then checked again as of its arrival and handled once', async () => {
      redis = await startRedisServer();
      const file = writeExample(
        'without-http-queue.ts',
        block('A queue consumer that checks each stored callback again'),
      );
      const port = await freePort();
      program = start('node', ['--import', 'tsx', file.pathname], {
        PORT: String(port),
        REDIS_URL: redis.url,
        IM_CALLBACK_TOKEN: TOKEN,
      });
      const url = `http://127.0.0.1:${String(port)}/im/callback`;
      await untilListening(url, TOKEN);
      const options = { sdkAppId: SDK_APP_ID, token: TOKEN };
      expect(await deliverRecall(url, { ...options, body: { MsgKey: 'queued-1' } })).to.deep.include({ ErrorCode: 0 });
      // Tencent's retry of the same recall: stored twice, handled once.
      expect(await deliverRecall(url, { ...options, body: { MsgKey: 'queued-1' } })).to.deep.include({ ErrorCode: 0 });
      const forged = await deliverRecall(url, { ...options, token: 'a guess', body: { MsgKey: 'forged-1' } });
      expect(forged.ErrorInfo).to.match(/^SIGNATURE_INVALID/);
      await program.waitFor(/marked queued-1 recalled/);

      // Entries written to the queue by something else: one signed long ago, with the time it
      // arrived, passes; one not signed with the token is dropped.
      const client = await createClient({ url: redis.url }).connect();
      try {
        const hourAgo = Math.floor(Date.now() / 1000) - 3600;
        const old = {
          query: `/im/callback?${signedQuery(TOKEN, hourAgo)}`,
          body: JSON.stringify(sampleRecall({ MsgKey: 'queued-old' })),
          receivedAt: hourAgo * 1000 + 300,
        };
        const alien = {
          query: `?${signedQuery('a guess')}`,
          body: JSON.stringify(sampleRecall({ MsgKey: 'alien-1' })),
          receivedAt: Date.now(),
        };
        await client.lPush('im-callbacks', [JSON.stringify(old), JSON.stringify(alien)]);
        await program.waitFor(/marked queued-old recalled/);
        // console.warn writes to stderr.
        for (let waited = 0; !program.errors().includes('dropped a stored callback: SIGNATURE_INVALID'); waited += 50) {
          if (waited > 10_000) throw new Error(`nothing dropped: ${program.errors()}`);
          await sleep(50);
        }
      } finally {
        await client.quit();
      }
      const marked = program.output().match(/marked \S+ recalled/g) ?? [];
      expect(marked.filter((line) => line !== 'marked probe recalled' && !line.includes('probe-'))).to.deep.equal([
        'marked queued-1 recalled',
        'marked queued-old recalled',
      ]);
      expect(program.output()).not.to.include('forged-1');
      expect(program.output()).not.to.include('alien-1');
    });
  });
});
