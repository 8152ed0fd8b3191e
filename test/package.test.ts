import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliverRecall } from '../lib/testing/deliver.js';
import { installedVersion, writeConsumer } from './helpers/consumer.js';
import { freePort } from './helpers/http.js';
import { run, start } from './helpers/process.js';
import { blocksOf, guide } from './helpers/readme.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string): string => join(REPO, 'node_modules', '.bin', name);
const TSC7 = join(REPO, 'node_modules', 'typescript7', 'bin', 'tsc');

interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  integrity: string;
  files: { path: string }[];
}

// What the tarball may hold: built code and its types, the schemas, README, the guides and
// licence, manifests. Contributor material (CONTRIBUTING.md, bench/) stays in the repository.
const ALLOWED =
  /^(dist\/(esm|cjs)\/[\w/-]+\.(js|d\.ts)|dist\/web\/(testing\/)?index\.js|dist\/cjs\/package\.json|schemas\/[\w-]+\.json|testing\/package\.json|docs\/[\w-]+\.md|README\.md|LICENSE|package\.json)$/;

/** A heading's anchor as GitHub and npm make it: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('the packed package, installed in a fresh project', function () {
  // Packing, an offline `npm ci` and three TypeScript compilations.
  this.timeout(180_000);
  let work = '';
  let consumer = '';
  let pack: PackInfo;
  let installed: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tcrw-package-'));
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
    expect(packed.code, 'npm pack').to.equal(0);
    [pack] = JSON.parse(packed.stdout) as [PackInfo];
    console.log(
      `      tarball: ${pack.filename}, ${(pack.size / 1024).toFixed(1)} KiB packed, ` +
        `${(pack.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${String(pack.entryCount)} files`,
    );
    consumer = join(work, 'consumer');
    cpSync(join(REPO, 'test/fixtures/consumer'), consumer, { recursive: true });
    writeConsumer(
      consumer,
      { file: join(work, pack.filename), integrity: pack.integrity },
      {
        express: installedVersion('express'),
        express4: `npm:express@${installedVersion('express4')}`,
        '@types/express': installedVersion('@types/express'),
        '@types/node': installedVersion('@types/node'),
      },
    );
    installed = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {}, consumer);
    expect(installed.code, `npm ci --offline:\n${installed.stdout}`).to.equal(0);
  });

  it('should install in an app without running a script of its own or printing a warning', () => {
    expect(`${installed.stdout}${installed.stderr}`).not.to.match(/warn|install-scripts|tencent-chat-recall-webhook@/i);
    const manifest = JSON.parse(
      readFileSync(join(consumer, 'node_modules/tencent-chat-recall-webhook/package.json'), 'utf8'),
    ) as {
      scripts?: Record<string, string>;
    };
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
      (name) => manifest.scripts?.[name] !== undefined,
    );
    expect(installScripts).to.deep.equal([]);
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('should hold only built code, types, schemas, README and licence', () => {
    const stray = pack.files.map((file) => file.path).filter((path) => !ALLOWED.test(path));
    expect(stray).to.deep.equal([]);
    expect(pack.files.map((file) => file.path)).to.include.members([
      'dist/esm/index.js',
      'dist/cjs/index.d.ts',
      'schemas/recall-body.json',
      'schemas/group-recall-body.json',
      'schemas/official-account-recall-body.json',
      'LICENSE',
    ]);
  });

  it('should ship every file, and every heading, that the installed README and guides link to', () => {
    const root = join(consumer, 'node_modules/tencent-chat-recall-webhook');
    const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)];
    const broken: string[] = [];
    let links = 0;
    for (const page of pages) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        links += 1;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(root, page) : join(root, dirname(page), path);
        if (!existsSync(file)) {
          broken.push(`${page}: ${target}`);
          continue;
        }
        const anchors = [...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map(([, heading = '']) =>
          anchorOf(heading),
        );
        if (anchor !== undefined && !anchors.includes(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).to.deep.equal([]);
    expect(links).to.be.above(20);
  });

  it('should pass publint', async () => {
    const { code, stdout } = await run(bin('publint'), ['run', join(work, pack.filename), '--strict']);
    expect(code, stdout).to.equal(0);
  });

  it('should pass arethetypeswrong for node10, node16 (CJS and ESM) and bundler resolution', async () => {
    const { code, stdout } = await run(bin('attw'), [
      join(work, pack.filename),
      '--profile',
      'strict',
      '--format',
      'ascii',
    ]);
    expect(code, stdout).to.equal(0);
  });

  it('should serve a signed recall to a CommonJS app, on Express 4 and 5', async () => {
    const { code, stdout } = await run('node', ['app.cjs'], {}, consumer);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.match(/^commonjs, Express 4\.\d+\.\d+: OK$/m);
    expect(stdout).to.match(/^commonjs, Express 5\.\d+\.\d+: OK$/m);
  });

  it('should serve a signed recall to an ES module app, on Express 4 and 5', async () => {
    const { code, stdout } = await run('node', ['app.mjs'], {}, consumer);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.match(/^esm, Express 4\.\d+\.\d+: OK$/m);
    expect(stdout).to.match(/^esm, Express 5\.\d+\.\d+: OK$/m);
  });

  it('should type-check a TypeScript consumer with node16 resolution, and run it on Express 4 and 5', async () => {
    const compiled = await run(bin('tsc'), ['-p', 'tsconfig.node16.json'], {}, consumer);
    expect(compiled.code, compiled.stdout).to.equal(0);
    const { code, stdout } = await run('node', ['out/consumer.js'], {}, consumer);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.equal('typescript, Express 4: OK\ntypescript, Express 5: OK\n');
  });

  it('should type-check the same consumer with bundler resolution', async () => {
    const { code, stdout } = await run(bin('tsc'), ['-p', 'tsconfig.bundler.json'], {}, consumer);
    expect(code, stdout).to.equal(0);
  });

  it('should type-check the same consumer with nodenext resolution', async () => {
    const { code, stdout } = await run(bin('tsc'), ['-p', 'tsconfig.nodenext.json'], {}, consumer);
    expect(code, stdout).to.equal(0);
  });

  // The current TypeScript, the native compiler, beside the 5.x this project builds with.
  for (const project of ['tsconfig.nodenext.json', 'tsconfig.node16.json', 'tsconfig.bundler.json']) {
    it(`should type-check the consumer under TypeScript ${installedVersion('typescript7')} with ${project}`, async () => {
      const { code, stdout } = await run('node', [TSC7, '-p', project, '--noEmit'], {}, consumer);
      expect(code, stdout).to.equal(0);
    });
  }

  it(`should fail to compile a misspelled event name under TypeScript ${installedVersion('typescript7')} too`, async () => {
    const { code, stdout } = await run('node', [TSC7, '-p', 'tsconfig.typo.json'], {}, consumer);
    // The native compiler exits 1 on errors where TypeScript 5 exits 2.
    expect(code).to.equal(1);
    expect(stdout).to.match(/typo\.ts\(3,\d+\): error TS\d+: .*"recal"/);
  });

  it('should fail to compile a listener of a misspelled event name', async () => {
    const { code, stdout } = await run(bin('tsc'), ['-p', 'tsconfig.typo.json'], {}, consumer);
    expect(code).to.equal(2);
    expect(stdout).to.match(/typo\.ts\(3,\d+\): error TS\d+: .*"recal"/);
  });

  it('should run the Command line section of docs/testing.md as written, on a free port', async () => {
    const [serveBlock, sendBlock] = blocksOf('Command line', 'sh', guide('testing.md'));
    const port = String(await freePort());
    const served = start('bash', ['-c', (serveBlock ?? '').replaceAll('3000', port)], {}, consumer);
    try {
      await served.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+\/callback/);
      const { code, stdout } = await run('bash', ['-ec', (sendBlock ?? '').replaceAll('3000', port)], {}, consumer);
      expect(code, stdout).to.equal(0);
      const [first, second] = stdout.split('\n');
      expect(first).to.equal('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
      expect(second).to.match(/^sent 1000, OK 1000, FAIL 0, errors 0 in /);
      await served.waitFor(/recall: jared recalled 42_1_1700000000 sent to Jonh/);
    } finally {
      await served.stop();
    }
  });

  it('should install a working bin: --help, and serve that answers a recall', async () => {
    const help = await run('npx', ['--offline', 'tencent-chat-recall-webhook', '--help'], {}, consumer);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: tencent-chat-recall-webhook <command>/);
    const served = start(
      join(consumer, 'node_modules/.bin/tencent-chat-recall-webhook'),
      ['serve', '--port', '0'],
      {},
      consumer,
    );
    try {
      const [, url] = await served.waitFor(/listening on (http:\/\/\S+\/callback)/);
      const answer = await deliverRecall(url ?? '', { sdkAppId: 1400000000 });
      expect(answer).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    } finally {
      await served.stop();
    }
  });
});
