import { expect } from 'chai';
import express from 'express';
import fc from 'fast-check';
import type { RecallWebhookError } from '../../lib/errors.js';
import type { RecallEmitter, RecallEvent } from '../../lib/events.js';
import { recallWebhook } from '../../lib/express.js';
import { recallFetchHandler } from '../../lib/fetch-handler.js';
import { listen, rawPost } from '../helpers/http.js';
import { LOAD } from './figures.js';
import { cases, type Case } from './generators.js';
import { judge, ORACLE_APP_ID, ORACLE_LIMIT, ORACLE_TOKEN, type Verdict } from './oracle.js';

// Hostile and random input, judged against an independent oracle: every request is answered
// with the protocol's JSON (or handed on), never a 500, a crash or a hang; an event fires if and
// only if the request is a valid, authentic callback, and then with exactly the body sent; no
// prototype changes; no unhandled rejection. Seeded, so a failure can be replayed.

const SEED = 20261126;
const OPTIONS = { sdkAppId: ORACLE_APP_ID, token: ORACLE_TOKEN, limit: ORACLE_LIMIT } as const;
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

interface Seen {
  recalls: RecallEvent[];
  rejections: RecallWebhookError[];
}

function record(events: RecallEmitter): Seen {
  const seen: Seen = { recalls: [], rejections: [] };
  events.on('recall', (event) => seen.recalls.push(event));
  events.on('rejected', (error) => seen.rejections.push(error));
  return seen;
}

/** Checks one answer against the oracle's verdict; `passed` says whether the request was handed on. */
function check(verdict: Verdict, status: number, text: string, passed: boolean, seen: Seen): void {
  if (verdict.kind === 'pass') {
    expect(passed, `handed on: ${text}`).to.equal(true);
    expect(seen.recalls).to.have.length(0);
    expect(seen.rejections).to.have.length(0);
    return;
  }
  expect(status, text).to.equal(200);
  const answer = JSON.parse(text) as { ActionStatus: string; ErrorInfo: string; ErrorCode: number };
  expect(Object.keys(answer)).to.deep.equal(['ActionStatus', 'ErrorInfo', 'ErrorCode']);
  if (verdict.kind === 'recall') {
    expect(answer, text).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    expect(seen.recalls).to.have.length(1);
    expect(seen.recalls[0]?.body).to.deep.equal(verdict.body);
  } else {
    expect(answer.ErrorCode, text).to.equal(1);
    expect(seen.recalls).to.have.length(0);
    expect(seen.rejections).to.have.length(1);
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
    const handler = recallFetchHandler(OPTIONS);
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(cases(now), async ({ method, query, body }: Case) => {
        const seen = record(handler.events);
        try {
          const init = method === 'GET' ? { method } : { method, body };
          const response = await handler(new Request(`http://receiver.test/callback?${query}`, init));
          const text = await response.text();
          const passed = response.status === 404 && text.includes('"NOT_HANDLED: ');
          check(judge(method, query, body, Math.floor(Date.now() / 1000)), response.status, text, passed, seen);
        } finally {
          handler.events.removeAllListeners();
        }
      }),
      { seed: SEED, numRuns: LOAD.propertyCasesFetch },
    );
  });

  it(`should answer ${String(LOAD.propertyCasesExpress)} random requests to the Express middleware over HTTP as the oracle says`, async () => {
    const recall = recallWebhook(OPTIONS);
    const app = express().use('/callback', recall);
    app.use((_req, res) => {
      res.status(404).json({ passedOn: true });
    });
    const running = await listen(app);
    const now = Math.floor(Date.now() / 1000);
    try {
      await fc.assert(
        fc.asyncProperty(cases(now), async ({ method, query, body }: Case) => {
          const seen = record(recall.events);
          try {
            // The exact bytes, on a connection of their own: a client library would re-encode them.
            const headers = { 'Content-Type': 'application/json' };
            const res = await rawPost(running.port, `/callback?${query}`, {
              method,
              headers,
              chunks: method === 'GET' ? [] : [Buffer.from(body)],
            });
            check(
              judge(method, query, body, Math.floor(Date.now() / 1000)),
              res.status,
              res.text,
              res.text === '{"passedOn":true}',
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
