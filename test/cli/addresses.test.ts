import { expect } from 'chai';
import { run } from '../helpers/process.js';
import { fakeTencentApi, SECRET_KEY, type FakeTencentApi } from '../helpers/tencent-api.js';

const CLI = 'dist/esm/cli/main.js';

describe('cli addresses', function () {
  this.timeout(30_000);
  let api: FakeTencentApi;
  beforeEach(async () => {
    api = await fakeTencentApi({ list: ['127.0.0.2', '183.192.202.0/25'] });
  });
  afterEach(async () => {
    await api.close();
  });
  const addresses = (
    args: readonly string[],
    env: Record<string, string | undefined> = { IM_SECRET_KEY: SECRET_KEY },
  ) => run('node', [CLI, 'addresses', '--sdkappid', '1400000000', '--endpoint', api.url, ...args], env);

  it("should print the app's list, one entry a line, signing with the key from IM_SECRET_KEY", async () => {
    const { code, stdout, stderr } = await addresses(['--nettype', '6']);
    expect([code, stdout, stderr]).to.deep.equal([0, '127.0.0.2\n183.192.202.0/25\n', '']);
    expect(
      api.calls.map((call) => [call.query.get('nettype'), call.query.get('identifier'), call.userSigProblem]),
    ).to.deep.equal([['6', 'administrator', undefined]]);
    const again = await addresses(['--nettype', '5', '--identifier', 'ops-admin']);
    expect(again.code).to.equal(0);
    expect(api.calls[1]?.query.get('nettype')).to.equal('5');
    expect(api.calls[1]?.query.get('identifier')).to.equal('ops-admin');
  });

  it("should exit 1 with Tencent's refusal, and print neither the key nor the UserSig", async () => {
    const { code, stdout, stderr } = await addresses(['--nettype', '6'], { IM_SECRET_KEY: 'not-the-key' });
    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal('error: GetIPList answered ErrorCode 70003: UserSig invalid: HMAC does not match\n');
    expect(stderr).not.to.include(api.calls[0]?.query.get('usersig') ?? 'none');
    expect(stderr).not.to.include('not-the-key');
  });

  it('should exit 2, saying what is missing, without the key, the nettype or the app', async () => {
    const noKey = await addresses(['--nettype', '6'], { IM_SECRET_KEY: undefined });
    expect(noKey.code).to.equal(2);
    expect(noKey.stderr).to.match(/^`secretKey` is missing\. .*IM_SECRET_KEY/);
    const noNettype = await addresses([]);
    expect([noNettype.code, noNettype.stderr]).to.deep.equal([
      2,
      "--nettype must be 5 (a receiver in the Chinese mainland or Hong Kong) or 6 (one outside), got none\nRun 'tencent-chat-recall-webhook addresses --help' for its options.\n",
    ]);
    const noApp = await run('node', [CLI, 'addresses', '--nettype', '6'], {
      IM_SECRET_KEY: SECRET_KEY,
      SDKAPPID: undefined,
    });
    expect(noApp.code).to.equal(2);
    expect(api.calls).to.have.length(0);
  });

  it('should print its options with --help', async () => {
    const { code, stdout } = await run('node', [CLI, 'addresses', '--help']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: tencent-chat-recall-webhook addresses \[options\]/);
  });
});
