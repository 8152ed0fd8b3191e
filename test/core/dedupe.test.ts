import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { DedupeStore } from '../../lib/core/dedupe-store.js';
import type { AnyRecallEvent } from '../../lib/core/events.js';
import { memoryStore } from '../../lib/stores/memory.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
  type RecallCommand,
} from '../../lib/protocol/commands.js';
import { sampleCallback, sampleGroupRecall, sampleOfficialAccountRecall } from '../../lib/testing/sample.js';
import type { DedupeOptions, RecallWebhookOptions } from '../../lib/options/options.js';
import { receiverUrl, SAMPLE_BODY_TEXT, SAMPLE_WITH_UNREAD, SDK_APP_ID, TOKEN } from '../fixtures/callbacks.js';
import { ADAPTERS } from '../helpers/adapters.js';
import { buildApp, OK, type TestApp } from '../helpers/app.js';
import { captureLog, messagesOf } from '../helpers/log.js';

/** An app with `dedupe` on, recording `'duplicate'` events too. */
function dedupeApp(dedupe: DedupeOptions, options: Partial<RecallWebhookOptions> = {}) {
  const target = buildApp({ dedupe, ...options });
  const duplicates: AnyRecallEvent[] = [];
  target.recall.events.on('duplicate', (event) => duplicates.push(event));
  return { ...target, duplicates };
}

function post(target: TestApp, body = SAMPLE_BODY_TEXT, sdkAppId = SDK_APP_ID) {
  return request(target.app).post(receiverUrl({ sdkAppId })).type('json').send(body);
}

function fail(code: string, reason: string) {
  return { ActionStatus: 'FAIL', ErrorInfo: `${code}: ${reason}`, ErrorCode: 1 };
}

/** A store whose claim does what `claim` says, recording every call. */
function scriptedStore(claim: DedupeStore['claim'], release: DedupeStore['release'] = () => Promise.resolve()) {
  const calls = { claims: [] as string[], releases: [] as string[] };
  const store: DedupeStore = {
    claim(key, owner, ttlMs) {
      calls.claims.push(key);
      return claim(key, owner, ttlMs);
    },
    release(key, owner) {
      calls.releases.push(key);
      return release(key, owner);
    },
  };
  return { store, calls };
}

/** A store whose claim answers only when the test grants it. */
function hangingStore() {
  let answer: (claimed: boolean) => void = () => undefined;
  const scripted = scriptedStore(
    () =>
      new Promise((resolve) => {
        answer = resolve;
      }),
  );
  return {
    ...scripted,
    grant: (claimed: boolean) => {
      answer(claimed);
    },
  };
}

describe('dedupe', () => {
  it('should answer a duplicate OK and emit it as duplicate, not as recall', async () => {
    const target = dedupeApp({ store: memoryStore() });
    expect((await post(target)).body).to.deep.equal(OK);
    expect((await post(target)).body).to.deep.equal(OK);
    expect(target.recalls).to.have.length(1);
    expect(target.duplicates).to.have.length(1);
    expect(target.duplicates[0]?.body).to.deep.equal(SAMPLE_WITH_UNREAD);
    expect(target.rejections).to.deep.equal([]);
  });

  it('should emit one recall of many copies arriving at once', async () => {
    const target = dedupeApp({ store: memoryStore() });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(target)));
    expect(answers.map((res) => res.body as unknown)).to.deep.equal(Array(20).fill(OK));
    expect(target.recalls).to.have.length(1);
    expect(target.duplicates).to.have.length(19);
  });

  it('should tell apart recalls of other messages and the same MsgKey of another SdkAppid', async () => {
    const other = SDK_APP_ID + 1;
    const target = dedupeApp({ store: memoryStore() }, { sdkAppId: [SDK_APP_ID, other] });
    await post(target);
    await post(target, JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: 'another' }));
    await post(target, SAMPLE_BODY_TEXT, other);
    expect(target.recalls.map((e) => `${String(e.sdkAppId)} ${e.body.MsgKey}`)).to.deep.equal([
      `${String(SDK_APP_ID)} ${SAMPLE_WITH_UNREAD.MsgKey}`,
      `${String(SDK_APP_ID)} another`,
      `${String(other)} ${SAMPLE_WITH_UNREAD.MsgKey}`,
    ]);
    expect(target.duplicates).to.deep.equal([]);
  });

  it('should handle the retry of a recall whose listener failed', async () => {
    const target = dedupeApp({ store: memoryStore() });
    let calls = 0;
    target.recall.events.on('recall', () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
    });
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_FAILED', 'a recall listener failed'));
    expect((await post(target)).body).to.deep.equal(OK);
    expect((await post(target)).body).to.deep.equal(OK);
    expect(calls).to.equal(2);
    expect(target.duplicates).to.have.length(1);
  });

  it('should handle the retry of a recall whose listener timed out', async () => {
    const target = dedupeApp({ store: memoryStore() }, { timeoutMs: 100 });
    let calls = 0;
    let slow: Promise<unknown> = Promise.resolve();
    target.recall.events.on('recall', () => {
      calls += 1;
      if (calls > 1) return undefined;
      slow = sleep(300);
      return slow;
    });
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_TIMEOUT', 'listeners did not finish within 100 ms'));
    expect((await post(target)).body).to.deep.equal(OK);
    expect(calls).to.equal(2);
    // Its timer must not outlive the test, where later tests count timers.
    await slow;
  });

  it('should handle the retry of a recall whose synchronous listener worked past timeoutMs', async () => {
    const target = dedupeApp({ store: memoryStore() }, { timeoutMs: 50 });
    let calls = 0;
    target.recall.events.on('recall', () => {
      calls += 1;
      if (calls > 1) return;
      const until = Date.now() + 120;
      while (Date.now() < until) {
        // Synchronous work that cannot be interrupted.
      }
    });
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_TIMEOUT', 'listeners did not finish within 50 ms'));
    expect((await post(target)).body).to.deep.equal(OK);
    expect(calls).to.equal(2);
  });

  it('should give async listeners what is left of timeoutMs after the claim, not less', async () => {
    // The claim takes 30 ms of the 300; a listener that takes 100 ms more is on time.
    const memory = memoryStore();
    const { store } = scriptedStore(async (key, owner, ttl) => {
      await sleep(30);
      return memory.claim(key, owner, ttl);
    });
    const target = dedupeApp({ store }, { timeoutMs: 300 });
    target.recall.events.on('recall', () => sleep(100));
    expect((await post(target)).body).to.deep.equal(OK);
    expect(target.recalls).to.have.length(1);
  });

  it('should count the claim against timeoutMs: listeners get only what is left', async () => {
    const memory = memoryStore();
    const { store } = scriptedStore(async (key, owner, ttl) => {
      await sleep(150);
      return memory.claim(key, owner, ttl);
    });
    const target = dedupeApp({ store }, { timeoutMs: 200 });
    let slow: Promise<unknown> = Promise.resolve();
    target.recall.events.on('recall', () => (slow = sleep(120)));
    // 150 ms went to the claim: a listener of 120 ms would have been on time with all 200.
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_TIMEOUT', 'listeners did not finish within 200 ms'));
    await slow;
  });

  it('should answer FAIL only once the failed claim is released, however long releasing takes', async () => {
    const memory = memoryStore();
    const order: string[] = [];
    const { store } = scriptedStore(
      (key, owner, ttl) => memory.claim(key, owner, ttl),
      async (key, owner) => {
        await sleep(50);
        await memory.release(key, owner);
        order.push('released');
      },
    );
    const target = dedupeApp({ store });
    let calls = 0;
    target.recall.events.on('recall', () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
    });
    const first = await post(target);
    order.push('answered');
    expect(first.body).to.deep.equal(fail('LISTENER_FAILED', 'a recall listener failed'));
    expect(order).to.deep.equal(['released', 'answered']);
    // So the retry that FAIL invites, sent at once, is handled rather than taken for a duplicate.
    expect((await post(target)).body).to.deep.equal(OK);
    expect(calls).to.equal(2);
    expect(target.duplicates).to.have.length(0);
  });

  it('should not wait past timeoutMs for a release that hangs', async () => {
    const memory = memoryStore();
    const { store, calls } = scriptedStore(
      (key, owner, ttl) => memory.claim(key, owner, ttl),
      () => new Promise<void>(() => undefined),
    );
    const target = dedupeApp({ store }, { timeoutMs: 100 });
    target.recall.events.on('recall', () => {
      throw new Error('database down');
    });
    const started = Date.now();
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_FAILED', 'a recall listener failed'));
    expect(Date.now() - started).to.be.below(1000);
    expect(calls.releases).to.have.length(1);
  });

  it('should answer DEDUPE_UNAVAILABLE and emit no recall when the store fails', async () => {
    const failures: DedupeStore['claim'][] = [
      () => Promise.reject(new Error('ECONNREFUSED redis://:secret@10.0.0.1')),
      () => {
        throw new Error('thrown before any promise');
      },
      // A store that answers something other than a boolean is broken, not saying "duplicate".
      () => Promise.resolve('OK' as unknown as boolean),
    ];
    for (const claim of failures) {
      const { store } = scriptedStore(claim);
      const target = dedupeApp({ store });
      const res = await post(target);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(fail('DEDUPE_UNAVAILABLE', 'the dedupe store failed'));
      expect(res.text).not.to.include('secret');
      expect(target.recalls).to.deep.equal([]);
      expect(target.rejections.map((e) => e.code)).to.deep.equal(['DEDUPE_UNAVAILABLE']);
    }
  });

  for (const late of [true, false]) {
    it(`should answer by storeTimeoutMs when the store hangs, then ${late ? 'release a claim granted' : 'release nothing refused'} too late`, async () => {
      const { store, calls, grant } = hangingStore();
      const target = dedupeApp({ store, storeTimeoutMs: 50 });
      const started = Date.now();
      const res = await post(target);
      expect(res.body).to.deep.equal(fail('DEDUPE_UNAVAILABLE', 'the dedupe store did not answer in time'));
      expect(Date.now() - started).to.be.below(1000);
      expect(target.recalls).to.deep.equal([]);
      grant(late);
      await sleep(10);
      expect(calls.releases).to.deep.equal(late ? calls.claims : []);
    });
  }

  it('should emit the recall when the store fails and failOpen is set', async () => {
    const { store } = scriptedStore(() => Promise.reject(new Error('down')));
    const target = dedupeApp({ store, failOpen: true });
    expect((await post(target)).body).to.deep.equal(OK);
    expect(target.recalls).to.have.length(1);
  });

  it('should still answer when releasing fails, keeping the claim until its TTL', async () => {
    const memory = memoryStore();
    const store: DedupeStore = {
      claim: (key, owner, ttl) => memory.claim(key, owner, ttl),
      release: () => Promise.reject(new Error('down')),
    };
    const target = dedupeApp({ store });
    target.recall.events.on('recall', () => {
      throw new Error('listener');
    });
    expect((await post(target)).body).to.deep.equal(fail('LISTENER_FAILED', 'a recall listener failed'));
    expect((await post(target)).body).to.deep.equal(OK);
    expect(target.duplicates).to.have.length(1);
  });

  it('should claim nothing for a request it refuses', async () => {
    const { store, calls } = scriptedStore(() => Promise.resolve(true));
    const target = buildApp({ token: TOKEN, dedupe: { store } });
    await request(target.app)
      .post(receiverUrl({ token: 'wrong' }))
      .type('json')
      .send(SAMPLE_BODY_TEXT);
    await request(target.app)
      .post(receiverUrl({ token: TOKEN }))
      .type('json')
      .send('{"CallbackCommand":1}');
    expect(calls.claims).to.deep.equal([]);
    expect(target.recalls).to.deep.equal([]);
  });

  it('should claim for the configured TTL, keyed by SdkAppid and MsgKey', async () => {
    const seen: [string, number][] = [];
    const { store } = scriptedStore((key, _owner, ttlMs) => {
      seen.push([key, ttlMs]);
      return Promise.resolve(true);
    });
    await post(dedupeApp({ store, ttlSeconds: 90 }));
    await post(dedupeApp({ store }));
    expect(seen).to.deep.equal([
      [`${String(SDK_APP_ID)}:${SAMPLE_WITH_UNREAD.MsgKey}`, 90_000],
      [`${String(SDK_APP_ID)}:${SAMPLE_WITH_UNREAD.MsgKey}`, 3_600_000],
    ]);
  });

  it('should key a MsgKey over 128 bytes of UTF-8 by its SHA-256, whatever its characters', async () => {
    const keys: string[] = [];
    const { store } = scriptedStore((key) => {
      keys.push(key);
      return Promise.resolve(true);
    });
    const target = dedupeApp({ store });
    // 42 three-byte characters are 126 bytes, 43 are 129: the default schema takes both.
    for (const MsgKey of ['你'.repeat(42), '你'.repeat(43), `${'你'.repeat(42)}ab`, `${'你'.repeat(42)}abc`]) {
      expect((await post(target, JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey }))).body).to.deep.equal(OK);
    }
    const app = String(SDK_APP_ID);
    expect(keys[0]).to.equal(`${app}:${'你'.repeat(42)}`);
    expect(keys[1]).to.match(new RegExp(`^${app}#[A-Za-z0-9_-]{43}$`));
    expect(keys[2]).to.equal(`${app}:${'你'.repeat(42)}ab`);
    expect(keys[3]).to.match(new RegExp(`^${app}#[A-Za-z0-9_-]{43}$`));
  });

  it('should key a MsgKey over 128 characters by its SHA-256, so a claim stays small whatever a schema lets through', async () => {
    const keys: string[] = [];
    const { store } = scriptedStore((key) => {
      keys.push(key);
      return Promise.resolve(true);
    });
    const unbounded = (schema: Record<string, unknown>) => ({
      ...schema,
      properties: { ...(schema.properties as object), MsgKey: { type: 'string' } },
    });
    const target = dedupeApp({ store }, { schema: unbounded, limit: '64kb' });
    const long = 'k'.repeat(16_384);
    for (const MsgKey of ['k'.repeat(128), `${long}a`, `${long}b`, `${long}a`]) {
      expect((await post(target, JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey }))).body).to.deep.equal(OK);
    }
    const app = String(SDK_APP_ID);
    expect(keys[0]).to.equal(`${app}:${'k'.repeat(128)}`);
    for (const key of keys.slice(1)) expect(key).to.match(new RegExp(`^${app}#[A-Za-z0-9_-]{43}$`));
    expect(keys[1]).not.to.equal(keys[2]);
    expect(keys[1]).to.equal(keys[3]);
    // As keys have always been written, so that claims already in a store stay valid.
    expect(keys[1]).to.equal(`${app}#${createHash('sha256').update(`${long}a`).digest('base64url')}`);
  });

  it("should key each command's recalls apart: the group, topic and MsgSeq list; the account and MsgKey list", async () => {
    const keys: string[] = [];
    const { store } = scriptedStore((key) => {
      keys.push(key);
      return Promise.resolve(true);
    });
    const target = dedupeApp({ store }, { commands: [...RECALL_COMMANDS] });
    const send = (command: RecallCommand, body: object) =>
      request(target.app)
        .post(receiverUrl({ callbackCommand: command }))
        .type('json')
        .send(JSON.stringify(body));
    const many = Array.from({ length: 10 }, (_, MsgSeq) => ({ MsgSeq: 1_000_000 + MsgSeq }));
    for (const [command, body] of [
      [GROUP_RECALL_COMMAND, sampleGroupRecall()],
      [GROUP_RECALL_COMMAND, sampleGroupRecall({ GroupId: 'g' }, 'international-docs')],
      [GROUP_RECALL_COMMAND, sampleGroupRecall({ MsgSeqList: many })],
      [OFFICIAL_ACCOUNT_RECALL_COMMAND, sampleOfficialAccountRecall()],
      // A one-to-one MsgKey that spells a group recall's identity stays in its own space.
      [RECALL_COMMAND, { ...SAMPLE_WITH_UNREAD, MsgKey: '/group:["g",null,[130]]' }],
    ] as const) {
      expect((await send(command, body)).body).to.deep.equal(OK);
    }
    const app = String(SDK_APP_ID);
    expect(keys.slice(0, 2)).to.deep.equal([
      `${app}/group:["1213456","@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic",[130]]`,
      `${app}/group:["g",null,[130]]`,
    ]);
    // Ten MsgSeqs with the topic run over 128 characters: kept as a SHA-256.
    expect(keys[2]).to.match(new RegExp(`^${app}/group#[A-Za-z0-9_-]{43}$`));
    expect(keys.slice(3)).to.deep.equal([
      `${app}/officialAccount:["#TOA#_123",["71_1_1698741698"]]`,
      `${app}:/group:["g",null,[130]]`,
    ]);
  });

  it('should say which command a duplicate was of', async () => {
    const target = dedupeApp({ store: memoryStore() }, { commands: [...RECALL_COMMANDS] });
    for (let copy = 0; copy < 2; copy++) {
      for (const command of RECALL_COMMANDS) {
        const body = JSON.stringify(sampleCallback(command));
        expect(
          (
            await request(target.app)
              .post(receiverUrl({ callbackCommand: command }))
              .type('json')
              .send(body)
          ).body,
        ).to.deep.equal(OK);
      }
    }
    expect(target.emitted.map(({ name }) => name)).to.deep.equal(['recall', 'groupRecall', 'officialAccountRecall']);
    expect(target.duplicates.map(({ command }) => command)).to.deep.equal([...RECALL_COMMANDS]);
  });

  it('should keep working when a duplicate listener throws', async () => {
    const target = dedupeApp({ store: memoryStore() });
    target.recall.events.on('duplicate', () => {
      throw new Error('metrics down');
    });
    await post(target);
    expect((await post(target)).body).to.deep.equal(OK);
  });

  for (const adapter of ADAPTERS) {
    it(`should share claims between receivers through one store (${adapter.name})`, async () => {
      const store = memoryStore();
      const req = { method: 'POST', url: receiverUrl(), body: SAMPLE_BODY_TEXT };
      const duplicates: AnyRecallEvent[] = [];
      const first = await adapter.send({ dedupe: { store } }, () => undefined, req);
      const second = await adapter.send(
        { dedupe: { store } },
        (events) => events.on('duplicate', (event) => duplicates.push(event)),
        req,
      );
      expect([first.text, second.text]).to.deep.equal([JSON.stringify(OK), JSON.stringify(OK)]);
      expect([first.recalls.length, second.recalls.length, duplicates.length]).to.deep.equal([1, 0, 1]);
    });
  }

  it('should answer INTERNAL_ERROR, not throw, when the emitter of the app breaks once the claim is taken', async () => {
    const memory = memoryStore();
    const { store, calls } = scriptedStore(
      (key, owner, ttl) => memory.claim(key, owner, ttl),
      (key, owner) => memory.release(key, owner),
    );
    const emitter = new EventEmitter();
    const rejected: string[] = [];
    emitter.on('rejected', (error: { code: string }) => rejected.push(error.code));
    emitter.rawListeners = (name) => {
      if (name === 'recall') throw new Error('broken emitter');
      return EventEmitter.prototype.rawListeners.call(emitter, name);
    };
    const target = buildApp({ dedupe: { store }, emitter });
    const res = await post(target);
    expect(res.body).to.deep.equal(fail('INTERNAL_ERROR', 'the receiver failed'));
    expect(rejected).to.deep.equal(['INTERNAL_ERROR']);
    expect(calls.claims).to.have.length(1);
  });

  describe('debug log', () => {
    const lines = captureLog();
    const KEY = `${String(SDK_APP_ID)}:${SAMPLE_WITH_UNREAD.MsgKey}`;

    it('should log a duplicate, and a claim released after its listener failed', async () => {
      const target = dedupeApp({ store: memoryStore() });
      target.recall.events.once('recall', () => {
        throw new Error('database down');
      });
      await post(target);
      await post(target);
      await post(target);
      expect(messagesOf(lines)).to.include.members([
        `dedupe claim on ${KEY} released (LISTENER_FAILED)`,
        `recall ${KEY} is a duplicate`,
      ]);
    });

    it("should log why the store failed, a release that failed, and a late claim's release", async () => {
      const broken = scriptedStore(() => Promise.resolve('OK' as unknown as boolean));
      await post(dedupeApp({ store: broken.store }));
      const unreleasable = scriptedStore(
        () => Promise.resolve(true),
        () => Promise.reject(new Error('connection lost')),
      );
      const failing = dedupeApp({ store: unreleasable.store });
      failing.recall.events.on('recall', () => {
        throw new Error('database down');
      });
      await post(failing);
      const slow = hangingStore();
      await post(dedupeApp({ store: slow.store, storeTimeoutMs: 50 }));
      slow.grant(true);
      await sleep(10);
      expect(messagesOf(lines)).to.include.members([
        `dedupe store failed for ${KEY}: claim() resolved string, not a boolean`,
        `dedupe release of ${KEY} (LISTENER_FAILED) failed: connection lost`,
        `dedupe store did not answer in time for ${KEY}: timeout`,
        `dedupe claim on ${KEY} released (claimed too late)`,
      ]);
    });
  });
});
