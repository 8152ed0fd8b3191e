import { expect } from 'chai';
import type { RecallEmitter } from '../../lib/core/events.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { RECALL_COMMAND, type RecallCommand } from '../../lib/protocol/commands.js';
import { sampleCallback } from '../../lib/testing/sample.js';
import { receiverUrl, SDK_APP_ID } from '../fixtures/callbacks.js';
import { OK } from './app.js';
import { ADAPTERS, type TableResult } from './adapters.js';

// A table of the protocol's steps and error codes, run against every adapter so that they cannot
// drift apart. Adapter-specific behaviour (body parsers, streams) is tested beside each.

/** One request of a behaviour table and what it must come to, on every adapter. */
export interface Row {
  readonly title: string;
  /**
   * 'pass' when handed on untouched; 'verified' when handed on as an authentic callback of another
   * command (`other`), with what was verified; 'OK' for a recall answered OK; 'checked' for a check
   * of the URL answered OK; or the FAIL answer's error code.
   */
  readonly expected: string;
  /**
   * The request is a callback of this other command, not a recall: its `CallbackCommand`, which a
   * refusal names.
   */
  readonly other?: string;
  /** The `callbackCommand` a refusal names, when it is not the request's (a name that is no command's is not echoed). */
  readonly rejectedCommand?: string | undefined;
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

const OUTCOMES: Readonly<Record<string, string>> = {
  pass: 'hand it on untouched',
  verified: 'hand it on with what it verified',
  OK: 'answer OK and emit $event',
  checked: 'answer OK, emitting nothing',
};

// A POST without CallbackCommand that is refused can only be one taken for a check of the URL.
const isCheck = (url: string): boolean => !new URL(url, 'http://x').searchParams.has('CallbackCommand');

/** Runs every row against every adapter, each as a test named by what it must do. */
export function runTable(name: string, rows: readonly Row[]): void {
  for (const adapter of ADAPTERS) {
    describe(`${name}: ${adapter.name}`, () => {
      for (const row of rows) {
        const command = row.command ?? RECALL_COMMAND;
        const event = EVENTS[command];
        const outcome = OUTCOMES[row.expected] ?? `answer FAIL with ${row.expected}`;
        it(`should ${outcome.replace('$event', event)} for ${row.title}`, async () => {
          const request = {
            method: row.method ?? 'POST',
            url: row.url?.() ?? receiverUrl({ callbackCommand: row.other ?? command }),
            body: row.body ?? JSON.stringify(sampleCallback(command)),
            ...(row.headers === undefined ? {} : { headers: row.headers }),
          };
          const result = await adapter.send(row.options ?? {}, row.setup ?? (() => undefined), request);
          if (row.expected === 'pass' || row.expected === 'verified') {
            expect(result.passed, result.text).to.equal(true);
            expect(result.emitted).to.have.length(0);
            expect(result.rejections).to.have.length(0);
            if (row.expected === 'pass') expect(result.verified).to.equal(undefined);
            else expect(result.verified).to.deep.include({ command: row.other, sdkAppId: SDK_APP_ID });
          } else if (row.expected === 'checked') {
            expect(result.status).to.equal(200);
            expect(JSON.parse(result.text)).to.deep.equal(OK);
            expect(result.emitted).to.have.length(0);
            expect(result.rejections).to.have.length(0);
            expect(result.verified).to.equal(undefined);
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
              // A refused check of the URL names no command.
              // A refused check of the URL names no command; one of another command names it apart.
              const named = 'rejectedCommand' in row ? row.rejectedCommand : (row.other ?? command);
              const check = isCheck(request.url);
              expect(result.rejections[0]?.callbackCommand).to.equal(check ? undefined : named);
              const recall = !check && row.other === undefined && !('rejectedCommand' in row);
              expect(result.rejections[0]?.command).to.equal(recall ? command : undefined);
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
