import { expect } from 'chai';
import { Ajv } from 'ajv';
import { resolveConfig } from '../../lib/options/resolve.js';
import {
  decideBody,
  decideQuery,
  type BodyInput,
  type CallbackContext,
  type RequestHead,
} from '../../lib/core/decide.js';
import type { ResolvedConfig } from '../../lib/core/config.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { RECALL_COMMAND } from '../../lib/protocol/commands.js';
import { MAX_QUERY_LENGTH } from '../../lib/protocol/query.js';
import { sampleGroupRecall } from '../../lib/testing/sample.js';
import {
  receiverUrl,
  SAMPLE_BODY_TEXT,
  SAMPLE_WITH_EVENT_TIME,
  SAMPLE_WITH_UNREAD,
  sampleWithByteInMsgKey,
  SDK_APP_ID,
  SIGN_VECTOR,
  TOKEN,
  type QueryParts,
  receiverOptions,
} from '../fixtures/callbacks.js';

const NOW = new Date(SIGN_VECTOR.requestTime * 1000);

function config(options: Partial<RecallWebhookOptions> = {}): ReturnType<typeof resolveConfig> {
  return resolveConfig(receiverOptions(options));
}

const PEER = '203.0.113.7';

/** A request's head as an adapter hands it over, from PEER. */
function head(method: string | undefined, url: string): RequestHead {
  return { method, url, remoteAddress: PEER };
}

/** The context the query step gives a callback of the sample query, to a receiver of `resolved`. */
function contextOf(resolved: ResolvedConfig): CallbackContext {
  const command = resolved.commands.get(RECALL_COMMAND);
  if (command === undefined) throw new Error('the one-to-one recall is not among the commands');
  return { ...CONTEXT_FIELDS, command };
}

const CONTEXT_FIELDS = {
  remoteAddress: PEER,
  sdkAppId: SDK_APP_ID,
  clientIp: '127.0.0.1',
  optPlatform: 'RESTAPI',
  requestTime: undefined,
  signedWith: undefined,
};

/** The decision's kind, or the error code of a refusal. */
function outcome(decision: ReturnType<typeof decideQuery> | ReturnType<typeof decideBody>): string {
  return decision.kind === 'reject' ? decision.error.code : decision.kind;
}

function queryOutcome(parts: QueryParts, options: Partial<RecallWebhookOptions> = {}, method = 'POST'): string {
  return outcome(
    decideQuery(
      config(options),
      head(method, receiverUrl({ requestTime: SIGN_VECTOR.requestTime, ...parts })),
      NOW.getTime(),
    ),
  );
}

function bodyOutcome(body: BodyInput, options: Partial<RecallWebhookOptions> = {}): string {
  return outcome(decideBody(contextOf(config(options)), body, NOW));
}

const text = (value: unknown): BodyInput => ({ text: JSON.stringify(value) });

describe('core', () => {
  describe('decideQuery()', () => {
    it('should pass on a request that is not a POST', () => {
      for (const method of ['GET', 'PUT', 'HEAD', 'post', undefined]) {
        expect(outcome(decideQuery(config(), head(method, receiverUrl()), NOW.getTime())), String(method)).to.equal(
          'pass',
        );
      }
    });

    it('should verify another command, and pass on no command at all, or any other with verifyOtherCommands: false', () => {
      expect(queryOutcome({ callbackCommand: 'C2C.CallbackAfterSendMsg' })).to.equal('verified');
      expect(queryOutcome({ callbackCommand: 'C2C.CallbackAfterSendMsg' }, { verifyOtherCommands: false })).to.equal(
        'pass',
      );
      expect(outcome(decideQuery(config(), head('POST', '/callback?SdkAppid=1400000000'), NOW.getTime()))).to.equal(
        'pass',
      );
      expect(outcome(decideQuery(config(), head('POST', '/callback'), NOW.getTime()))).to.equal('pass');
    });

    it('should claim, then refuse with QUERY_INVALID, a CallbackCommand given twice with the recall among them', () => {
      const url = `${receiverUrl()}&CallbackCommand=C2C.CallbackAfterSendMsg`;
      expect(outcome(decideQuery(config(), head('POST', url), NOW.getTime()))).to.equal('QUERY_INVALID');
      // Ours second: still claimed, whichever comes first.
      const second = receiverUrl().replace(
        'CallbackCommand=',
        'CallbackCommand=C2C.CallbackAfterSendMsg&CallbackCommand=',
      );
      expect(second).to.match(
        /CallbackCommand=C2C\.CallbackAfterSendMsg&CallbackCommand=C2C\.CallbackAfterMsgWithDraw/,
      );
      expect(outcome(decideQuery(config(), head('POST', second), NOW.getTime()))).to.equal('QUERY_INVALID');
    });

    it('should refuse a SdkAppid given twice with QUERY_INVALID, even if both are ours', () => {
      const url = `${receiverUrl()}&SdkAppid=${String(SDK_APP_ID)}`;
      const decision = decideQuery(config(), head('POST', url), NOW.getTime());
      expect(outcome(decision)).to.equal('QUERY_INVALID');
      expect(decision.kind === 'reject' && decision.error.message).to.equal('query.SdkAppid is given more than once');
    });

    it('should refuse a query without SdkAppid with QUERY_INVALID', () => {
      const url = `/callback?CallbackCommand=${RECALL_COMMAND}`;
      expect(outcome(decideQuery(config(), head('POST', url), NOW.getTime()))).to.equal('QUERY_INVALID');
    });

    it('should refuse another app with SDKAPPID_MISMATCH', () => {
      expect(queryOutcome({ sdkAppId: 1400000001 })).to.equal('SDKAPPID_MISMATCH');
      expect(queryOutcome({ sdkAppId: '01400000000' })).to.equal('SDKAPPID_MISMATCH');
    });

    it('should accept any of several configured apps and report which one', () => {
      const decision = decideQuery(
        config({ sdkAppId: [1400000000, '1400000001'] }),
        head('POST', receiverUrl({ sdkAppId: 1400000001 })),
        NOW.getTime(),
      );
      expect(decision.kind === 'read' && decision.context.sdkAppId).to.equal(1400000001);
    });

    it('should read the context of an unsigned callback when no token is configured', () => {
      const resolved = config();
      const decision = decideQuery(resolved, head('POST', receiverUrl()), NOW.getTime());
      expect(decision).to.deep.equal({ kind: 'read', context: contextOf(resolved) });
    });

    it('should ignore Sign and RequestTime when no token is configured', () => {
      expect(queryOutcome({ token: 'whatever', requestTime: 1 })).to.equal('read');
    });

    it('should verify a signed callback when a token is configured and report its RequestTime', () => {
      const decision = decideQuery(
        config({ token: TOKEN }),
        head('POST', receiverUrl({ token: TOKEN, requestTime: SIGN_VECTOR.requestTime })),
        NOW.getTime(),
      );
      expect(decision.kind === 'read' && decision.context.requestTime).to.equal(SIGN_VECTOR.requestTime);
    });

    it('should accept a callback signed with any token of a list, and say which signed it', () => {
      const signedBy = (tokens: readonly string[], token: string): unknown => {
        const decision = decideQuery(
          config({ token: tokens }),
          head('POST', receiverUrl({ token, requestTime: SIGN_VECTOR.requestTime })),
          NOW.getTime(),
        );
        return decision.kind === 'read' ? decision.context.signedWith : outcome(decision);
      };
      expect(signedBy([TOKEN], TOKEN)).to.equal(0);
      expect(signedBy(['old-token', TOKEN], TOKEN)).to.equal(1);
      expect(signedBy(['old-token', TOKEN], 'old-token')).to.equal(0);
      expect(signedBy(['old-token', TOKEN], 'another')).to.equal('SIGNATURE_INVALID');
    });

    it('should refuse an unsigned callback with SIGNATURE_MISSING when a token is configured', () => {
      expect(queryOutcome({}, { token: TOKEN })).to.equal('SIGNATURE_MISSING');
    });

    it('should refuse a callback signed with another token with SIGNATURE_INVALID', () => {
      expect(queryOutcome({ token: 'another' }, { token: TOKEN })).to.equal('SIGNATURE_INVALID');
    });

    it('should refuse a stale or future RequestTime with REQUEST_EXPIRED, and a malformed one with REQUEST_TIME_INVALID', () => {
      expect(queryOutcome({ token: TOKEN, requestTime: SIGN_VECTOR.requestTime - 61 }, { token: TOKEN })).to.equal(
        'REQUEST_EXPIRED',
      );
      expect(queryOutcome({ token: TOKEN, requestTime: SIGN_VECTOR.requestTime + 61 }, { token: TOKEN })).to.equal(
        'REQUEST_EXPIRED',
      );
      expect(queryOutcome({ token: TOKEN, requestTime: 'soon' }, { token: TOKEN })).to.equal('REQUEST_TIME_INVALID');
    });

    it('should honour toleranceSeconds', () => {
      const parts = { token: TOKEN, requestTime: SIGN_VECTOR.requestTime - 10 };
      expect(queryOutcome(parts, { token: TOKEN, toleranceSeconds: 10 })).to.equal('read');
      expect(queryOutcome(parts, { token: TOKEN, toleranceSeconds: 9 })).to.equal('REQUEST_EXPIRED');
    });

    it('should check the SdkAppid before the signature', () => {
      expect(queryOutcome({ sdkAppId: 1, token: 'another' }, { token: TOKEN })).to.equal('SDKAPPID_MISMATCH');
    });

    it(`should refuse a query longer than ${String(MAX_QUERY_LENGTH)} characters without reading it, and take one that long`, () => {
      const padded = (length: number): string => {
        const url = receiverUrl();
        return `${url}&pad=${'x'.repeat(length - (url.length - url.indexOf('?') - 1) - 5)}`;
      };
      expect(outcome(decideQuery(config(), head('POST', padded(MAX_QUERY_LENGTH)), NOW.getTime()))).to.equal('read');
      const decision = decideQuery(config(), head('POST', padded(MAX_QUERY_LENGTH + 1)), NOW.getTime());
      expect(decision.kind === 'reject' && [decision.error.code, decision.error.message]).to.deep.equal([
        'QUERY_INVALID',
        `query has more than ${String(MAX_QUERY_LENGTH)} characters`,
      ]);
    });

    it("should check the app's own query schema on the whole query, once the callback is authentic", () => {
      const strict = {
        token: TOKEN,
        querySchema: (s: Record<string, unknown>) => ({
          ...s,
          required: ['SdkAppid', 'CallbackCommand', 'tenant'],
          properties: { ...(s.properties as object), tenant: { type: 'string', pattern: '^[a-z]+$' } },
        }),
      };
      const signed = receiverUrl({ token: TOKEN, requestTime: SIGN_VECTOR.requestTime });
      const at = (url: string): string => outcome(decideQuery(config(strict), head('POST', url), NOW.getTime()));
      expect(at(`${signed}&tenant=acme`)).to.equal('read');
      expect(at(`${signed}&tenant=ACME`)).to.equal('QUERY_INVALID');
      const refused = decideQuery(config(strict), head('POST', `${signed}&tenant=ACME`), NOW.getTime());
      expect(refused.kind === 'reject' && refused.error.message).to.equal('query.tenant must match pattern "^[a-z]+$"');
      expect(at(`${signed}&tenant=a%63me`)).to.equal('read');
      // Not authentic: refused for that first, whatever the app's schema would say.
      expect(at(`${receiverUrl({ token: 'another', requestTime: SIGN_VECTOR.requestTime })}&tenant=ACME`)).to.equal(
        'SIGNATURE_INVALID',
      );
      expect(at(`${receiverUrl()}&tenant=ACME`)).to.equal('SIGNATURE_MISSING');
    });

    it("should keep the default query checks under the app's own schema, however loose", () => {
      const loose = { querySchema: {} };
      const twice = `${receiverUrl()}&SdkAppid=${String(SDK_APP_ID)}`;
      expect(outcome(decideQuery(config(loose), head('POST', twice), NOW.getTime()))).to.equal('QUERY_INVALID');
    });

    it('should apply a stricter query schema', () => {
      const strict = {
        querySchema: (s: Record<string, unknown>) => ({ ...s, required: ['SdkAppid', 'CallbackCommand', 'ClientIP'] }),
      };
      expect(queryOutcome({}, strict)).to.equal('read');
      const url = `/callback?SdkAppid=${String(SDK_APP_ID)}&CallbackCommand=${RECALL_COMMAND}`;
      expect(outcome(decideQuery(config(strict), head('POST', url), NOW.getTime()))).to.equal('QUERY_INVALID');
    });
  });

  describe('decideBody()', () => {
    it('should make an event of the documented sample with UnreadMsgNum', () => {
      const context = contextOf(config());
      const decision = decideBody(context, text(SAMPLE_WITH_UNREAD), NOW);
      expect(decision).to.deep.equal({
        kind: 'recall',
        command: context.command,
        event: {
          command: RECALL_COMMAND,
          body: SAMPLE_WITH_UNREAD,
          conversation: { type: 'c2c', from: 'jared', to: 'Jonh' },
          messages: [{ msgKey: SAMPLE_WITH_UNREAD.MsgKey, msgSeq: undefined, msgId: undefined }],
          operator: undefined,
          remoteAddress: PEER,
          sdkAppId: SDK_APP_ID,
          clientIp: '127.0.0.1',
          optPlatform: 'RESTAPI',
          platform: 'RESTAPI',
          requestTime: undefined,
          signedWith: undefined,
          eventTime: undefined,
          receivedAt: NOW,
        },
      });
    });

    it('should give the documented sample EventTime as a Date', () => {
      const decision = decideBody(contextOf(config()), text(SAMPLE_WITH_EVENT_TIME), NOW);
      expect(decision.kind === 'recall' && decision.event.eventTime?.toISOString()).to.equal(
        '2022-12-09T08:26:54.123Z',
      );
    });

    it('should give an EventTime sent as a numeric string as a Date too', () => {
      const decision = decideBody(
        contextOf(config()),
        text({ ...SAMPLE_WITH_EVENT_TIME, EventTime: '1670574414123' }),
        NOW,
      );
      expect(decision.kind === 'recall' && decision.event.eventTime?.getTime()).to.equal(1670574414123);
    });

    it('should take the body as bytes, text or already parsed, with the same result', () => {
      const inputs: BodyInput[] = [
        { bytes: Buffer.from(SAMPLE_BODY_TEXT) },
        { text: SAMPLE_BODY_TEXT },
        { parsed: JSON.parse(SAMPLE_BODY_TEXT) },
      ];
      for (const input of inputs) {
        const decision = decideBody(contextOf(config()), input, NOW);
        expect(decision.kind === 'recall' && decision.event.body, Object.keys(input)[0]).to.deep.equal(
          SAMPLE_WITH_UNREAD,
        );
      }
    });

    it('should read UTF-8 account names', () => {
      const decision = decideBody(
        contextOf(config()),
        { bytes: Buffer.from(JSON.stringify({ ...SAMPLE_WITH_UNREAD, From_Account: '小明' })) },
        NOW,
      );
      expect(decision.kind === 'recall' && decision.event.body.From_Account).to.equal('小明');
    });

    it('should keep fields it does not know', () => {
      const decision = decideBody(contextOf(config()), text({ ...SAMPLE_WITH_UNREAD, CloudCustomData: 'x' }), NOW);
      expect(decision.kind === 'recall' && decision.event.body.CloudCustomData).to.equal('x');
    });

    it('should refuse a body that is not JSON with BODY_INVALID_JSON', () => {
      for (const body of ['', '{', 'From_Account=jared', '\ufeff{}']) {
        expect(bodyOutcome({ text: body }), JSON.stringify(body)).to.equal('BODY_INVALID_JSON');
      }
      expect(bodyOutcome({ bytes: Buffer.from('{"MsgKey":') })).to.equal('BODY_INVALID_JSON');
    });

    it('should refuse bytes that are not UTF-8 with BODY_INVALID_UTF8, so two MsgKeys never decode to one', () => {
      expect(bodyOutcome({ bytes: sampleWithByteInMsgKey(0xff) })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ bytes: sampleWithByteInMsgKey(0xfe) })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ bytes: Buffer.from([0xff, 0xfe, 0x00]) })).to.equal('BODY_INVALID_UTF8');
      // Overlong and surrogate encodings are not UTF-8 either.
      expect(bodyOutcome({ bytes: Buffer.from([0x22, 0xc0, 0xaf, 0x22]) })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ bytes: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]) })).to.equal('BODY_INVALID_UTF8');
      // Valid multi-byte text, and a byte order mark, are fine.
      expect(
        bodyOutcome({ bytes: Buffer.from(`\ufeff${JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: '消息_😀' })}`) }),
      ).to.equal('recall');
    });

    it('should refuse a \\u escape of half a surrogate pair with BODY_INVALID_UTF8, in a value or a key, however the body came', () => {
      const lone = SAMPLE_BODY_TEXT.replace('"MsgKey":"', '"MsgKey":"key\\ud800');
      expect(bodyOutcome({ text: lone })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ bytes: Buffer.from(lone) })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ parsed: JSON.parse(lone) as unknown })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ text: SAMPLE_BODY_TEXT.replace('{', '{"x\\udc00":1,') })).to.equal('BODY_INVALID_UTF8');
      expect(bodyOutcome({ text: SAMPLE_BODY_TEXT.replace('"MsgKey":"', '"MsgKey":"\\ud83d\\ude00') })).to.equal(
        'recall',
      );
    });

    it('should accept a U+FFFD sent as valid UTF-8 in bytes it decodes itself, and say how to fix one a parser made', () => {
      const withReplacement = JSON.stringify({ ...SAMPLE_WITH_UNREAD, MsgKey: 'key\ufffd' });
      expect(bodyOutcome({ bytes: Buffer.from(withReplacement) })).to.equal('recall');
      const decision = decideBody(contextOf(config()), { text: withReplacement }, NOW);
      expect(decision.kind === 'reject' && `${decision.error.code}: ${decision.error.message}`).to.equal(
        'BODY_INVALID_UTF8: body holds U+FFFD: a parser before this middleware replaced bytes that were not UTF-8; mount the middleware before it',
      );
    });

    it('should refuse a body holding __proto__, constructor or prototype keys with BODY_FORBIDDEN_KEY', () => {
      expect(bodyOutcome({ text: SAMPLE_BODY_TEXT.replace('{', '{"__proto__":{"admin":true},') })).to.equal(
        'BODY_FORBIDDEN_KEY',
      );
      expect(bodyOutcome({ parsed: JSON.parse(`{"x":{"constructor":{"prototype":{}}}}`) })).to.equal(
        'BODY_FORBIDDEN_KEY',
      );
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
    });

    it('should refuse a body the schema refuses with BODY_INVALID, saying which field', () => {
      const decision = decideBody(contextOf(config()), text({ ...SAMPLE_WITH_UNREAD, MsgKey: 7 }), NOW);
      expect(outcome(decision)).to.equal('BODY_INVALID');
      expect(decision.kind === 'reject' && decision.error.message).to.equal('body.MsgKey must be string');
    });

    it('should name a missing field of a stricter schema as a JSON Pointer, ~ and / escaped', () => {
      const strict = config({ schema: (s) => ({ ...s, required: [...(s.required as string[]), 'a/b~c'] }) });
      const decision = decideBody(contextOf(strict), text(SAMPLE_WITH_UNREAD), NOW);
      expect(decision.kind === 'reject' && decision.error.field).to.equal('/a~1b~0c');
    });

    it('should name the body as a whole when a schema refuses it without saying why', () => {
      const command = contextOf(config()).command;
      // A validator of the app's Ajv that refuses without errors, as a custom one may.
      const silent = Object.assign(() => false, { errors: null }) as unknown as typeof command.validateBody;
      const decision = decideBody(
        { ...CONTEXT_FIELDS, command: { ...command, validateBody: silent } },
        text(SAMPLE_WITH_UNREAD),
        NOW,
      );
      expect(decision.kind === 'reject' && [decision.error.field, decision.error.message]).to.deep.equal([
        '',
        'body does not match the schema',
      ]);
    });

    it("should say the field does not match when the app's own Ajv gives no messages", () => {
      const quiet = config({ ajv: new Ajv({ messages: false }) });
      const decision = decideBody(contextOf(quiet), text({ ...SAMPLE_WITH_UNREAD, MsgKey: 7 }), NOW);
      expect(decision.kind === 'reject' && decision.error.message).to.equal('body.MsgKey does not match the schema');
    });

    it('should name a nested field by its path, dots between the parts', () => {
      const group = resolveConfig(receiverOptions({ commands: ['Group.CallbackAfterRecallMsg'] })).commands.get(
        'Group.CallbackAfterRecallMsg',
      );
      if (group === undefined) throw new Error('the group recall is not among the commands');
      const body = { ...sampleGroupRecall(), MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: -1 }] };
      const decision = decideBody({ ...CONTEXT_FIELDS, command: group }, text(body), NOW);
      expect(decision.kind === 'reject' && decision.error.message).to.equal('body.MsgSeqList.1.MsgSeq must be >= 0');
    });

    it('should refuse JSON that is not an object with BODY_INVALID', () => {
      for (const value of [null, [], 'recall', 42, [SAMPLE_WITH_UNREAD]]) {
        expect(bodyOutcome(text(value)), JSON.stringify(value)).to.equal('BODY_INVALID');
      }
    });

    it('should refuse a body whose CallbackCommand differs from the query with COMMAND_MISMATCH', () => {
      expect(bodyOutcome(text({ ...SAMPLE_WITH_UNREAD, CallbackCommand: 'C2C.CallbackAfterSendMsg' }))).to.equal(
        'COMMAND_MISMATCH',
      );
    });

    it('should apply a stricter body schema: required EventTime, no extra fields, bounded accounts', () => {
      const strict = {
        schema: (s: Record<string, unknown>) => ({
          ...s,
          required: [...(s.required as string[]), 'EventTime'],
          additionalProperties: false,
          properties: {
            ...(s.properties as Record<string, object>),
            From_Account: { type: 'string', minLength: 1, maxLength: 32 },
            To_Account: { type: 'string', minLength: 1, maxLength: 32 },
          },
        }),
      };
      expect(bodyOutcome(text(SAMPLE_WITH_EVENT_TIME), strict)).to.equal('recall');
      expect(bodyOutcome(text(SAMPLE_WITH_UNREAD), strict)).to.equal('BODY_INVALID');
      expect(bodyOutcome(text({ ...SAMPLE_WITH_EVENT_TIME, Extra: 1 }), strict)).to.equal('BODY_INVALID');
      expect(bodyOutcome(text({ ...SAMPLE_WITH_EVENT_TIME, To_Account: 'x'.repeat(33) }), strict)).to.equal(
        'BODY_INVALID',
      );
    });

    it('should still refuse a non-object body when a replaced schema allows anything', () => {
      expect(bodyOutcome(text([1]), { schema: {} })).to.equal('BODY_INVALID');
      expect(bodyOutcome(text({ CallbackCommand: RECALL_COMMAND, MsgKey: 'k' }), { schema: {} })).to.equal('recall');
    });

    for (const [what, body, field] of [
      ['null', null, ''],
      ['[]', [], ''],
      ['a number', 7, ''],
      ['a string', 'C2C.CallbackAfterMsgWithDraw', ''],
      ['{}', {}, '/CallbackCommand'],
      ['an object without CallbackCommand', { MsgKey: 'k' }, '/CallbackCommand'],
      ['a CallbackCommand that is not a string', { CallbackCommand: 1, MsgKey: 'k' }, '/CallbackCommand'],
      ['an object without MsgKey', { CallbackCommand: RECALL_COMMAND }, '/MsgKey'],
      ['a MsgKey that is not a string', { CallbackCommand: RECALL_COMMAND, MsgKey: 7 }, '/MsgKey'],
      ['an empty MsgKey', { CallbackCommand: RECALL_COMMAND, MsgKey: '' }, '/MsgKey'],
    ] as const) {
      it(`should refuse ${what} with BODY_INVALID, saying what the event needs and the field at fault, when a replaced schema allows anything`, () => {
        const decision = decideBody(contextOf(config({ schema: {} })), text(body), NOW);
        expect(
          decision.kind === 'reject' && [decision.error.code, decision.error.message, decision.error.field],
        ).to.deep.equal([
          'BODY_INVALID',
          'body must be a JSON object with a CallbackCommand and a non-empty MsgKey',
          field,
        ]);
      });
    }

    for (const [command, needs] of [
      [
        'Group.CallbackAfterRecallMsg',
        'a non-empty GroupId and a non-empty MsgSeqList of objects whose MsgSeq is a non-negative integer',
      ],
      [
        'OfficialAccount.CallbackAfterMsgWithDraw',
        'a non-empty Official_Account and a non-empty WithdrawMsgList of objects with a non-empty MsgKey',
      ],
    ] as const) {
      it(`should refuse a ${command} body without what its event needs, saying what that is, when its schema allows anything`, () => {
        const resolved = resolveConfig(receiverOptions({ commands: [command], schemas: { [command]: {} } }));
        const definition = resolved.commands.get(command);
        if (definition === undefined) throw new Error(`${command} is not among the commands`);
        const decision = decideBody(
          { ...CONTEXT_FIELDS, command: definition },
          text({ CallbackCommand: command }),
          NOW,
        );
        expect(decision.kind === 'reject' && [decision.error.code, decision.error.message]).to.deep.equal([
          'BODY_INVALID',
          `body must be a JSON object with a CallbackCommand and ${needs}`,
        ]);
      });
    }

    for (const [eventTime, expected] of [
      ['', undefined],
      ['1e3', undefined],
      [' 1000', undefined],
      ['-1000', undefined],
      ['1'.repeat(16), undefined],
      [null, undefined],
      [true, undefined],
      [Number.MAX_VALUE, undefined],
      ['0', 0],
      ['1'.repeat(15), 111_111_111_111_111],
      // A Date keeps whole milliseconds.
      [1000.5, 1000],
    ] as const) {
      it(`should give EventTime ${JSON.stringify(eventTime)}, let through by a replaced schema, as ${String(expected)}`, () => {
        const body = { CallbackCommand: RECALL_COMMAND, MsgKey: 'k', EventTime: eventTime };
        const decision = decideBody(contextOf(config({ schema: {} })), text(body), NOW);
        expect(decision.kind).to.equal('recall');
        expect(decision.kind === 'recall' && decision.event.eventTime?.getTime()).to.equal(expected);
      });
    }
  });

  describe('both steps', () => {
    it('should read the context from the query, then make the event of the body', () => {
      const first = decideQuery(
        config({ token: TOKEN }),
        head('POST', receiverUrl({ token: TOKEN, requestTime: SIGN_VECTOR.requestTime })),
        NOW.getTime(),
      );
      const second = first.kind === 'read' ? decideBody(first.context, { text: SAMPLE_BODY_TEXT }, NOW) : first;
      expect(second.kind === 'recall' && second.event.requestTime).to.equal(SIGN_VECTOR.requestTime);
    });
  });
});
