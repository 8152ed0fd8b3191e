import { expect } from 'chai';
import { recallFetchHandler } from '../../lib/index.js';
import { receiverOptions, receiverUrl, TOKEN, nowSeconds } from '../fixtures/callbacks.js';
import { unhandledDuring } from '../helpers/unhandled.js';

// The `log` option: an app's own logger, on any runtime.

function handlerLogging(log: (line: string) => unknown) {
  return recallFetchHandler(receiverOptions({ token: TOKEN, log }));
}

async function postForged(handler: (request: Request) => Promise<Response>, msgKey = 'k') {
  const url = `http://receiver${receiverUrl({ token: 'another token', requestTime: nowSeconds() })}`;
  const body = JSON.stringify({
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: 'a',
    To_Account: 'b',
    MsgKey: msgKey,
  });
  return (await (await handler(new Request(url, { method: 'POST', body }))).json()) as { ErrorInfo: string };
}

describe('the log option', () => {
  it("should hand each decision to the app's function as one formatted line, without the token or the Sign", async () => {
    const lines: string[] = [];
    const handler = handlerLogging((line) => lines.push(line));
    await postForged(handler);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^recallFetchHandler created for SdkAppid 1400000000; Sign and RequestTime required$/);
    expect(lines[1]).to.match(/^refused SIGNATURE_INVALID from an unknown address: Sign does not match$/);
    expect(lines.join('\n')).not.to.include(TOKEN);
  });

  it('should answer as without it when the function throws or rejects, leaving nothing unhandled', async () => {
    const answers: string[] = [];
    const seen = await unhandledDuring(async () => {
      for (const log of [
        () => {
          throw new Error('logger down');
        },
        () => Promise.reject(new Error('logger down')),
      ]) {
        answers.push((await postForged(handlerLogging(log))).ErrorInfo);
      }
    });
    expect(answers).to.deep.equal(Array(2).fill('SIGNATURE_INVALID: Sign does not match'));
    expect(seen).to.deep.equal({ rejections: [], exceptions: [] });
  });

  it('should be a function or left out', () => {
    expect(() => recallFetchHandler(receiverOptions({ log: 'console' as never }))).to.throw(
      TypeError,
      /`log` must be a function/,
    );
  });
});
