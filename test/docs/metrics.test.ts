import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { TOKEN } from '../fixtures/callbacks.js';
import { OK } from '../helpers/app.js';
import { freePort } from '../helpers/http.js';
import { start, type Spawned } from '../helpers/process.js';
import { blocksOf, guide, untilListening, writeExample } from '../helpers/readme.js';
import { sharedRedisUrl } from '../helpers/redis.js';

const GUIDE = guide('metrics.md');

// The app's database, as `./db.js` is imported: fails for a message whose key starts with "fail".
const DATABASE = `
import type { Conversation, RecalledMessage } from 'tencent-chat-recall-webhook';
export async function markRecalled(_conversation: Conversation, message: RecalledMessage): Promise<void> {
  await Promise.resolve();
  if (message.msgKey?.startsWith('fail') === true) throw new Error('database down');
}
`;

/** The value of one sample line of the Prometheus text format, 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((each) => each.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('docs/metrics.md', function () {
  this.timeout(60_000);
  let server: Spawned | undefined;
  after(async () => {
    await server?.stop();
  });

  it('should count each outcome per command and code, and time the listener, as written', async () => {
    const [code] = blocksOf('The receiver', 'ts', GUIDE);
    const file = writeExample('metrics.ts', code ?? '');
    writeExample('db.ts', DATABASE);
    const port = await freePort();
    server = start('node', ['--import', 'tsx', file.pathname], {
      REDIS_URL: await sharedRedisUrl(),
      IM_CALLBACK_TOKEN: TOKEN,
      PORT: String(port),
    });
    const url = `http://127.0.0.1:${String(port)}/im/callback`;
    await untilListening(url, TOKEN);
    const run = randomUUID();
    const options = { sdkAppId: 1400000000, token: TOKEN };
    const once = { ...options, body: { MsgKey: `twice-${run}` } };
    const answers = [
      await deliverRecall(url, once),
      await deliverRecall(url, once),
      await deliverRecall(url, { ...options, body: { MsgKey: `fail-${run}` } }),
      await deliverRecall(url, { ...options, token: 'wrong' }),
      await deliverRecall(url, { ...options, command: 'Group.CallbackAfterRecallMsg', body: { GroupId: run } }),
      await deliverRecall(url, {
        ...options,
        command: 'OfficialAccount.CallbackAfterMsgWithDraw',
        body: { WithdrawMsgList: [{ MsgKey: run }] },
      }),
    ];
    expect(answers.map((answer) => (answer.ErrorCode === 0 ? 'OK' : answer.ErrorInfo.split(':')[0]))).to.deep.equal([
      'OK',
      'OK',
      'LISTENER_FAILED',
      'SIGNATURE_INVALID',
      'OK',
      'OK',
    ]);
    expect(answers[0]).to.deep.equal(OK);
    const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    const c2c = 'command="C2C.CallbackAfterMsgWithDraw"';
    const counts = {
      // The probe that found the receiver listening was handled too.
      handled: sample(text, `recall_callbacks_total{${c2c},outcome="handled",code=""}`),
      duplicate: sample(text, `recall_callbacks_total{${c2c},outcome="duplicate",code=""}`),
      failed: sample(text, `recall_callbacks_total{${c2c},outcome="rejected",code="LISTENER_FAILED"}`),
      forged: sample(text, `recall_callbacks_total{${c2c},outcome="rejected",code="SIGNATURE_INVALID"}`),
      group: sample(text, 'recall_callbacks_total{command="Group.CallbackAfterRecallMsg",outcome="handled",code=""}'),
      account: sample(
        text,
        'recall_callbacks_total{command="OfficialAccount.CallbackAfterMsgWithDraw",outcome="handled",code=""}',
      ),
      timed: sample(text, `recall_listener_seconds_count{${c2c}}`),
    };
    expect(counts).to.deep.equal({ handled: 2, duplicate: 1, failed: 1, forged: 1, group: 1, account: 1, timed: 3 });
  });
});
