import { expect } from 'chai';
import express from 'express';
import fc from 'fast-check';
import type { RecallWebhookError } from '../../lib/core/errors.js';
import type { AnyRecallEvent, RecallEmitter } from '../../lib/core/events.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { recallWebhook } from '../../lib/adapters/express.js';
import { recallFetchHandler } from '../../lib/adapters/fetch.js';
import { memoryStore } from '../../lib/stores/memory.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen, rawPost } from '../helpers/http.js';
import { LOAD } from './figures.js';
import { cases, succeeds, type Behaviour, type Case, type Listeners } from './generators.js';
import { judge, ORACLE_APP_ID, ORACLE_LIMIT, ORACLE_TOKEN, type Verdict } from './oracle.js';

// Hostile and random input, and app listeners that fail at random, judged against an independent
// oracle: every request is answered with the protocol's JSON (or handed on), never a 500, a crash
// or a hang; an event fires if and only if the request is a valid, authentic callback, and then
// with exactly the body sent, once until a listener succeeded with it (dedupe); no prototype
// changes; no unhandled rejection, whatever a listener of any event throws, rejects or leaves
// unsettled. Seeded, so a failure can be replayed.

const SEED = 20261126;
// Short, so that listeners that never settle cost little.
const TIMEOUT_MS = 50;
const options = () =>
  ({
    sdkAppId: ORACLE_APP_ID,
    token: ORACLE_TOKEN,
    limit: ORACLE_LIMIT,
    timeoutMs: TIMEOUT_MS,
    commands: [...RECALL_COMMANDS],
    dedupe: { store: memoryStore() },
  }) as const;
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

interface Seen {
  /** Every event of a recall command, under its name. */
  recalls: { name: string; event: AnyRecallEvent }[];
  rejections: RecallWebhookError[];
  duplicates: AnyRecallEvent[];
}

/** What a listener does, as `behaviour` says; a non-error is thrown as app code may throw anything. */
function act(behaviour: Behaviour): unknown {
  switch (behaviour) {
    case 'returns':
      return undefined;
    case 'resolves':
      return sleep(1);
    case 'throws':
      throw new Error('listener bug');
    case 'throws a non-error':
      throw Object.create(null);
    case 'rejects':
      return Promise.reject(new Error('listener bug'));
    case 'rejects later':
      return sleep(2).then(() => Promise.reject(new Error('listener bug')));
    case 'hangs':
      return new Promise(() => undefined);
  }
}

/** Records every event, each after the app's listener of it did what `listeners` says. */
function record(events: RecallEmitter, listeners: Listeners): Seen {
  const seen: Seen = { recalls: [], rejections: [], duplicates: [] };
  for (const name of ['recall', 'groupRecall', 'officialAccountRecall'] as const) {
    events.on(name, (event: AnyRecallEvent) => {
      seen.recalls.push({ name, event });
      return act(listeners.recall);
    });
  }
  events.on('rejected', (error) => {
    seen.rejections.push(error);
    return act(listeners.rejected);
  });
  events.on('duplicate', (event) => {
    seen.duplicates.push(event);
    return act(listeners.duplicate);
  });
  return seen;
}

/**
 * Checks one answer against the oracle's verdict and the dedupe model (`handled`: the recalls,
 * named as the oracle names them, whose listener succeeded, which are duplicates from then on);
 * `passed` says whether the request was handed on.
 */
function check(
  verdict: Verdict,
  listeners: Listeners,
  handled: Set<string>,
  // `answersOther`: the adapter answers an authentic callback of another command (the fetch
  // handler, OK by default) rather than handing it on (Express's next()).
  response: { status: number; text: string; passed: boolean; answersOther: boolean },
  seen: Seen,
): void {
  const { status, text, passed } = response;
  const OK_TEXT = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
  if (verdict.kind === 'pass' || verdict.kind === 'verified' || verdict.kind === 'checked') {
    // Handed on: Express's next(); the fetch handler answers an authentic callback OK by default.
    const answeredOk = status === 200 && text === OK_TEXT;
    const expected =
      verdict.kind === 'pass' ? passed : verdict.kind === 'checked' || response.answersOther ? answeredOk : passed;
    expect(expected, `${verdict.kind}: ${text}`).to.equal(true);
    expect(seen.recalls.length + seen.rejections.length + seen.duplicates.length).to.equal(0);
    return;
  }
  expect(status, text).to.equal(200);
  const answer = JSON.parse(text) as { ActionStatus: string; ErrorInfo: string; ErrorCode: number };
  expect(Object.keys(answer)).to.deep.equal(['ActionStatus', 'ErrorInfo', 'ErrorCode']);
  const OK_ANSWER = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };
  if (verdict.kind === 'refuse') {
    expect(answer.ErrorCode, text).to.equal(1);
    expect([seen.recalls.length, seen.rejections.length, seen.duplicates.length]).to.deep.equal([0, 1, 0]);
    return;
  }
  const { key } = verdict;
  if (handled.has(key)) {
    expect(answer, text).to.deep.equal(OK_ANSWER);
    expect([seen.recalls.length, seen.duplicates.length]).to.deep.equal([0, 1]);
    expect(seen.duplicates[0]?.body).to.deep.equal(verdict.body);
    return;
  }
  expect(seen.recalls.map(({ name }) => name)).to.deep.equal([verdict.event]);
  expect(seen.recalls[0]?.event.body).to.deep.equal(verdict.body);
  if (succeeds(listeners.recall)) {
    expect(answer, text).to.deep.equal(OK_ANSWER);
    handled.add(key);
  } else {
    const code = listeners.recall === 'hangs' ? 'LISTENER_TIMEOUT' : 'LISTENER_FAILED';
    expect(answer.ErrorInfo, text).to.match(new RegExp(`^${code}: `));
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
}

describe('hostile input (property-based)', function () {
  this.timeout(120_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  afterEach(() => {
    expect(unhandled).to.deep.equal([]);
  });

  it(`should answer ${String(LOAD.propertyCasesFetch)} random requests to the fetch handler as the oracle says`, async () => {
    const handler = recallFetchHandler(options());
    const handled = new Set<string>();
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(cases(now), async ({ method, query, body, listeners }: Case) => {
        const seen = record(handler.events, listeners);
        try {
          const init = method === 'GET' ? { method } : { method, body };
          const response = await handler(new Request(`http://receiver.test/callback?${query}`, init));
          const text = await response.text();
          const passed = response.status === 404 && text.includes('"NOT_HANDLED: ');
          const verdict = judge(method, query, body, Math.floor(Date.now() / 1000));
          check(verdict, listeners, handled, { status: response.status, text, passed, answersOther: true }, seen);
        } finally {
          handler.events.removeAllListeners();
        }
      }),
      { seed: SEED, numRuns: LOAD.propertyCasesFetch },
    );
  });

  it(`should answer ${String(LOAD.propertyCasesExpress)} random requests to the Express middleware over HTTP as the oracle says`, async () => {
    const recall = recallWebhook(options());
    const handled = new Set<string>();
    const app = express().use('/callback', recall);
    app.use((_req, res) => {
      res.status(404).json({ passedOn: true });
    });
    const running = await listen(app);
    const now = Math.floor(Date.now() / 1000);
    try {
      await fc.assert(
        fc.asyncProperty(cases(now), async ({ method, query, body, listeners }: Case) => {
          const seen = record(recall.events, listeners);
          try {
            // The exact bytes, on a connection of their own: a client library would re-encode them.
            const headers = { 'Content-Type': 'application/json' };
            const res = await rawPost(running.port, `/callback?${query}`, {
              method,
              headers,
              chunks: method === 'GET' ? [] : [Buffer.from(body)],
            });
            const verdict = judge(method, query, body, Math.floor(Date.now() / 1000));
            const passed = res.text === '{"passedOn":true}';
            check(
              verdict,
              listeners,
              handled,
              { status: res.status, text: res.text, passed, answersOther: false },
              seen,
            );
          } finally {
            recall.events.removeAllListeners();
          }
        }),
        { seed: SEED + 1, numRuns: LOAD.propertyCasesExpress },
      );
    } finally {
      await running.close();
    }
  });
});
