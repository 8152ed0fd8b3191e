import { expect } from 'chai';
import request from 'supertest';
import { createDemoApp, demoSettings } from '../../lib/cli/demo.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  type RecallCommand,
} from '../../lib/protocol/commands.js';
import { callbackQuery } from '../../lib/testing/query.js';
import { sampleGroupRecall, sampleOfficialAccountRecall, sampleRecall } from '../../lib/testing/sample.js';

describe('demo/settings', () => {
  it('should default to 127.0.0.1:3000, the sample SdkAppid and no token', () => {
    expect(demoSettings({})).to.deep.equal({ host: '127.0.0.1', port: 3000, sdkAppId: '1400000000', tokens: [] });
  });

  it('should read PORT, HOST, SDKAPPID and IM_CALLBACK_TOKEN', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', SDKAPPID: '1400000009', IM_CALLBACK_TOKEN: 't' };
    expect(demoSettings(env)).to.deep.equal({ host: '0.0.0.0', port: 8080, sdkAppId: '1400000009', tokens: ['t'] });
  });

  it('should take several tokens, as --token given twice gives them', () => {
    expect(demoSettings({ IM_CALLBACK_TOKEN: ['old', 'new'] }).tokens).to.deep.equal(['old', 'new']);
  });

  it('should refuse an empty IM_CALLBACK_TOKEN or --token, an unset variable, rather than run unsigned', () => {
    for (const IM_CALLBACK_TOKEN of ['', ['', 'new'], ['old', '']]) {
      expect(() => demoSettings({ IM_CALLBACK_TOKEN }), String(IM_CALLBACK_TOKEN)).to.throw(
        TypeError,
        /^The token is empty \(is the variable set\?\)/,
      );
    }
  });

  it('should refuse a PORT that is not a port number', () => {
    for (const PORT of ['http', '-1', '65536', '1.5']) {
      expect(() => demoSettings({ PORT }), PORT).to.throw(RangeError, /PORT must be a port number/);
    }
  });
});

describe('demo/app', () => {
  // A window-title escape, a clear-screen, a line that forges a refusal, and a bell.
  const HOSTILE = 'k\u001b]0;owned\u0007\u001b[2J\r\nrefused: SIGNATURE_INVALID: forged\u2028';

  it('should print values from the request escaped, one line per callback, so none can drive the terminal', async () => {
    const lines: string[] = [];
    const app = createDemoApp(demoSettings({}), (line) => lines.push(line));
    const post = (command: RecallCommand, body: object) =>
      request(app)
        .post(`/callback?${callbackQuery({ sdkAppId: 1400000000, callbackCommand: command, optPlatform: HOSTILE })}`)
        .type('json')
        .send(JSON.stringify(body));
    await post(RECALL_COMMAND, sampleRecall({ From_Account: HOSTILE, To_Account: HOSTILE, MsgKey: HOSTILE }));
    await post(RECALL_COMMAND, sampleRecall({ From_Account: HOSTILE, To_Account: HOSTILE, MsgKey: HOSTILE }));
    await post(
      GROUP_RECALL_COMMAND,
      sampleGroupRecall({ Operator_Account: HOSTILE, GroupId: HOSTILE, TopicId: HOSTILE }),
    );
    await post(
      OFFICIAL_ACCOUNT_RECALL_COMMAND,
      sampleOfficialAccountRecall({ Official_Account: HOSTILE, WithdrawMsgList: [{ MsgKey: HOSTILE }] }),
    );
    expect(lines.map((line) => line.split(':')[0])).to.deep.equal([
      'recall',
      'duplicate',
      'groupRecall',
      'officialAccountRecall',
    ]);
    for (const line of lines) {
      // eslint-disable-next-line no-control-regex -- the characters a terminal acts on
      expect(line).not.to.match(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(line).to.include(
        'k\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u000arefused: SIGNATURE_INVALID: forged\\u2028',
      );
    }
  });
});
