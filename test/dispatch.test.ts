import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliver as deliverTo, report } from '../lib/dispatch.js';
import { recallError, type RecallWebhookError } from '../lib/errors.js';
import { createEmitter, type RecallEmitter, type RecallEvent } from '../lib/events.js';
import { SAMPLE_WITH_UNREAD, SDK_APP_ID } from './fixtures/callbacks.js';

const EVENT: RecallEvent = {
  body: SAMPLE_WITH_UNREAD,
  sdkAppId: SDK_APP_ID,
  clientIp: undefined,
  optPlatform: undefined,
  platform: undefined,
  requestTime: undefined,
  eventTime: undefined,
  receivedAt: new Date(0),
};

/** deliver() as a promise of what it calls back with. */
function deliver(...args: [RecallEmitter, RecallEvent, number]): Promise<RecallWebhookError | undefined> {
  return new Promise((resolve) => {
    deliverTo(...args, resolve);
  });
}

/** Collects unhandled rejections while `run` goes on, and for a moment after. */
async function unhandledDuring(run: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  // Mocha's own handler would fail the test; this one records instead.
  const previous = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onRejection);
  try {
    await run();
    await sleep(20);
  } finally {
    process.off('unhandledRejection', onRejection);
    for (const listener of previous) process.on('unhandledRejection', listener);
  }
  return seen;
}

function timeoutCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('dispatch', () => {
  describe('deliver()', () => {
    it('should call back at once, in the same turn, when no listener returns a promise', () => {
      const emitter = createEmitter();
      emitter.on('recall', () => 'done');
      const results: unknown[] = [];
      deliverTo(emitter, EVENT, 100, (failure) => results.push(failure));
      expect(results).to.deep.equal([undefined]);
    });

    it('should succeed with no listeners', async () => {
      expect(await deliver(createEmitter(), EVENT, 100)).to.equal(undefined);
    });

    it('should give every listener the event', async () => {
      const emitter = createEmitter();
      const seen: RecallEvent[] = [];
      emitter.on('recall', (event) => seen.push(event));
      emitter.on('recall', (event) => seen.push(event));
      expect(await deliver(emitter, EVENT, 100)).to.equal(undefined);
      expect(seen).to.deep.equal([EVENT, EVENT]);
    });

    it('should wait for async listeners before resolving', async () => {
      const emitter = createEmitter();
      const steps: string[] = [];
      emitter.on('recall', async () => {
        await sleep(30);
        steps.push('listener done');
      });
      await deliver(emitter, EVENT, 1000);
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
      const failure = await deliver(emitter, EVENT, 100);
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
      let failure: Awaited<ReturnType<typeof deliver>>;
      const unhandled = await unhandledDuring(async () => {
        failure = await deliver(emitter, EVENT, 1000);
      });
      expect(failure?.code).to.equal('LISTENER_FAILED');
      expect(failure?.message).to.equal('2 recall listeners failed');
      expect(failure?.cause).to.equal(cause);
      expect(unhandled).to.deep.equal([]);
    });

    it('should report LISTENER_TIMEOUT when a listener outlives timeoutMs, and not wait for it', async () => {
      const emitter = createEmitter();
      emitter.on('recall', () => new Promise(() => undefined));
      const started = process.hrtime.bigint();
      const failure = await deliver(emitter, EVENT, 50);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      expect(failure?.message).to.equal('listeners did not finish within 50 ms');
      expect(elapsedMs).to.be.at.least(45);
    });

    it('should leave no timer behind once delivered, on time or late', async () => {
      // Mocha arms its own test timer once the test function has returned its promise.
      await Promise.resolve();
      const before = timeoutCount();
      const quick = createEmitter();
      quick.on('recall', async () => sleep(1));
      await deliver(quick, EVENT, 60_000);
      const stuck = createEmitter();
      stuck.on('recall', () => new Promise(() => undefined));
      await deliver(stuck, EVENT, 10);
      expect(timeoutCount()).to.equal(before);
    });

    it('should not turn a listener that rejects after the deadline into an unhandled rejection', async () => {
      const emitter = createEmitter();
      emitter.on('recall', async () => {
        await sleep(30);
        throw new Error('too late');
      });
      let failure: Awaited<ReturnType<typeof deliver>>;
      const unhandled = await unhandledDuring(async () => {
        failure = await deliver(emitter, EVENT, 5);
        await sleep(50);
      });
      expect(failure?.code).to.equal('LISTENER_TIMEOUT');
      expect(unhandled).to.deep.equal([]);
    });

    it('should call a once listener for one delivery only', async () => {
      const emitter = createEmitter();
      let calls = 0;
      emitter.once('recall', () => {
        calls += 1;
      });
      await deliver(emitter, EVENT, 100);
      await deliver(emitter, EVENT, 100);
      expect(calls).to.equal(1);
      expect(emitter.listenerCount('recall')).to.equal(0);
    });

    it('should call listeners with the emitter as this, as emit does', async () => {
      const emitter = createEmitter();
      const receivers: unknown[] = [];
      emitter.on('recall', function (this: unknown) {
        receivers.push(this);
      });
      await deliver(emitter, EVENT, 100);
      expect(receivers).to.have.lengthOf(1);
      expect(receivers[0]).to.equal(emitter);
    });
  });

  describe('report()', () => {
    it('should emit the error as rejected', () => {
      const emitter = createEmitter();
      const error = recallError('SIGNATURE_INVALID', 'Sign does not match');
      const seen: unknown[] = [];
      emitter.on('rejected', (e) => seen.push(e));
      report(emitter, 'rejected', error);
      expect(seen).to.deep.equal([error]);
    });

    it('should emit the event as duplicate', () => {
      const emitter = createEmitter();
      const seen: unknown[] = [];
      emitter.on('duplicate', (e) => seen.push(e));
      report(emitter, 'duplicate', EVENT);
      expect(seen).to.deep.equal([EVENT]);
    });

    it('should survive a rejected listener that throws', () => {
      const emitter = createEmitter();
      emitter.on('rejected', () => {
        throw new Error('logger broke');
      });
      expect(() => {
        report(emitter, 'rejected', recallError('BODY_INVALID', 'x'));
      }).not.to.throw();
    });
  });
});
