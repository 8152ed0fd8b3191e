import { expect } from 'chai';
import type { RecallEmitter } from '../../lib/core/events.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { RECALL_COMMAND, type RecallCommand } from '../../lib/protocol/commands.js';
import { sampleCallback } from '../../lib/testing/sample.js';
import { receiverUrl } from '../fixtures/callbacks.js';
import { ADAPTERS, type TableResult } from './adapters.js';

// A table of the protocol's steps and error codes, run against every adapter so that they cannot
// drift apart. Adapter-specific behaviour (body parsers, streams) is tested beside each.

/** One request of a behaviour table and what it must come to, on every adapter. */
export interface Row {
  readonly title: string;
  /** 'pass' when handed on, 'OK', or the FAIL answer's error code. */
  readonly expected: string;
  /**
   * The recall command the request is of: an accepted one is emitted under its event name, a
   * refused one names it in the rejected error.
   * @default 'C2C.CallbackAfterMsgWithDraw'
   */
  readonly command?: RecallCommand;
  readonly options?: Partial<RecallWebhookOptions>;
  readonly method?: string;
  readonly url?: () => string;
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  readonly setup?: (events: RecallEmitter) => void;
  /** More to check of the result. */
  readonly check?: (result: TableResult) => void;
}

const EVENTS: Readonly<Record<RecallCommand, string>> = {
  'C2C.CallbackAfterMsgWithDraw': 'recall',
  'Group.CallbackAfterRecallMsg': 'groupRecall',
  'OfficialAccount.CallbackAfterMsgWithDraw': 'officialAccountRecall',
};

/** Runs every row against every adapter, each as a test named by what it must do. */
export function runTable(name: string, rows: readonly Row[]): void {
  for (const adapter of ADAPTERS) {
    describe(`${name}: ${adapter.name}`, () => {
      for (const row of rows) {
        const command = row.command ?? RECALL_COMMAND;
        const event = EVENTS[command];
        const outcome =
          row.expected === 'pass'
            ? 'hand it on'
            : row.expected === 'OK'
              ? `answer OK and emit ${event}`
              : `answer FAIL with ${row.expected}`;
        it(`should ${outcome} for ${row.title}`, async () => {
          const request = {
            method: row.method ?? 'POST',
            url: row.url?.() ?? receiverUrl({ callbackCommand: command }),
            body: row.body ?? JSON.stringify(sampleCallback(command)),
            ...(row.headers === undefined ? {} : { headers: row.headers }),
          };
          const result = await adapter.send(row.options ?? {}, row.setup ?? (() => undefined), request);
          if (row.expected === 'pass') {
            expect(result.passed, result.text).to.equal(true);
            expect(result.emitted).to.have.length(0);
            expect(result.rejections).to.have.length(0);
          } else {
            expect(result.passed).to.equal(false);
            expect(result.status).to.equal(200);
            expect(result.contentType).to.equal('application/json; charset=utf-8');
            const answer = JSON.parse(result.text) as Record<string, unknown>;
            expect(Object.keys(answer)).to.deep.equal(['ActionStatus', 'ErrorInfo', 'ErrorCode']);
            if (row.expected === 'OK') {
              expect(answer).to.deep.equal({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
              expect(result.emitted.map((each) => each.name)).to.deep.equal([event]);
              expect(result.emitted[0]?.event.command).to.equal(command);
              expect(result.rejections).to.have.length(0);
            } else {
              expect(answer).to.deep.include({ ActionStatus: 'FAIL', ErrorCode: 1 });
              expect(answer.ErrorInfo).to.match(new RegExp(`^${row.expected}: \\S`));
              // A listener's failure comes after the event was emitted; every other failure, before.
              const emitted = row.expected.startsWith('LISTENER_') ? [event] : [];
              expect(result.emitted.map((each) => each.name)).to.deep.equal(emitted);
              expect(result.rejections.map((error) => error.code)).to.deep.equal([row.expected]);
              expect(result.rejections[0]?.command).to.equal(command);
              // Only a body that fails its checks has a field at fault.
              const bodyCheck = row.expected === 'BODY_INVALID' || row.expected === 'COMMAND_MISMATCH';
              expect(result.rejections[0]?.field).to.be.a(bodyCheck ? 'string' : 'undefined');
            }
          }
          row.check?.(result);
        });
      }
    });
  }
}
