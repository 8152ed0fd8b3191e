import { expect } from 'chai';
import { run, start, type Spawned } from '../helpers/process.js';

const CURL = /^(?:T=.*)?curl .*$/m;

describe('cli serve: the demo receiver', function () {
  // npm start builds first.
  this.timeout(60_000);
  let demo: Spawned | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it('should start with npm start and print a curl command that gets an OK and logs the recall', async () => {
    demo = start('npm', ['start', '--silent'], { PORT: '0' });
    const [command] = await demo.waitFor(CURL);
    const { code, stdout } = await run('bash', ['-c', command]);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    await demo.waitFor(
      /^recall: jared recalled 48374_2837546_1557481126 sent to Jonh \(SdkAppid 1400000000, RESTAPI\)$/m,
    );
    expect(demo.output()).to.match(
      /^WARNING: running UNSIGNED \(no IM_CALLBACK_TOKEN\): callbacks are accepted without Sign/m,
    );
  });

  it('should log a second run of the same command as a duplicate, answered OK', async () => {
    demo = start('node', ['dist/esm/cli/main.js', 'serve'], { PORT: '0' });
    const [command] = await demo.waitFor(CURL);
    for (let i = 0; i < 2; i++) {
      const { stdout } = await run('bash', ['-c', command]);
      expect(JSON.parse(stdout)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    }
    await demo.waitFor(/^duplicate: 48374_2837546_1557481126 was already handled/m);
    expect(demo.output().match(/^recall: /gm)).to.have.length(1);
  });

  it('should log group and Official Account recalls, as the line it prints says to send them', async () => {
    demo = start('node', ['dist/esm/cli/main.js', 'serve'], { PORT: '0' });
    const [hint] = await demo.waitFor(/^Group and Official Account recalls: .*$/m);
    // Run as printed, by a shell in the directory the demo started in.
    const printed = /^Group and Official Account recalls: (.+ --command) group \(or official-account\)$/.exec(
      hint,
    )?.[1];
    expect(printed).to.match(/^node dist\/esm\/cli\/main\.js send http:\/\/127\.0\.0\.1:\d+\/callback --command$/);
    const url = /send (\S+) --command/.exec(hint)?.[1] ?? '';
    for (const command of ['group', 'official-account']) {
      const { code, stdout } = await run('sh', ['-c', `${printed ?? ''} ${command}`]);
      expect(code, stdout).to.equal(0);
    }
    await demo.waitFor(
      /^groupRecall: admin recalled MsgSeq 130 in group 1213456, topic @TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic \(SdkAppid 1400000000, RESTAPI\)$/m,
    );
    await demo.waitFor(/^officialAccountRecall: #TOA#_123 recalled 71_1_1698741698 \(SdkAppid 1400000000, RESTAPI\)$/m);
    const { stdout } = await run('node', ['dist/esm/cli/main.js', 'send', url, '--command', 'group']);
    expect(JSON.parse(stdout)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    await demo.waitFor(/^duplicate: MsgSeq 130 was already handled/m);
  });

  it('should print a signed command, without the token, that gets an OK with IM_CALLBACK_TOKEN set', async () => {
    const token = 'demo-token-1234';
    demo = start('node', ['dist/esm/cli/main.js', 'serve'], {
      PORT: '0',
      IM_CALLBACK_TOKEN: token,
      SDKAPPID: '1400000009',
    });
    const [command] = await demo.waitFor(CURL);
    expect(demo.output()).not.to.include(token);
    expect(demo.output()).not.to.include('UNSIGNED');
    expect(command).to.include('Sign=');
    const { stdout } = await run('bash', ['-c', command], { IM_CALLBACK_TOKEN: token });
    expect(JSON.parse(stdout)).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    await demo.waitFor(/^recall: .*\(SdkAppid 1400000009, RESTAPI\)$/m);
  });

  it('should log a refusal when the signed command runs with the wrong token', async () => {
    demo = start('node', ['dist/esm/cli/main.js', 'serve'], { PORT: '0', IM_CALLBACK_TOKEN: 'right-token' });
    const [command] = await demo.waitFor(CURL);
    const { stdout } = await run('bash', ['-c', command], { IM_CALLBACK_TOKEN: 'wrong-token' });
    expect(JSON.parse(stdout)).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
    await demo.waitFor(/^refused: SIGNATURE_INVALID: Sign does not match$/m);
  });

  it('should accept callbacks signed with either of two --token, saying which signed each', async () => {
    demo = start(
      'node',
      ['dist/esm/cli/main.js', 'serve', '--port', '0', '--token', 'old-token', '--token', 'new-token'],
      { IM_CALLBACK_TOKEN: 'ignored-token' },
    );
    const [hint] = await demo.waitFor(/^Group and Official Account recalls: .*$/m);
    expect(demo.output()).to.match(/^Authentication on: .*, signed with any of 2 tokens\./m);
    const url = /send (\S+) --command/.exec(hint)?.[1] ?? '';
    const send = (token: string, msgKey: string) =>
      run('node', ['dist/esm/cli/main.js', 'send', url, '--token', token, '--msgkey', msgKey]);
    expect((await send('old-token', 'k1')).code).to.equal(0);
    expect((await send('new-token', 'k2')).code).to.equal(0);
    expect((await send('ignored-token', 'k3')).code).to.equal(1);
    await demo.waitFor(/^recall: jared recalled k1 sent to Jonh \(SdkAppid 1400000000, RESTAPI, token 1\)$/m);
    await demo.waitFor(/^recall: jared recalled k2 sent to Jonh \(SdkAppid 1400000000, RESTAPI, token 2\)$/m);
    await demo.waitFor(/^refused: SIGNATURE_INVALID: Sign does not match$/m);
    expect(demo.output()).not.to.match(/old-token|new-token/);
  });

  it('should take --port, --sdkappid and --token over the environment', async () => {
    demo = start(
      'node',
      ['dist/esm/cli/main.js', 'serve', '--port', '0', '--sdkappid', '1400000007', '--token', 'flag-token'],
      {
        PORT: '1',
        SDKAPPID: '1400000000',
      },
    );
    const [command] = await demo.waitFor(CURL);
    expect(demo.output()).to.include('(SdkAppid 1400000007)');
    const { stdout } = await run('bash', ['-c', command], { IM_CALLBACK_TOKEN: 'flag-token' });
    expect(JSON.parse(stdout)).to.deep.include({ ErrorCode: 0 });
  });
});
