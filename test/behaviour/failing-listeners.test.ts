import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { DedupeStore } from '../../lib/core/dedupe-store.js';
import type { RecallEmitter } from '../../lib/core/events.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  type RecallCommand,
} from '../../lib/protocol/commands.js';
import { sampleCallback } from '../../lib/testing/sample.js';
import { receiverUrl, TOKEN } from '../fixtures/callbacks.js';
import { FAILURES, THROWABLES } from '../fixtures/throwables.js';
import { ADAPTERS, type TableRequest, type TableResult } from '../helpers/adapters.js';
import { captureLog } from '../helpers/log.js';
import { unhandledDuring } from '../helpers/unhandled.js';

// Listeners are the app's code: whatever one throws or rejects with, on any event, the answer is
// the protocol's, nothing goes unhandled, and the process lives. Run on every adapter.

/** A store that finds every recall claimed already, so every delivery is a duplicate. */
const ALWAYS_CLAIMED: DedupeStore = {
  claim: () => Promise.resolve(false),
  release: () => Promise.resolve(),
};

const EVENTS = {
  // An unsigned callback to a receiver with a token is refused.
  rejected: { options: { token: TOKEN }, answer: 'SIGNATURE_MISSING', command: RECALL_COMMAND },
  duplicate: { options: { dedupe: { store: ALWAYS_CLAIMED } }, answer: 'OK', command: RECALL_COMMAND },
  recall: { options: {}, answer: 'LISTENER_FAILED', command: RECALL_COMMAND },
  groupRecall: {
    options: { commands: [GROUP_RECALL_COMMAND] },
    answer: 'LISTENER_FAILED',
    command: GROUP_RECALL_COMMAND,
  },
  officialAccountRecall: {
    options: { commands: [OFFICIAL_ACCOUNT_RECALL_COMMAND] },
    answer: 'LISTENER_FAILED',
    command: OFFICIAL_ACCOUNT_RECALL_COMMAND,
  },
} as const;

/** A callback of `command` with its sample body. */
function requestOf(command: RecallCommand): TableRequest {
  return {
    method: 'POST',
    url: receiverUrl({ callbackCommand: command }),
    body: JSON.stringify(sampleCallback(command)),
  };
}

/** The answer's error code, or OK. */
function codeOf(result: TableResult): string {
  const answer = JSON.parse(result.text) as { ErrorCode: number; ErrorInfo: string };
  return answer.ErrorCode === 0 ? 'OK' : (answer.ErrorInfo.split(':')[0] ?? '');
}

describe('listeners that fail', () => {
  const lines = captureLog();

  for (const adapter of ADAPTERS) {
    describe(adapter.name, () => {
      for (const [event, { options, answer, command }] of Object.entries(EVENTS)) {
        const request = requestOf(command);
        it(`should answer ${answer} with HTTP 200 whatever a ${event} listener throws or rejects with, leaving nothing unhandled`, async () => {
          const results: [string, number, string][] = [];
          const unhandled = await unhandledDuring(async () => {
            for (const [thrown, make] of THROWABLES) {
              for (const [how, fail] of FAILURES) {
                const setup = (events: RecallEmitter): void => {
                  (events as unknown as EventEmitter).on(event, () => fail(make()));
                };
                const result = await adapter.send(options, setup, request);
                results.push([`${how} ${thrown}`, result.status, codeOf(result)]);
              }
            }
          });
          for (const [what, status, code] of results) {
            expect([status, code], what).to.deep.equal([200, answer]);
          }
          expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
          if (event === 'rejected' || event === 'duplicate') {
            const logged = lines.filter((line) => line.includes(`a ${event} listener failed`));
            expect(logged).to.have.length(THROWABLES.length * FAILURES.length);
          }
        });
      }

      it('should survive an emitter of the app with captureRejections and no error listener', async () => {
        const emitter = new EventEmitter({ captureRejections: true });
        for (const event of Object.keys(EVENTS)) {
          // eslint-disable-next-line @typescript-eslint/no-misused-promises -- an async listener on a plain emitter is the case
          emitter.on(event, () => Promise.reject(new Error('metrics down')));
        }
        const codes: string[] = [];
        const unhandled = await unhandledDuring(async () => {
          for (const { options, command } of Object.values(EVENTS)) {
            codes.push(codeOf(await adapter.send({ ...options, emitter }, () => undefined, requestOf(command))));
          }
        });
        expect(codes).to.deep.equal(Object.values(EVENTS).map(({ answer }) => answer));
        expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
      });
    });
  }
});
