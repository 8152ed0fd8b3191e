import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { callListeners, report } from '../../lib/core/listeners.js';
import { RecallWebhookError, type Refusal } from '../../lib/core/errors.js';
import { createEmitter, type RecallEmitter, type RecallEvent } from '../../lib/core/events.js';
import type { Recall } from '../../lib/core/decide.js';
import { log } from '../../lib/log.js';
import { resolveConfig } from '../../lib/options/resolve.js';
import { RECALL_COMMAND } from '../../lib/protocol/commands.js';
import { receiverOptions, SAMPLE_WITH_UNREAD, SDK_APP_ID } from '../fixtures/callbacks.js';
import { captureLog, messagesOf } from '../helpers/log.js';
import { FAILURES, THROWABLES } from '../fixtures/throwables.js';
import { EventEmitter } from 'node:events';
import { unhandledDuring } from '../helpers/unhandled.js';

const EVENT: RecallEvent = {
  command: RECALL_COMMAND,
  body: SAMPLE_WITH_UNREAD,
  conversation: { type: 'c2c', from: SAMPLE_WITH_UNREAD.From_Account, to: SAMPLE_WITH_UNREAD.To_Account },
  messages: [{ msgKey: SAMPLE_WITH_UNREAD.MsgKey, msgSeq: undefined, msgId: undefined }],
  operator: undefined,
  remoteAddress: '127.0.0.1',
  sdkAppId: SDK_APP_ID,
  clientIp: undefined,
  optPlatform: undefined,
  platform: undefined,
  requestTime: undefined,
  signedWith: undefined,
  eventTime: undefined,
  receivedAt: new Date(0),
};

const COMMAND = resolveConfig(receiverOptions()).commands.get(RECALL_COMMAND);
if (COMMAND === undefined) throw new Error('the one-to-one recall is not among the commands');

/** The sample, as the body step passes it on. */
const RECALL: Recall = { command: COMMAND, event: EVENT };

/** callListeners() as a promise of what it calls back with. */
function call(emitter: RecallEmitter, recall: Recall, timeoutMs: number): Promise<Refusal | undefined> {
  return new Promise((resolve) => {
    callListeners({ emitter, timeoutMs, log }, recall, resolve);
  });
}

function timeoutCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('listeners', () => {
  describe('callListeners()', () => {
    it('should call back at once, in the same turn, when no listener returns a promise', () => {
      const emitter = createEmitter();
      emitter.on('recall', () => 'done');
      const results: unknown[] = [];
      callListeners({ emitter, timeoutMs: 100, log }, RECALL, (failure) => results.push(failure));
      expect(results).to.deep.equal([undefined]);
    });

    it('should succeed with no listeners', async () => {
      expect(await call(createEmitter(), RECALL, 100)).to.equal(undefined);
    });

    it('should give every listener the event', async () => {
      const emitter = createEmitter();
      const seen: RecallEvent[] = [];
      emitter.on('recall', (event) => seen.push(event));
      emitter.on('recall', (event) => seen.push(event));
      expect(await call(emitter, RECALL, 100)).to.equal(undefined);
      expect(seen).to.deep.equal([EVENT, EVENT]);
    });

    it('should wait for async listeners before resolving', async () => {
      const emitter = createEmitter();
      const steps: string[] = [];
      emitter.on('recall', async () => {
        await sleep(30);
        steps.push('listener done');
      });
      await call(emitter, RECALL, 1000);
      steps.push('delivered');
      expect(steps).to.deep.equal(['listener done', 'delivered']);
    });

    it('should report LISTENER_FAILED when a listener throws, and still call the others', async () => {
      const emitter = createEmitter();
      const cause = new Error('database down');
      let laterCalled = false;
      emitter.on('recall', () => {
        throw cause;
      });
      emitter.on('recall', () => {
        laterCalled = true;
      });
      const failure = await call(emitter, RECALL, 100);
      expect(failure?.code).to.equal('LISTENER_FAILED');
      expect(failure?.cause).to.equal(cause);
      expect(laterCalled).to.equal(true);
    });

    it('should report LISTENER_FAILED when an async listener rejects, with no unhandled rejection', async () => {
      const emitter = createEmitter();
      const cause = new Error('queue full');
      emitter.on('recall', () => Promise.reject(cause));
      emitter.on('recall', async () => {
        await sleep(5);
        throw new Error('second');
      });
      let failure: Awaited<ReturnType<typeof call>>;
      const unhandled = await unhandledDuring(async () => {
        failure = await call(emitter, RECALL, 1000);
      });
      expect(failure?.code).to.equal('LISTENER_FAILED');
      expect(failure?.message).to.equal('2 recall listeners failed');
      expect(failure?.cause).to.equal(cause);
      expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
    });

    it('should take a listener returning null, a number or an object without then as done, in the same turn', () => {
      const values: [string, unknown][] = [
        ['null', null],
        ['0', 0],
        ['an object whose then is no function', { then: 'not a function' }],
        ['an object without a prototype', Object.create(null)],
      ];
      for (const [label, value] of values) {
        const emitter = createEmitter();
        emitter.on('recall', () => value);
        const results: unknown[] = [];
        callListeners({ emitter, timeoutMs: 100, log }, RECALL, (failure) => results.push(failure));
        expect(results, label).to.deep.equal([undefined]);
      }
    });

    it('should wait for a thenable that is not a Promise, an object or a function, and see its failure', async () => {
      const then = (_resolve: unknown, reject: (reason: unknown) => void): void => {
        setTimeout(reject, 10, cause);
      };
      const cause = new Error('thenable failed');
      for (const thenable of [{ then }, Object.assign(() => undefined, { then })]) {
        const emitter = createEmitter();
        emitter.on('recall', () => thenable);
        const failure = await call(emitter, RECALL, 1000);
        expect([failure?.code, failure?.cause], typeof thenable).to.deep.equal(['LISTENER_FAILED', cause]);
      }
    });

    it('should fail with the one that rejected when another async listener resolves', async () => {
      for (const order of ['rejects first', 'resolves first']) {
        const emitter = createEmitter();
        const cause = new Error('queue full');
        const resolving = async (): Promise<string> => {
          await sleep(order === 'rejects first' ? 20 : 1);
          return 'stored';
        };
        const rejecting = async (): Promise<never> => {
          await sleep(order === 'rejects first' ? 1 : 20);
          throw cause;
        };
        emitter.on('recall', resolving);
        emitter.on('recall', rejecting);
        const failure = await call(emitter, RECALL, 1000);
        expect([failure?.code, failure?.message, failure?.cause], order).to.deep.equal([
          'LISTENER_FAILED',
          'a recall listener failed',
          cause,
        ]);
      }
    });

    it('should count a listener that throws beside one that rejects as two failures, the thrown one first', async () => {
      const emitter = createEmitter();
      const rejected = new Error('rejected');
      const thrown = new Error('thrown');
      emitter.on('recall', () => Promise.reject(rejected));
      emitter.on('recall', () => {
        throw thrown;
      });
      const failure = await call(emitter, RECALL, 1000);
      expect([failure?.message, failure?.cause]).to.deep.equal(['2 recall listeners failed', thrown]);
    });

    it('should report LISTENER_TIMEOUT when a listener outlives timeoutMs, and not wait for it', async () => {
      const emitter = createEmitter();
      emitter.on('recall', () => new Promise(() => undefined));
      const started = process.hrtime.bigint();
      const failure = await call(emitter, RECALL, 50);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      expect(failure?.message).to.equal('listeners did not finish within 50 ms');
      expect(elapsedMs).to.be.at.least(45);
    });

    it('should report LISTENER_TIMEOUT when a synchronous listener works past timeoutMs, though it returned', async () => {
      for (const returned of [undefined, Promise.resolve(), null]) {
        const emitter = createEmitter();
        emitter.on('recall', () => {
          busyFor(60);
          return returned;
        });
        const failure = await call(emitter, RECALL, 30);
        expect([failure?.code, failure?.message]).to.deep.equal([
          'LISTENER_TIMEOUT',
          'listeners did not finish within 30 ms',
        ]);
      }
    });

    it('should count the time synchronous listeners took against what async ones are given', async () => {
      const emitter = createEmitter();
      let slept: Promise<unknown> = Promise.resolve();
      emitter.on('recall', () => {
        busyFor(40);
      });
      emitter.on('recall', () => (slept = sleep(40)));
      const failure = await call(emitter, RECALL, 60);
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      // Its timer must not outlive the test, where later tests count timers.
      await slept;
      const quick = createEmitter();
      quick.on('recall', () => {
        busyFor(5);
      });
      quick.on('recall', () => sleep(5));
      expect(await call(quick, RECALL, 500)).to.equal(undefined);
    });

    it('should answer by timeoutMs when a synchronous listener took part of it and another never settles', async () => {
      const emitter = createEmitter();
      emitter.on('recall', () => {
        busyFor(300);
      });
      emitter.on('recall', () => new Promise(() => undefined));
      const started = performance.now();
      const failure = await call(emitter, RECALL, 400);
      const elapsedMs = performance.now() - started;
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      // The 100 ms left after the synchronous one, not 400 more.
      expect(elapsedMs).to.be.below(650);
    });

    it('should take listeners that took exactly timeoutMs as on time, and a millisecond more as late', () => {
      // The listeners are timed on the monotonic clock.
      let now = performance.now();
      performance.now = () => now;
      try {
        for (const [tookMs, expected] of [
          [30, undefined],
          [31, 'LISTENER_TIMEOUT'],
        ] as const) {
          const emitter = createEmitter();
          emitter.on('recall', () => {
            now += tookMs;
          });
          const results: (string | undefined)[] = [];
          callListeners({ emitter, timeoutMs: 30, log }, RECALL, (failure) => results.push(failure?.code));
          expect(results, `${String(tookMs)} ms`).to.deep.equal([expected]);
        }
      } finally {
        // The prototype's own again.
        delete (performance as { now?: unknown }).now;
      }
    });

    it('should leave no timer behind once delivered, on time or late', async () => {
      // Mocha arms its own test timer once the test function has returned its promise.
      await Promise.resolve();
      const before = timeoutCount();
      const quick = createEmitter();
      quick.on('recall', async () => sleep(1));
      await call(quick, RECALL, 60_000);
      const stuck = createEmitter();
      stuck.on('recall', () => new Promise(() => undefined));
      await call(stuck, RECALL, 10);
      expect(timeoutCount()).to.equal(before);
    });

    it('should not turn a listener that rejects after the deadline into an unhandled rejection', async () => {
      const emitter = createEmitter();
      emitter.on('recall', async () => {
        await sleep(30);
        throw new Error('too late');
      });
      let failure: Awaited<ReturnType<typeof call>>;
      const unhandled = await unhandledDuring(async () => {
        failure = await call(emitter, RECALL, 5);
        await sleep(50);
      });
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
    });

    it('should call a once listener for one delivery only', async () => {
      const emitter = createEmitter();
      let calls = 0;
      emitter.once('recall', () => {
        calls += 1;
      });
      await call(emitter, RECALL, 100);
      await call(emitter, RECALL, 100);
      expect(calls).to.equal(1);
      expect(emitter.listenerCount('recall')).to.equal(0);
    });

    it('should call listeners with the emitter as this, as emit does', async () => {
      const emitter = createEmitter();
      const receivers: unknown[] = [];
      emitter.on('recall', function (this: unknown) {
        receivers.push(this);
      });
      await call(emitter, RECALL, 100);
      expect(receivers).to.have.lengthOf(1);
      expect(receivers[0]).to.equal(emitter);
    });
  });

  describe('report()', () => {
    it('should emit the error as rejected', () => {
      const emitter = createEmitter();
      const error = new RecallWebhookError('SIGNATURE_INVALID', 'Sign does not match');
      const seen: unknown[] = [];
      emitter.on('rejected', (e) => seen.push(e));
      report({ emitter, log }, 'rejected', () => [error]);
      expect(seen).to.deep.equal([error]);
    });

    it('should make what the event carries only when someone listens, and once for all listeners', () => {
      const emitter = createEmitter();
      let made = 0;
      const argsOf = (): [RecallWebhookError] => {
        made += 1;
        return [new RecallWebhookError('SIGNATURE_INVALID', 'Sign does not match')];
      };
      report({ emitter, log }, 'rejected', argsOf);
      expect(made).to.equal(0);
      const seen: unknown[] = [];
      emitter.on('rejected', (e) => seen.push(e));
      emitter.on('rejected', (e) => seen.push(e));
      report({ emitter, log }, 'rejected', argsOf);
      expect(made).to.equal(1);
      expect(seen).to.have.lengthOf(2);
      expect(seen[0]).to.equal(seen[1]);
    });

    it('should emit the event as duplicate', () => {
      const emitter = createEmitter();
      const seen: unknown[] = [];
      emitter.on('duplicate', (e) => seen.push(e));
      report({ emitter, log }, 'duplicate', () => [EVENT]);
      expect(seen).to.deep.equal([EVENT]);
    });

    describe('with listeners that fail', () => {
      const lines = captureLog();

      it('should log nothing of listeners that succeed, at once or later, and log one that fails', async () => {
        const emitter = createEmitter();
        emitter.on('rejected', () => 'fine');
        emitter.on('rejected', () => sleep(5).then(() => 'fine later'));
        emitter.on('rejected', () => Promise.reject(new Error('metrics down')));
        report({ emitter, log }, 'rejected', () => [
          new RecallWebhookError('SIGNATURE_INVALID', 'Sign does not match'),
        ]);
        await sleep(20);
        expect(messagesOf(lines)).to.deep.equal(['a rejected listener failed: metrics down']);
      });

      it('should log listeners still running at the deadline', async () => {
        const emitter = createEmitter();
        let slow: Promise<unknown> = Promise.resolve();
        emitter.on('recall', () => (slow = sleep(80)));
        await call(emitter, RECALL, 20);
        await slow;
        expect(messagesOf(lines)).to.deep.equal(['listeners still running after 20 ms']);
      });

      for (const event of ['rejected', 'duplicate'] as const) {
        for (const [thrown, make] of THROWABLES) {
          for (const [how, fail] of FAILURES) {
            it(`should survive a ${event} listener that ${how} ${thrown}: nothing thrown, nothing unhandled, the failure logged`, async () => {
              const emitter = createEmitter();
              emitter.on(event, () => fail(make()));
              const after: unknown[] = [];
              emitter.on(event, (value: unknown) => after.push(value));
              const unhandled = await unhandledDuring(() => {
                expect(() => {
                  if (event === 'rejected')
                    report({ emitter, log }, event, () => [new RecallWebhookError('BODY_INVALID', 'x')]);
                  else report({ emitter, log }, event, () => [EVENT]);
                }).not.to.throw();
              });
              expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
              expect(after, 'the next listener still runs').to.have.length(1);
              expect(lines.filter((line) => line.includes(`a ${event} listener failed`))).to.have.length(1);
            });
          }
        }
      }

      it('should not let an emitter with captureRejections turn a rejection into an error event that ends the process', async () => {
        const emitter = new EventEmitter({ captureRejections: true }) as unknown as RecallEmitter;
        emitter.on('rejected', async () => {
          await sleep(1);
          throw new Error('metrics down');
        });
        const unhandled = await unhandledDuring(() => {
          report({ emitter, log }, 'rejected', () => [new RecallWebhookError('BODY_INVALID', 'x')]);
        });
        expect(unhandled).to.deep.equal({ rejections: [], exceptions: [] });
      });

      it('should call a listener that never settles and return, waiting for nothing', () => {
        const emitter = createEmitter();
        const called: unknown[] = [];
        emitter.on('duplicate', (event) => {
          called.push(event);
          return new Promise(() => undefined);
        });
        // Synchronous: the listener ran, and its promise stays pending.
        report({ emitter, log }, 'duplicate', () => [EVENT]);
        expect(called).to.deep.equal([EVENT]);
      });

      it('should survive an emitter whose rawListeners throws, logging it', () => {
        const emitter = createEmitter();
        emitter.rawListeners = () => {
          throw new Error('broken emitter');
        };
        expect(() => {
          report({ emitter, log }, 'rejected', () => [new RecallWebhookError('BODY_INVALID', 'x')]);
        }).not.to.throw();
        expect(lines.some((line) => line.includes('a rejected listener failed: broken emitter'))).to.equal(true);
      });

      it('should call a once listener once, with the emitter as this, as emit does', () => {
        const emitter = createEmitter();
        const seen: unknown[] = [];
        emitter.once('duplicate', function (this: unknown) {
          seen.push(this);
        });
        report({ emitter, log }, 'duplicate', () => [EVENT]);
        report({ emitter, log }, 'duplicate', () => [EVENT]);
        expect(seen).to.deep.equal([emitter]);
      });
    });
  });
});

/** Keeps the thread busy for `ms`, as synchronous work in a listener does. */
function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy on purpose.
  }
}
