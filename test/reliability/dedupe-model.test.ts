import { expect } from 'chai';
import fc from 'fast-check';
import type { DedupeStore } from '../../lib/core/dedupe-store.js';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { memoryStore } from '../../lib/stores/memory.js';
import { callbackQuery } from '../../lib/testing/query.js';
import { sampleRecall } from '../../lib/testing/sample.js';
import { LOAD } from './figures.js';

// Dedupe against a model of what it promises, over random sequences of deliveries: the same few
// recalls again and again, listeners that succeed or fail, and a store that is up or down.
// The model: a recall whose listeners succeeded is handled; a delivery of a handled recall is a
// duplicate (OK, no 'recall'); any other delivery emits 'recall', and its answer is the
// listeners' outcome; while the store is down, the answer is DEDUPE_UNAVAILABLE and nothing is
// emitted. Seeded, so a failure can be replayed.

const SEED = 20261127;
const APP = 1400000000;
const OK = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

interface Delivery {
  readonly key: string;
  readonly listener: 'succeeds' | 'throws' | 'rejects';
  readonly storeUp: boolean;
}

const delivery: fc.Arbitrary<Delivery> = fc.record({
  key: fc.constantFrom('a', 'b', 'c', 'd'),
  listener: fc.constantFrom('succeeds', 'succeeds', 'throws', 'rejects'),
  storeUp: fc.constantFrom(true, true, true, false),
});

/** A memory store that fails every call while `down` is set. */
function switchable(): { store: DedupeStore; setDown: (down: boolean) => void } {
  const memory = memoryStore();
  let down = false;
  const check = (): void => {
    if (down) throw new Error('store down');
  };
  return {
    store: {
      claim: async (key, owner, ttl) => {
        check();
        return memory.claim(key, owner, ttl);
      },
      release: async (key, owner) => {
        check();
        await memory.release(key, owner);
      },
    },
    setDown: (value) => {
      down = value;
    },
  };
}

describe('dedupe against its model (property-based)', function () {
  this.timeout(120_000);

  it(`should answer and emit as the model says, for ${LOAD.dedupeModelRuns.toLocaleString('en-US')} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 30 }), async (deliveries) => {
        const { store, setDown } = switchable();
        const handler = recallFetchHandler({ sdkAppId: APP, allowUnsigned: true, dedupe: { store } });
        let current: Delivery | undefined;
        let recalls = 0;
        let duplicates = 0;
        handler.events.on('recall', async () => {
          recalls += 1;
          if (current?.listener === 'throws') throw new Error('listener');
          if (current?.listener === 'rejects') await Promise.reject(new Error('listener'));
        });
        handler.events.on('duplicate', () => (duplicates += 1));
        const handled = new Set<string>();
        for (const next of deliveries) {
          current = next;
          setDown(!next.storeUp);
          const [before, duplicatesBefore] = [recalls, duplicates];
          const response = await handler(
            new Request(`https://receiver.test/callback?${callbackQuery({ sdkAppId: APP })}`, {
              method: 'POST',
              body: JSON.stringify(sampleRecall({ MsgKey: next.key })),
            }),
          );
          const answer = await response.text();
          if (!next.storeUp) {
            expect(answer).to.include('"ErrorInfo":"DEDUPE_UNAVAILABLE: the dedupe store failed"');
            expect(recalls).to.equal(before);
          } else if (handled.has(next.key)) {
            expect(answer).to.equal(OK);
            expect([recalls, duplicates]).to.deep.equal([before, duplicatesBefore + 1]);
          } else {
            expect(recalls).to.equal(before + 1);
            if (next.listener === 'succeeds') {
              expect(answer).to.equal(OK);
              handled.add(next.key);
            } else {
              expect(answer).to.include('"ErrorInfo":"LISTENER_FAILED: a recall listener failed"');
            }
          }
        }
      }),
      { seed: SEED, numRuns: LOAD.dedupeModelRuns },
    );
  });
});
