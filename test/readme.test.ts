import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { OPTION_NAMES } from '../lib/config.js';
import { RECALL_ERROR_CODES } from '../lib/errors.js';
import type { RecallMiddleware } from '../lib/express.js';
import {
  callbackUrl,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_EVENT_TIME,
  SAMPLE_WITH_UNREAD,
  TOKEN,
} from './fixtures/callbacks.js';
import { run, start, type Spawned } from './helpers/process.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// Inside the package, so that `import ... from 'tencent-chat-recall-webhook'` resolves to the
// built package through its own `exports`, as it does for a user.
const TMP = new URL('.tmp/', import.meta.url);

/** The fenced code blocks of one README section, in order. */
function blocksOf(heading: string, language: string): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (section === undefined) throw new Error(`README has no section "${heading}"`);
  return [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (match) => match[1] ?? '',
  );
}

function writeTmp(name: string, code: string): URL {
  mkdirSync(TMP, { recursive: true });
  const file = new URL(name, TMP);
  writeFileSync(file, code);
  return file;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('README', function () {
  this.timeout(30_000);

  describe('quick start', () => {
    let app: Spawned | undefined;
    after(async () => {
      await app?.stop();
    });

    it('should run as written and answer a signed recall with OK', async () => {
      const [code] = blocksOf('Quick start', 'ts');
      const file = writeTmp('quick-start.ts', code ?? '');
      const port = await freePort();
      app = start('node', ['--import', 'tsx', file.pathname], { PORT: String(port), IM_CALLBACK_TOKEN: TOKEN });
      let answer: request.Response | undefined;
      for (let attempt = 0; attempt < 100 && answer === undefined; attempt++) {
        answer = await request(`http://127.0.0.1:${String(port)}`)
          .post(callbackUrl({ token: TOKEN }, '/im/callback'))
          .type('json')
          .send(SAMPLE_BODY_TEXT)
          .catch(async () => {
            await new Promise((resolve) => setTimeout(resolve, 100));
            return undefined;
          });
      }
      expect(answer?.body).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
      await app.waitFor(/^jared recalled 48374_2837546_1557481126$/m);
    });
  });

  describe('testing your handler', () => {
    it('should pass as written under node --test', async () => {
      const [code] = blocksOf('Testing your handler', 'ts');
      const file = writeTmp('handler.test.ts', code ?? '');
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
    });
  });

  describe('stricter schemas', () => {
    it('should build the middleware as written and give a body without EventTime the FAIL shown', async () => {
      const [code] = blocksOf('Stricter schemas', 'ts');
      const [shown] = blocksOf('Stricter schemas', 'json');
      const file = writeTmp(
        'stricter.ts',
        `import { recallWebhook } from 'tencent-chat-recall-webhook';\n${code ?? ''}\nexport { recall };\n`,
      );
      const { recall } = (await import(file.href)) as { recall: RecallMiddleware };
      const app = express().use('/callback', recall);
      const failing = await request(app).post(callbackUrl()).type('json').send(JSON.stringify(SAMPLE_WITH_UNREAD));
      expect(failing.body).to.deep.equal(JSON.parse(shown ?? ''));
      const extra = await request(app)
        .post(callbackUrl())
        .type('json')
        .send(JSON.stringify({ ...SAMPLE_WITH_EVENT_TIME, Extra: 1 }));
      expect(extra.body).to.deep.include({ ErrorCode: 1 });
      const long = await request(app)
        .post(callbackUrl())
        .type('json')
        .send(JSON.stringify({ ...SAMPLE_WITH_EVENT_TIME, To_Account: 'x'.repeat(33) }));
      expect(long.body).to.deep.include({ ErrorCode: 1 });
      const passing = await request(app).post(callbackUrl()).type('json').send(JSON.stringify(SAMPLE_WITH_EVENT_TIME));
      expect(passing.body).to.deep.include({ ErrorCode: 0 });
    });
  });

  describe('reference tables', () => {
    it('should list every error code in the error code table', () => {
      for (const code of RECALL_ERROR_CODES) expect(README, code).to.match(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
    });

    it('should list every option in the options table', () => {
      for (const option of OPTION_NAMES) expect(README, option).to.match(new RegExp(`^\\| \`${option}\` +\\|`, 'm'));
    });

    it('should show the commands a contributor needs', () => {
      expect(README).to.include('npm install && npm start');
      expect(README).to.include('npm test');
    });
  });
});
