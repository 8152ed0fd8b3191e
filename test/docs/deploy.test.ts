import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { callbackQuery } from '../../lib/testing/query.js';
import { blocksOf, guide, writeExample } from '../helpers/readme.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';
import {
  fetchOnlyApp,
  startBun,
  startDeno,
  startEdge,
  startNode,
  startWorkerd,
  writeFiles,
  type Served,
} from '../platforms/launch.js';

// docs/deploy.md: each example as written, in its runtime where that installs from npm, in
// Node.js where the platform runs Node.js (SCF, CloudBase, EdgeOne Node Functions).

const GUIDE = guide('deploy.md');
const TOKEN = 'token-of-the-guide';
const ENV = { IM_CALLBACK_TOKEN: TOKEN };

function block(heading: string, language = 'ts', index = 0): string {
  const code = blocksOf(heading, language, GUIDE)[index];
  if (code === undefined) throw new Error(`no ${language} block ${String(index)} in "${heading}"`);
  return code;
}

function recallBody(msgKey: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: 'alice',
    To_Account: 'bob',
    MsgKey: msgKey,
    ...extra,
  });
}

function signedUrl(base: string, token = TOKEN): string {
  return `${base}?${callbackQuery({ sdkAppId: 1400000000, token, requestTime: Math.floor(Date.now() / 1000) })}`;
}

async function deliver(url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(signedUrl(url), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return response.text();
}

const OK = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

/** Waits for `text` in what a server printed. */
async function printed(served: Served, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!served.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not printed:\n${served.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('docs/deploy.md', function () {
  this.timeout(120_000);
  let app = '';
  const servers: Served[] = [];

  before(async () => {
    app = await fetchOnlyApp();
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  async function check(server: Served, address: string, headers: Record<string, string>): Promise<void> {
    servers.push(server);
    expect(await deliver(`${server.url}/im/callback`, recallBody('k-1'), headers)).to.equal(OK);
    await printed(server, `alice recalled k-1 (from ${address})`);
    const forged = await fetch(`${server.url}/im/callback?${callbackQuery({ sdkAppId: 1400000000, token: 'guess' })}`, {
      method: 'POST',
      body: recallBody('k-2'),
    });
    expect(await forged.text()).to.match(/^\{"ActionStatus":"FAIL","ErrorInfo":"SIGNATURE_INVALID/);
  }

  it('should run the Cloudflare Worker as written in workerd, bundled as wrangler does, reading CF-Connecting-IP', async () => {
    writeFiles(app, { 'deploy-worker.ts': block('Cloudflare Workers') });
    const server = await startWorkerd(app, 'deploy-worker.ts', ENV, { nodejsCompat: false });
    await check(server, '203.0.113.7', { 'CF-Connecting-IP': '203.0.113.7' });
  });

  it("should run the Next.js route handler as written on the edge, in Vercel's Edge Runtime", async () => {
    writeFiles(app, {
      'deploy-route.ts': block('Next.js route handlers'),
      // What Next.js makes of an edge route: the request goes to the method's export.
      'deploy-edge.ts':
        "import { POST } from './deploy-route.ts';\naddEventListener('fetch', (event) => event.respondWith(POST(event.request)));\n",
    });
    const server = await startEdge(app, 'deploy-edge.ts', ENV);
    await check(server, '198.51.100.2', { 'X-Forwarded-For': '198.51.100.2, 10.0.0.1' });
  });

  it('should run the same route handler on Node.js, the route exporting POST and runtime', async () => {
    const route = await transform(block('Next.js route handlers'), { loader: 'ts', format: 'esm' });
    writeFiles(app, {
      'deploy-route.mjs': route.code,
      'deploy-route-server.mjs': `import { createServer } from 'node:http';
import { POST, runtime } from './deploy-route.mjs';
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const response = await POST(new Request('http://' + req.headers.host + req.url, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(await response.text());
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('runtime ' + runtime));
`,
    });
    const server = await startNode(app, 'deploy-route-server.mjs', ENV);
    await check(server, '198.51.100.3', { 'X-Forwarded-For': '198.51.100.3' });
    expect(server.output()).to.include('runtime edge');
  });

  it('should run the Deno example as written, allowed only the network and its variables', async () => {
    writeFiles(app, { 'deploy-deno.ts': block('Deno and Deno Deploy') });
    await check(await startDeno(app, 'deploy-deno.ts', ENV), '127.0.0.1', {});
  });

  it('should run the Bun example as written', async () => {
    writeFiles(app, { 'deploy-bun.ts': block('Bun') });
    // Bun gives an IPv4 peer in its IPv6 form, which an IPv4 entry of allowFrom matches too.
    await check(await startBun(app, 'deploy-bun.ts', ENV), '::ffff:127.0.0.1', {});
  });

  it('should start the SCF web function with its scf_bootstrap, the node path aside, behind a proxy that sets X-Forwarded-For', async () => {
    const heading = 'Tencent Cloud SCF web functions and CloudBase';
    const dir = writeExample('app.mjs', block(heading, 'js')).pathname.replace(/app\.mjs$/, '');
    const bootstrap = block(heading, 'sh').replace('/var/lang/node20/bin/node', process.execPath);
    writeFileSync(join(dir, 'scf_bootstrap'), bootstrap, { mode: 0o755 });
    // bash reads it as SCF does.
    execFileSync('bash', ['-n', join(dir, 'scf_bootstrap')]);
    const port = await freePort();
    const spawned: Spawned = start(join(dir, 'scf_bootstrap'), [], { ...ENV, PORT: String(port) }, dir);
    const server: Served = {
      url: `http://127.0.0.1:${String(port)}`,
      output: () => spawned.output(),
      stop: () => spawned.stop(),
    };
    servers.push(server);
    for (let attempt = 0; ; attempt++) {
      try {
        await fetch(server.url);
        break;
      } catch (error) {
        if (attempt > 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await check(server, '192.0.2.44', { 'X-Forwarded-For': '192.0.2.44' });
  });

  it('should answer through the EdgeOne Node Function as written, reading EO-Connecting-IP', async () => {
    const file = writeExample('edgeone-callback.mjs', block('EdgeOne Node Functions', 'js'));
    const logged: string[] = [];
    const { log } = console;
    console.log = (line: string) => logged.push(line);
    process.env.IM_CALLBACK_TOKEN = TOKEN;
    try {
      const { onRequest } = (await import(file.href)) as {
        onRequest: (context: { request: Request }) => Promise<Response>;
      };
      const request = new Request(signedUrl('http://edgeone/im/callback'), {
        method: 'POST',
        body: recallBody('k-3'),
        headers: { 'EO-Connecting-IP': '192.0.2.9' },
      });
      expect(await (await onRequest({ request })).text()).to.equal(OK);
    } finally {
      console.log = log;
      delete process.env.IM_CALLBACK_TOKEN;
    }
    expect(logged).to.deep.equal(['alice recalled k-3 (from 192.0.2.9)']);
  });

  it('should compile a schema of your own ahead of time and check bodies with it in a Worker, as written', async () => {
    const heading = 'Schemas of your own';
    writeFiles(app, { 'compile-schema.mjs': block(heading, 'js'), 'deploy-validated-worker.ts': block(heading) });
    execFileSync(process.execPath, ['compile-schema.mjs'], { cwd: app });
    const server = await startWorkerd(app, 'deploy-validated-worker.ts', ENV, { nodejsCompat: false });
    servers.push(server);
    expect(await deliver(server.url, recallBody('k-4'))).to.equal(
      JSON.stringify({
        ActionStatus: 'FAIL',
        ErrorInfo: "BODY_INVALID: body must have required property 'EventTime'",
        ErrorCode: 1,
      }),
    );
    expect(await deliver(server.url, recallBody('k-5', { EventTime: 1700000000000 }))).to.equal(OK);
  });

  it('should hand the log lines to the function of the Logging example', async () => {
    const file = writeExample(
      'deploy-logging.mjs',
      `${(await transform(block('Logging'), { loader: 'ts', format: 'esm' })).code}\nexport { handler, lines };\n`,
    );
    process.env.IM_CALLBACK_TOKEN = TOKEN;
    try {
      const { handler, lines } = (await import(file.href)) as {
        handler: (request: Request) => Promise<Response>;
        lines: string[];
      };
      await handler(
        new Request('http://x/?SdkAppid=1400000000&CallbackCommand=C2C.CallbackAfterMsgWithDraw', {
          method: 'POST',
          body: '{}',
        }),
      );
      expect(lines).to.deep.equal([
        'recallFetchHandler created for SdkAppid 1400000000; Sign and RequestTime required',
        'refused SIGNATURE_MISSING from an unknown address: Sign and RequestTime are required: callback authentication is on',
      ]);
    } finally {
      delete process.env.IM_CALLBACK_TOKEN;
    }
  });
});
