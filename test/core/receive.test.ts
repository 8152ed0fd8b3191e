import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { resolveConfig } from '../../lib/options/resolve.js';
import type { BodyInput } from '../../lib/core/decide.js';
import { refusal, type Refusal } from '../../lib/core/errors.js';
import { captureLog, messagesOf } from '../helpers/log.js';
import { receive as receiveWith, type IncomingCallback, type Outcome } from '../../lib/core/receive.js';
import type { TimerQueue } from '../../lib/core/timer-queue.js';
import { sign } from '../../lib/protocol/signature.js';
import { GROUP_RECALL_COMMAND, RECALL_COMMAND, RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { sampleGroupRecall } from '../../lib/testing/sample.js';
import {
  receiverUrl,
  nowSeconds,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_UNREAD,
  TOKEN,
  receiverOptions,
} from '../fixtures/callbacks.js';

type Read = BodyInput | Refusal;

function callback(
  url: string,
  body: BodyInput | Error = { text: SAMPLE_BODY_TEXT },
): IncomingCallback & { reads: number } {
  const request = {
    method: 'POST',
    url,
    remoteAddress: '198.51.100.4',
    reads: 0,
    readBody: (_limit: number, _deadlines: TimerQueue, done: (read: Read) => void) => {
      request.reads += 1;
      setImmediate(() => {
        done(body instanceof Error ? refusal('BODY_ABORTED', body.message) : body);
      });
    },
  };
  return request;
}

/** receive() as a promise of the outcome it answers with; answering twice fails the test. */
function receive(config: ReturnType<typeof resolveConfig>, request: IncomingCallback): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let answers = 0;
    receiveWith(config, request, (outcome) => {
      answers += 1;
      if (answers > 1) reject(new Error('answered twice'));
      setImmediate(() => {
        resolve(outcome);
      });
    });
  });
}

describe('receive', () => {
  it('should not read the body of a request it passes on or refuses on the query', async () => {
    const config = resolveConfig(receiverOptions({ token: TOKEN }));
    for (const url of [
      receiverUrl({ callbackCommand: 'Group.CallbackAfterRecallMsg' }),
      receiverUrl({ token: 'wrong' }),
    ]) {
      const request = callback(url);
      await receive(config, request);
      expect(request.reads, url).to.equal(0);
    }
  });

  it('should read the body once of an authentic request and answer OK', async () => {
    const request = callback(receiverUrl());
    const outcome = await receive(resolveConfig(receiverOptions()), request);
    expect(outcome).to.deep.include({
      kind: 'answer',
      answer: '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}',
      rejected: undefined,
    });
    expect(outcome.kind === 'answer' && outcome.recall?.body).to.deep.equal(SAMPLE_WITH_UNREAD);
    expect(request.reads).to.equal(1);
  });

  it('should answer FAIL when the body could not be read', async () => {
    const outcome = await receive(resolveConfig(receiverOptions()), callback(receiverUrl(), new Error('gone')));
    expect(outcome.kind === 'answer' && outcome.rejected?.().code).to.equal('BODY_ABORTED');
  });

  it('should take an address that is not an IP address as none: refused by allowFrom unseen, kept out of events', async () => {
    for (const given of ['not-an-address', '198.51.100.4:8080', '198.51.100.4, 10.0.0.1', '', ' 198.51.100.4']) {
      const checked: string[] = [];
      const guarded = resolveConfig(
        receiverOptions({
          allowFrom: (address) => {
            checked.push(address);
            return true;
          },
        }),
      );
      const refusals: (string | undefined)[] = [];
      guarded.emitter.on('rejected', (error) => refusals.push(error.remoteAddress));
      const refused = await receive(guarded, { ...callback(receiverUrl()), remoteAddress: given });
      expect(refused.kind === 'answer' && refused.rejected?.().code, given).to.equal('ADDRESS_FORBIDDEN');
      expect(checked).to.deep.equal([]);
      expect(refusals).to.deep.equal([undefined]);
      const open = resolveConfig(receiverOptions());
      const recalled: (string | undefined)[] = [];
      open.emitter.on('recall', (event) => recalled.push(event.remoteAddress));
      await receive(open, { ...callback(receiverUrl()), remoteAddress: given });
      expect(recalled).to.deep.equal([undefined]);
    }
    // Addresses, IPv4-mapped and with a zone, are kept as they are.
    for (const address of ['198.51.100.4', '::ffff:198.51.100.4', 'fe80::1%eth0', '2001:db8::1']) {
      const open = resolveConfig(receiverOptions());
      const recalled: (string | undefined)[] = [];
      open.emitter.on('recall', (event) => recalled.push(event.remoteAddress));
      await receive(open, { ...callback(receiverUrl()), remoteAddress: address });
      expect(recalled).to.deep.equal([address]);
    }
  });

  it('should answer a refused query in the same turn, without reading the body', () => {
    const request = callback(receiverUrl({ sdkAppId: 1 }));
    const outcomes: Outcome[] = [];
    receiveWith(resolveConfig(receiverOptions()), request, (outcome) => outcomes.push(outcome));
    expect(outcomes.map((o) => o.kind === 'answer' && o.rejected?.().code)).to.deep.equal(['SDKAPPID_MISMATCH']);
    expect(request.reads).to.equal(0);
  });

  it('should answer FAIL with INTERNAL_ERROR, not throw, when code the app supplied throws', async () => {
    const emitter = new EventEmitter();
    emitter.rawListeners = () => {
      throw new Error('broken emitter');
    };
    const config = resolveConfig(receiverOptions({ emitter }));
    const outcome = await receive(config, callback(receiverUrl()));
    expect(outcome.kind === 'answer' && outcome.answer).to.equal(
      '{"ActionStatus":"FAIL","ErrorInfo":"INTERNAL_ERROR: the receiver failed","ErrorCode":1}',
    );
  });

  describe('debug log', () => {
    const lines = captureLog();

    it('should log each decision, never the token or a Sign', async () => {
      const config = resolveConfig(receiverOptions({ token: TOKEN }));
      const time = nowSeconds();
      const urls = [
        receiverUrl({ token: TOKEN, requestTime: time }),
        receiverUrl({ token: 'wrong', requestTime: time }),
        receiverUrl({ token: TOKEN, requestTime: time - 3600 }),
        receiverUrl({ token: TOKEN, requestTime: time, callbackCommand: 'C2C.CallbackAfterSendMsg' }),
        `/callback?RequestTime=${String(time)}&Sign=${sign(TOKEN, time)}`,
        '/callback?SdkAppid=1400000000',
      ];
      for (const url of urls) await receive(config, callback(url));
      expect(lines).to.have.length(6);
      expect(lines[0]).to.include(
        'C2C.CallbackAfterMsgWithDraw 48374_2837546_1557481126 of SdkAppid 1400000000 handled',
      );
      expect(lines[1]).to.include('refused SIGNATURE_INVALID');
      expect(lines[2]).to.include('refused REQUEST_EXPIRED');
      expect(lines[3]).to.include('C2C.CallbackAfterSendMsg of SdkAppid 1400000000 verified, handed on');
      expect(lines[4]).to.include('a signed check of the callback URL, answered OK');
      expect(lines[5]).to.include('pass: no CallbackCommand');
      const secrets = [TOKEN, sign(TOKEN, time), sign('wrong', time), sign(TOKEN, time - 3600)];
      for (const line of lines) for (const secret of secrets) expect(line).not.to.include(secret);
    });

    it('should log another command handed on unverified with verifyOtherCommands: false', async () => {
      const config = resolveConfig(receiverOptions({ token: TOKEN, verifyOtherCommands: false }));
      await receive(config, callback(receiverUrl({ callbackCommand: 'C2C.CallbackAfterSendMsg' })));
      expect(messagesOf(lines)).to.deep.equal(["pass: not a callback of this receiver's commands"]);
    });

    it('should log values from the request escaped, one line each, so a MsgKey cannot forge a line', async () => {
      const config = resolveConfig(receiverOptions());
      const forged = '1\n2026-11-26T00:00:00.000Z tencent-chat-recall-webhook recall admin handled\u001b[2K\r\u2028';
      const body = JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: forged });
      await receive(config, callback(receiverUrl(), { text: body }));
      expect(lines).to.have.length(1);
      // eslint-disable-next-line no-control-regex -- the control characters a forged line needs
      for (const line of lines) expect(line).not.to.match(/[\n\r\u001b\u2028]/);
      expect(lines[0]).to.include(
        'C2C.CallbackAfterMsgWithDraw 1\\u000a2026-11-26T00:00:00.000Z tencent-chat-recall-webhook recall admin',
      );
      expect(lines[0]).to.include('\\u001b[2K\\u000d\\u2028 of SdkAppid 1400000000 handled');
    });

    it('should log a request passed on for not being a POST, and a refusal from an unknown address', async () => {
      const config = resolveConfig(receiverOptions());
      await receive(config, { ...callback(receiverUrl()), method: 'GET' });
      await receive(config, { ...callback(receiverUrl({ sdkAppId: 1 })), remoteAddress: undefined });
      expect(messagesOf(lines)).to.deep.equal([
        'pass: not a POST',
        'refused SDKAPPID_MISMATCH from an unknown address: SdkAppid is not one this receiver serves',
      ]);
    });

    it('should log a body refused after the query passed with its code and the field at fault', async () => {
      const config = resolveConfig(receiverOptions({ token: TOKEN, commands: [...RECALL_COMMANDS] }));
      const group = (fields: Record<string, unknown>): string => JSON.stringify(sampleGroupRecall(fields));
      const bodies = [
        [RECALL_COMMAND, JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: undefined })],
        [GROUP_RECALL_COMMAND, group({ Type: 7 })],
        [GROUP_RECALL_COMMAND, group({ MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: '2' }] })],
        [GROUP_RECALL_COMMAND, group({ CallbackCommand: RECALL_COMMAND })],
      ] as const;
      for (const [command, body] of bodies) {
        await receive(config, callback(receiverUrl({ token: TOKEN, callbackCommand: command }), { text: body }));
      }
      expect(messagesOf(lines)).to.deep.equal([
        'refused BODY_INVALID from 198.51.100.4, field "/MsgKey": body must have required property \'MsgKey\'',
        'refused BODY_INVALID from 198.51.100.4, field "/Type": body.Type must be string',
        'refused BODY_INVALID from 198.51.100.4, field "/MsgSeqList/1/MsgSeq": body.MsgSeqList.1.MsgSeq must be integer',
        'refused COMMAND_MISMATCH from 198.51.100.4, field "/CallbackCommand": body CallbackCommand differs from the query',
      ]);
    });

    for (const [when, url, expected] of [
      ['a refusal on the query', receiverUrl({ sdkAppId: 1 }), 'SDKAPPID_MISMATCH'],
      ['a pass', receiverUrl({ callbackCommand: 'C2C.CallbackAfterSendMsg' }), 'pass'],
      ['an answer after the body', receiverUrl(), 'OK'],
    ] as const) {
      it(`should log, not answer again, when responding throws after ${when} was handed over`, async () => {
        const config = resolveConfig(receiverOptions());
        const outcomes: Outcome[] = [];
        const rejected: string[] = [];
        config.emitter.on('rejected', (error) => rejected.push(error.code));
        await new Promise<void>((resolve) => {
          receiveWith(config, callback(url), (outcome) => {
            outcomes.push(outcome);
            setImmediate(resolve);
            throw new Error('the socket is gone');
          });
        });
        expect(outcomes.map((o) => (o.kind === 'answer' ? (o.rejected?.().code ?? 'OK') : 'pass'))).to.deep.equal([
          expected,
        ]);
        // No INTERNAL_ERROR made of it: the one refusal, if any, is the request's own.
        expect(rejected).not.to.include('INTERNAL_ERROR');
        expect(lines.filter((line) => line.includes('responding threw: the socket is gone'))).to.have.length(1);
      });
    }
  });
});
