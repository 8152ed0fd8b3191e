import { expect } from 'chai';
import express from 'express';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { recallWebhook } from '../../lib/adapters/express.js';
import type { RecallEvent } from '../../lib/core/events.js';
import { deliverRecall } from '../../lib/testing/deliver.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { SDK_APP_ID, TOKEN } from '../fixtures/callbacks.js';

const OK = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

function receiver(path = '/im/callback'): { app: express.Express; events: RecallEvent[] } {
  const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN });
  const events: RecallEvent[] = [];
  recall.events.on('recall', (event) => events.push(event));
  return { app: express().use(path, recall), events };
}

describe('testing/deliverRecall()', () => {
  it('should deliver a signed recall to an Express app in process, with body fields merged over the sample', async () => {
    const { app, events } = receiver();
    const answer = await deliverRecall(app, {
      path: '/im/callback',
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      body: { MsgKey: 'k1' },
      optPlatform: 'Android',
    });
    expect(answer).to.deep.equal(OK);
    expect(events.map((e) => [e.body.MsgKey, e.body.From_Account, e.optPlatform])).to.deep.equal([
      ['k1', 'jared', 'Android'],
    ]);
  });

  it('should deliver a signed recall of any command: its sample, and its name in the query', async () => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [...RECALL_COMMANDS] });
    const emitted: string[] = [];
    recall.events.on('recall', (event) => emitted.push(`recall ${event.body.MsgKey}`));
    recall.events.on('groupRecall', (event) => emitted.push(`groupRecall ${event.body.GroupId}`));
    recall.events.on('officialAccountRecall', (event) =>
      emitted.push(`officialAccountRecall ${event.body.Official_Account}`),
    );
    const app = express().use(recall);
    const options = { sdkAppId: SDK_APP_ID, token: TOKEN };
    expect(
      await deliverRecall(app, { ...options, command: 'Group.CallbackAfterRecallMsg', body: { GroupId: 'g7' } }),
    ).to.deep.equal(OK);
    expect(await deliverRecall(app, { ...options, command: 'OfficialAccount.CallbackAfterMsgWithDraw' })).to.deep.equal(
      OK,
    );
    expect(await deliverRecall(app, options)).to.deep.equal(OK);
    expect(emitted).to.deep.equal([
      'groupRecall g7',
      'officialAccountRecall #TOA#_123',
      'recall 48374_2837546_1557481126',
    ]);
  });

  it('should send the query command given as callbackCommand over the command, to test a mismatch', async () => {
    const recall = recallWebhook({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [...RECALL_COMMANDS] });
    const answer = await deliverRecall(express().use(recall), {
      sdkAppId: SDK_APP_ID,
      token: TOKEN,
      command: 'OfficialAccount.CallbackAfterMsgWithDraw',
      callbackCommand: 'Group.CallbackAfterRecallMsg',
    });
    expect(answer).to.deep.include({ ErrorCode: 1 });
    expect(answer.ErrorInfo).to.match(/^BODY_INVALID: /);
  });

  it('should give the FAIL answer when the receiver refuses', async () => {
    const { app, events } = receiver();
    const answer = await deliverRecall(app, { path: '/im/callback', sdkAppId: SDK_APP_ID, token: 'wrong' });
    expect(answer).to.deep.equal({
      ActionStatus: 'FAIL',
      ErrorInfo: 'SIGNATURE_INVALID: Sign does not match',
      ErrorCode: 1,
    });
    expect(events).to.have.length(0);
  });

  it('should deliver to an http.Server, listening or not, and leave it as it was', async () => {
    const { app } = receiver();
    const idle = createServer(app);
    expect(await deliverRecall(idle, { path: '/im/callback', sdkAppId: SDK_APP_ID, token: TOKEN })).to.deep.equal(OK);
    expect(idle.listening).to.equal(false);
    const running = createServer(app).listen(0, '127.0.0.1');
    await once(running, 'listening');
    try {
      expect(await deliverRecall(running, { path: '/im/callback', sdkAppId: SDK_APP_ID, token: TOKEN })).to.deep.equal(
        OK,
      );
      expect(running.listening).to.equal(true);
    } finally {
      running.close();
    }
  });

  it('should deliver to a URL, its own path or the path given', async () => {
    const { app, events } = receiver();
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      expect(await deliverRecall(`${base}/im/callback`, { sdkAppId: SDK_APP_ID, token: TOKEN })).to.deep.equal(OK);
      expect(
        await deliverRecall(new URL(base), { path: '/im/callback', sdkAppId: SDK_APP_ID, token: TOKEN }),
      ).to.deep.equal(OK);
      expect(events).to.have.length(2);
    } finally {
      server.close();
    }
  });

  it('should reject, saying what came back, when the answer is not the protocol’s', async () => {
    const { app } = receiver();
    const error = await deliverRecall(app, { path: '/elsewhere', sdkAppId: SDK_APP_ID, token: TOKEN }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(
      /^expected a protocol answer from http:\/\/127\.0\.0\.1:\d+\/elsewhere, got HTTP 404/,
    );
  });

  it('should give up on a receiver that never answers, after timeoutMs or 5 s by default', async () => {
    const silent = createServer(() => undefined);
    try {
      for (const [options, ms] of [
        [{ timeoutMs: 100 }, 100],
        [{}, 5000],
      ] as const) {
        const started = Date.now();
        const error = await deliverRecall(silent, { sdkAppId: SDK_APP_ID, ...options }).then(
          () => undefined,
          (e: unknown) => e,
        );
        const took = Date.now() - started;
        expect((error as Error).message).to.match(
          new RegExp(`^no answer from http://127\\.0\\.0\\.1:\\d+/ within ${String(ms)} ms$`),
        );
        expect(took).to.be.within(ms - 5, ms + 2000);
      }
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }).timeout(15_000);

  it('should read no more than 64 KiB of an answer, saying so', async () => {
    let written = 0;
    const flood = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const more = (): void => {
        while (written < 256 * 1024 * 1024 && res.write(`{"ActionStatus":"OK"}${' '.repeat(65_536)}`))
          written += 65_558;
      };
      res.on('drain', more);
      more();
    });
    try {
      const error = await deliverRecall(flood, { sdkAppId: SDK_APP_ID }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).to.match(/, got HTTP 200 with more than 65536 bytes: \{"ActionStatus":"OK"\}$/);
      expect(written).to.be.below(16 * 1024 * 1024);
    } finally {
      flood.closeAllConnections();
      flood.close();
    }
  });

  it('should reject when the URL is unreachable', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    const error = await deliverRecall(`http://127.0.0.1:${String(port)}/`, { sdkAppId: SDK_APP_ID }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });
});
