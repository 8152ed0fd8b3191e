import { expect } from 'chai';
import express from 'express';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/run.js';
import { recallWebhook } from '../../lib/adapters/express.js';
import type { GroupRecallEvent, OfficialAccountRecallEvent, RecallEvent } from '../../lib/core/events.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { SDK_APP_ID, TOKEN } from '../fixtures/callbacks.js';
import { listen, type Running } from '../helpers/http.js';
import { run } from '../helpers/process.js';

const CLI = 'dist/esm/cli/main.js';

describe('cli send', function () {
  this.timeout(30_000);
  let receiver: Running | undefined;
  let events: RecallEvent[];
  let groups: GroupRecallEvent[];
  let accounts: OfficialAccountRecallEvent[];
  let url: string;

  beforeEach(async () => {
    events = [];
    groups = [];
    accounts = [];
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [...RECALL_COMMANDS] });
    recall.events.on('recall', (event) => events.push(event));
    recall.events.on('groupRecall', (event) => groups.push(event));
    recall.events.on('officialAccountRecall', (event) => accounts.push(event));
    receiver = await listen(express().use('/callback', recall));
    url = `http://127.0.0.1:${String(receiver.port)}/callback`;
  });
  afterEach(async () => {
    await receiver?.close();
  });

  it('should deliver a signed recall, print the OK answer and exit 0', async () => {
    const { code, stdout } = await run('node', [CLI, 'send', url, '--token', TOKEN]);
    expect(code).to.equal(0);
    expect(stdout).to.equal('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}\n');
    expect(events.map((e) => e.body)).to.deep.equal([
      {
        CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
        From_Account: 'jared',
        To_Account: 'Jonh',
        MsgKey: '48374_2837546_1557481126',
        UnreadMsgNum: 7,
      },
    ]);
  });

  it('should read the token from IM_CALLBACK_TOKEN and build the body and query from flags', async () => {
    const { code } = await run(
      'node',
      [
        CLI,
        'send',
        url,
        '--from',
        'amy',
        '--to',
        'bo',
        '--msgkey',
        'k9',
        '--platform',
        'iOS',
        '--event-time',
        '1670574414123',
      ],
      { IM_CALLBACK_TOKEN: TOKEN },
    );
    expect(code).to.equal(0);
    expect(events[0]?.body).to.deep.include({
      From_Account: 'amy',
      To_Account: 'bo',
      MsgKey: 'k9',
      EventTime: 1670574414123,
    });
    expect(events[0]?.optPlatform).to.equal('iOS');
  });

  it('should send a group recall with --command group, its fields from flags', async () => {
    const args = ['--command', 'group', '--group', 'g1', '--topic', 't1', '--msgseq', '7', '--operator', 'amy'];
    const { code, stdout } = await run('node', [CLI, 'send', url, '--token', TOKEN, ...args]);
    expect(code).to.equal(0);
    expect(stdout).to.equal('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}\n');
    expect(events).to.have.length(0);
    expect(groups.map((e) => e.body)).to.deep.equal([
      {
        CallbackCommand: 'Group.CallbackAfterRecallMsg',
        Operator_Account: 'amy',
        Type: 'Community',
        GroupId: 'g1',
        MsgSeqList: [{ MsgSeq: 7 }],
        TopicId: 't1',
        EventTime: 1670574414123,
      },
    ]);
  });

  it('should send an Official Account recall by its full command name, its fields from flags', async () => {
    const args = ['--command', 'OfficialAccount.CallbackAfterMsgWithDraw', '--account', '#TOA#_9', '--msgkey', 'k1'];
    const { code } = await run('node', [CLI, 'send', url, '--token', TOKEN, ...args]);
    expect(code).to.equal(0);
    expect(accounts.map((e) => [e.conversation.account, e.messages.map((m) => m.msgKey)])).to.deep.equal([
      ['#TOA#_9', ['k1']],
    ]);
  });

  it('should send --count distinct recalls of the group and Official Account commands', async () => {
    for (const command of ['Group.CallbackAfterRecallMsg', 'official-account']) {
      const { code, stdout } = await run('node', [
        CLI,
        'send',
        url,
        '--token',
        TOKEN,
        '--command',
        command,
        '--count',
        '40',
      ]);
      expect(code, stdout).to.equal(0);
      expect(stdout).to.match(/^sent 40, OK 40, FAIL 0, errors 0 /);
    }
    const seqs = groups.map((e) => e.messages[0]?.msgSeq ?? -1).sort((a, b) => a - b);
    expect(seqs).to.deep.equal(Array.from({ length: 40 }, (_, i) => 130 + i));
    expect(new Set(accounts.map((e) => e.messages[0]?.msgKey)).size).to.equal(40);
  });

  it('should take the body from --body, with flags over its fields', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tcrw-send-')), 'body.json');
    writeFileSync(file, JSON.stringify({ From_Account: 'file-user', MsgKey: 'from-file', CloudCustomData: 'x' }));
    const { code } = await run('node', [CLI, 'send', url, '--token', TOKEN, '--body', file, '--msgkey', 'from-flag']);
    expect(code).to.equal(0);
    expect(events[0]?.body).to.deep.include({ From_Account: 'file-user', MsgKey: 'from-flag', CloudCustomData: 'x' });
  });

  it('should print a FAIL answer and exit 1', async () => {
    const { code, stdout } = await run('node', [CLI, 'send', url, '--token', 'wrong']);
    expect(code).to.equal(1);
    expect(JSON.parse(stdout)).to.deep.equal({
      ActionStatus: 'FAIL',
      ErrorInfo: 'SIGNATURE_INVALID: Sign does not match',
      ErrorCode: 1,
    });
    expect(events).to.have.length(0);
  });

  it('should exit 1 with a one-line reason when the URL cannot be reached', async () => {
    const closed = url;
    await receiver?.close();
    receiver = undefined;
    const { code, stdout, stderr } = await run('node', [CLI, 'send', closed, '--token', TOKEN]);
    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.match(
      /^cannot deliver to http:\/\/127\.0\.0\.1:\d+\/callback: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/,
    );
  });

  it('should exit 1 when the URL answers something other than the protocol', async () => {
    const { code, stderr } = await run('node', [
      CLI,
      'send',
      url.replace('/callback', '/nothing-here'),
      '--token',
      TOKEN,
    ]);
    expect(code).to.equal(1);
    // Express's HTML 404 page, as its status and a short excerpt on one line, not as the page.
    expect(stderr).to.equal(
      `cannot deliver to ${url.replace('/callback', '/nothing-here')}: expected a protocol answer from ${new URL(url).origin}/nothing-here, got HTTP 404: Error Cannot POST /nothing-here (HTTP 404: check the URL's path, and that the receiver's \`commands\` include C2C.CallbackAfterMsgWithDraw)\n`,
    );
  });

  it('should say, for a 404, to check that the receiver answers the command sent', async () => {
    const oneToOne = await listen(express().use('/callback', recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN })));
    const target = `http://127.0.0.1:${String(oneToOne.port)}/callback`;
    const { code, stderr } = await run('node', [CLI, 'send', target, '--command', 'group', '--token', TOKEN]).finally(
      () => oneToOne.close(),
    );
    expect(code).to.equal(1);
    expect(stderr).to.match(
      /got HTTP 404: .* \(HTTP 404: check the URL's path, and that the receiver's `commands` include Group\.CallbackAfterRecallMsg\)\n$/,
    );
  });

  for (const [title, args, message] of [
    ['an unknown flag', ['send', 'http://127.0.0.1:1/', '--tokn', 'x'], "Unknown option '--tokn'"],
    [
      'a count that is not a number',
      ['send', 'http://127.0.0.1:1/', '--count', 'ten'],
      "--count must be a whole number of at least 1, got 'ten'",
    ],
    [
      'a concurrency of 0',
      ['send', 'http://127.0.0.1:1/', '--count', '5', '--concurrency', '0'],
      '--concurrency must be a whole number of at least 1',
    ],
    ['a bad URL', ['send', 'localhost:3000/callback'], "'localhost:3000/callback' is not an http or https URL"],
    ['no URL', ['send'], 'send needs the URL of a receiver'],
    [
      'a misspelt --command, with a suggestion',
      ['send', 'http://127.0.0.1:1/', '--command', 'grop'],
      "--command 'grop' is not a recall command: did you mean 'group'?",
    ],
    [
      'a flag of another command',
      ['send', 'http://127.0.0.1:1/', '--command', 'group', '--from', 'amy'],
      '--from does not apply to Group.CallbackAfterRecallMsg: it sets a field of C2C.CallbackAfterMsgWithDraw',
    ],
    [
      'a MsgSeq that is not a whole number',
      ['send', 'http://127.0.0.1:1/', '--command', 'group', '--msgseq', '1.5'],
      "--msgseq must be a whole number of at least 0, got '1.5'",
    ],
    [
      'an unreadable --body file',
      ['send', 'http://127.0.0.1:1/', '--body', '/nonexistent/body.json'],
      '--body /nonexistent/body.json cannot be read: ENOENT',
    ],
    ['an empty --body file', ['send', 'http://127.0.0.1:1/', '--body', '/dev/null'], '--body /dev/null is empty'],
    [
      'an empty --token',
      ['send', 'http://127.0.0.1:1/', '--token', ''],
      'The token is empty (is the variable set?): give the callback token',
    ],
  ] as const) {
    it(`should exit 2 naming ${title}`, async () => {
      const { code, stdout, stderr } = await run('node', [CLI, ...args]);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.include(message);
      expect(stderr).to.include("Run 'tencent-chat-recall-webhook send --help' for its options.");
    });
  }

  it('should say on stderr that it sends unsigned when it has no token', async () => {
    const { code, stdout, stderr } = await run('node', [CLI, 'send', url], { IM_CALLBACK_TOKEN: undefined });
    expect(code).to.equal(1);
    expect(stderr).to.equal('No --token or IM_CALLBACK_TOKEN: sending unsigned callbacks.\n');
    expect(JSON.parse(stdout)).to.deep.include({
      ErrorInfo: 'SIGNATURE_MISSING: Sign and RequestTime are required: callback authentication is on',
    });
  });

  it('should write no control character of what a receiver answered to the terminal: ESC, BEL, CR, C1', async () => {
    const hostile = '\u001b]0;title\u0007\r\u009b31m\u0085\u2028x';
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
    for (const [status, body] of [
      [200, JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: hostile, ErrorCode: 1 })],
      [502, `<html><body>${hostile}</body></html>`],
    ] as const) {
      const answering = await listen((_req, res) => {
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
      });
      try {
        const target = `http://127.0.0.1:${String(answering.port)}/callback`;
        for (const count of ['1', '2']) {
          const { code, stdout, stderr } = await run('node', [CLI, 'send', target, '--token', TOKEN, '--count', count]);
          expect(code, `HTTP ${String(status)}, --count ${count}`).to.equal(1);
          expect(stdout, `HTTP ${String(status)}, --count ${count}`).to.not.match(control);
          expect(stderr, `HTTP ${String(status)}, --count ${count}`).to.not.match(control);
          expect(`${stdout}${stderr}`, `${stdout}${stderr}`).to.include('\\u001b]0;title\\u0007');
        }
      } finally {
        await answering.close();
      }
    }
  });

  it('should send --count distinct recalls and print a summary', async () => {
    const { code, stdout } = await run('node', [
      CLI,
      'send',
      url,
      '--token',
      TOKEN,
      '--count',
      '300',
      '--concurrency',
      '8',
    ]);
    expect(code).to.equal(0);
    const match =
      /^sent 300, OK 300, FAIL 0, errors 0 in [\d.]+ s: (\d+) req\/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms\n$/.exec(stdout);
    expect(match, stdout).not.to.equal(null);
    expect(Number(match?.[1])).to.be.above(0);
    expect(Number(match?.[2])).to.be.at.most(Number(match?.[3]));
    expect(new Set(events.map((e) => e.body.MsgKey)).size).to.equal(300);
  });

  it('should exit 1 after a --count run with FAIL answers, naming the first', async () => {
    const { code, stdout, stderr } = await run('node', [CLI, 'send', url, '--token', 'wrong', '--count', '20']);
    expect(code).to.equal(1);
    expect(stdout).to.match(/^sent 20, OK 0, FAIL 20, errors 0 /);
    expect(stderr).to.equal('first problem: SIGNATURE_INVALID: Sign does not match\n');
  });

  it('should sign with each --token in turn, one request each unless --count says more', async () => {
    const rotating = recallWebhook({ sdkAppId: SDK_APP_ID, token: ['old-token', TOKEN] });
    const signedWith: (number | undefined)[] = [];
    rotating.events.on('recall', (event) => signedWith.push(event.signedWith));
    const both = await listen(express().use('/callback', rotating));
    try {
      const target = `http://127.0.0.1:${String(both.port)}/callback`;
      const two = await run('node', [CLI, 'send', target, '--token', 'old-token', '--token', TOKEN]);
      expect(two.code, two.stderr).to.equal(0);
      expect(two.stdout).to.match(/^sent 2, OK 2, FAIL 0, errors 0 /);
      expect(signedWith).to.deep.equal([0, 1]);
      const four = await run('node', [CLI, 'send', target, '--token', 'old-token', '--token', TOKEN, '--count', '4']);
      expect(four.stdout).to.match(/^sent 4, OK 4, /);
      expect([...signedWith.slice(2)].sort()).to.deep.equal([0, 0, 1, 1]);
    } finally {
      await both.close();
    }
    // A receiver of the new token only refuses what the old one signed.
    const { code, stdout } = await run('node', [CLI, 'send', url, '--token', 'old-token', '--token', TOKEN]);
    expect(code).to.equal(1);
    expect(stdout).to.match(/^sent 2, OK 1, FAIL 1, errors 0 /);
  });

  it('should give up on a receiver that never answers after --timeout, and exit 1', async () => {
    const silent = await listen(() => undefined);
    try {
      const target = `http://127.0.0.1:${String(silent.port)}/callback`;
      const { code, stderr } = await run('node', [CLI, 'send', target, '--timeout', '200', '--token', TOKEN]);
      expect(code).to.equal(1);
      expect(stderr).to.equal(`cannot deliver to ${target}: no answer from ${target} within 200 ms\n`);
    } finally {
      await silent.close();
    }
  });

  it('should refuse a --count smaller than the number of tokens', async () => {
    const { code, stderr } = await run('node', [CLI, 'send', url, '--token', 'a', '--token', 'b', '--count', '1']);
    expect(code).to.equal(2);
    expect(stderr).to.match(/^--token is given 2 times but --count is 1: each token signs a request of its own\n/);
    expect(events).to.have.length(0);
  });

  it('should draw a progress bar when stderr is a terminal', async () => {
    const drawn: string[] = [];
    const code = await runCli(
      ['send', url, '--token', TOKEN, '--count', '50'],
      {},
      { out: () => undefined, err: () => undefined, status: (text) => drawn.push(text) },
    );
    expect(code).to.equal(0);
    expect(drawn.at(-1)).to.equal(`[${'#'.repeat(30)}] 50/50`);
  });

  it('should print its options with --help', async () => {
    const { code, stdout } = await run('node', [CLI, 'send', '--help']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: tencent-chat-recall-webhook send <url> \[options\]/);
  });
});
