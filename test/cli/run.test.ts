import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { runCli } from '../../lib/cli/run.js';
import { run } from '../helpers/process.js';

interface CliRun {
  code: number | undefined;
  out: string;
  err: string;
}

async function cliWith(env: Readonly<Record<string, string>>, args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function cli(...args: string[]): Promise<CliRun> {
  return cliWith({}, args);
}

describe('cli', () => {
  it('should print the commands with --help and exit 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).to.equal(0);
    expect(out).to.match(/^Usage: tencent-chat-recall-webhook <command>/);
    expect(out).to.include('serve');
  });

  it("should print the package's version with --version or -v, and exit 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const { code, stdout: out } = await run('node', ['dist/esm/cli/main.js', flag]);
      expect([code, out], flag).to.deep.equal([0, `${version}\n`]);
    }
  });

  it('should print a command’s options with <command> --help', async () => {
    const { code, out } = await cli('serve', '--help');
    expect(code).to.equal(0);
    expect(out).to.include('--sdkappid <id>');
  });

  it('should exit 2 with the usage on stderr when no command is given', async () => {
    const { code, err } = await cli();
    expect(code).to.equal(2);
    expect(err).to.match(/^Usage:/);
  });

  it('should exit 2 naming an unknown command', async () => {
    const { code, err } = await cli('deploy');
    expect(code).to.equal(2);
    expect(err).to.match(/^Unknown command 'deploy'\./);
  });

  it('should suggest the command or flag meant by a misspelt one', async () => {
    for (const [given, meant] of [
      ['--verison', '--version'],
      ['sned', 'send'],
      ['adresses', 'addresses'],
    ] as const) {
      const { code, err } = await cli(given);
      expect([code, err.split('\n')[0]], given).to.deep.equal([
        2,
        `Unknown command '${given}'. Did you mean '${meant}'?`,
      ]);
    }
  });

  it('should name the --port flag, not the variable, in the error for a bad --port', async () => {
    const { code, err } = await cli('serve', '--port', '99999');
    expect([code, err]).to.deep.equal([2, '--port must be a port number from 0 to 65535, got "99999".']);
  });

  it('should run as the built bin itself, which the build makes executable', async () => {
    const bin = new URL('../../dist/esm/cli/main.js', import.meta.url);
    expect(statSync(bin).mode & 0o111).to.equal(0o111);
    const { code, stdout } = await run(bin.pathname, ['--version']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^\d+\.\d+\.\d+/);
  });

  it('should exit 2 naming an unknown flag', async () => {
    const { code, err } = await cli('serve', '--prot', '3000');
    expect(code).to.equal(2);
    expect(err).to.include("Unknown option '--prot'");
    expect(err).to.include("Run 'tencent-chat-recall-webhook serve --help'");
  });

  it('should exit 2 on an empty --token or IM_CALLBACK_TOKEN, as the library throws, rather than serve unsigned', async () => {
    for (const [args, env] of [
      [['serve', '--port', '0', '--token', ''], {}],
      [['serve', '--port', '0', '--token', 'old', '--token', ''], {}],
      [['serve', '--port', '0'], { IM_CALLBACK_TOKEN: '' }],
    ] as const) {
      const { code, out, err } = await cliWith(env, args);
      expect(code, args.join(' ')).to.equal(2);
      expect(err).to.include('The token is empty (is the variable set?)');
      expect(out).to.not.include('listening');
    }
  });

  it('should exit 2 on a bad --port or --sdkappid without listening', async () => {
    expect(await cli('serve', '--port', 'http')).to.deep.include({ code: 2 });
    const { code, err } = await cli('serve', '--port', '0', '--sdkappid', 'my-app');
    expect(code).to.equal(2);
    expect(err).to.include('is not a whole number written in digits');
  });
});
