import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ORACLE_APP_ID, ORACLE_COMMANDS, ORACLE_LIMIT, ORACLE_TOKEN, type OracleCommand } from './oracle.js';

const RECALL = 'C2C.CallbackAfterMsgWithDraw';
const GROUP = 'Group.CallbackAfterRecallMsg';
const ACCOUNT = 'OfficialAccount.CallbackAfterMsgWithDraw';
const COMMANDS = Object.keys(ORACLE_COMMANDS) as OracleCommand[];
const KNOWN = ['SdkAppid', 'CallbackCommand', 'contenttype', 'ClientIP', 'OptPlatform', 'Sign', 'RequestTime'] as const;
const POLLUTING = ['__proto__', 'constructor', 'prototype'] as const;

export interface Case {
  readonly method: string;
  readonly query: string;
  readonly body: Uint8Array;
  /** What the app's listener of each event does with this request. */
  readonly listeners: Listeners;
}

/** What an app's listener can do: succeed, fail in any of the ways app code fails, or never settle. */
export type Behaviour =
  'returns' | 'resolves' | 'throws' | 'throws a non-error' | 'rejects' | 'rejects later' | 'hangs';

export interface Listeners {
  /** The listener of the recall's own event: `'recall'`, `'groupRecall'` or `'officialAccountRecall'`. */
  readonly recall: Behaviour;
  readonly rejected: Behaviour;
  readonly duplicate: Behaviour;
}

/** Whether a recall listener that behaves so lets the answer be OK. */
export function succeeds(behaviour: Behaviour): boolean {
  return behaviour === 'returns' || behaviour === 'resolves';
}

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Behaviour>('returns', 'resolves') },
  { weight: 4, arbitrary: fc.constantFrom<Behaviour>('throws', 'throws a non-error', 'rejects', 'rejects later') },
  { weight: 1, arbitrary: fc.constant<Behaviour>('hangs') },
);

const listeners: fc.Arbitrary<Listeners> = fc.record({ recall: behaviour, rejected: behaviour, duplicate: behaviour });

type Params = [string, string][];
type Mutation = (params: Params, now: number) => Params;

const signed = (time: string): string =>
  createHash('sha256')
    .update(ORACLE_TOKEN + time)
    .digest('hex');

/** A changed query: a parameter dropped, repeated or replaced, the time moved, the Sign broken, junk added. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...KNOWN).map(
    (name): Mutation =>
      (params) =>
        params.filter(([n]) => n !== name),
  ),
  fc
    .tuple(fc.constantFrom(...KNOWN), fc.string())
    .map(([name, value]): Mutation => (params) => [...params, [name, value]]),
  fc.tuple(fc.constantFrom(...KNOWN), fc.string({ maxLength: 80 })).map(
    ([name, value]): Mutation =>
      (params) =>
        params.map(([n, v]) => [n, n === name ? value : v]),
  ),
  // Away from the window's edge (60 s) either way, and re-signed, so only the time is wrong.
  fc.constantFrom(-7200, -120, -30, 30, 120, 7200).map((offset): Mutation => (params, now) => {
    const time = String(now + offset);
    return params.map(([n, v]) => [n, n === 'RequestTime' ? time : n === 'Sign' ? signed(time) : v]);
  }),
  fc.constant<Mutation>((params) => params.map(([n, v]) => [n, n === 'Sign' ? v.toUpperCase() : v])),
  fc
    .tuple(fc.oneof(fc.string(), fc.constantFrom(...POLLUTING, '__proto__[isAdmin]')), fc.string())
    .map(([name, value]): Mutation => (params) => [...params, [name, value]]),
);

function queries(now: number, command: OracleCommand): fc.Arbitrary<string> {
  const time = String(now);
  const valid: Params = [
    ['SdkAppid', ORACLE_APP_ID],
    ['CallbackCommand', command],
    ['contenttype', 'json'],
    ['ClientIP', '127.0.0.1'],
    ['OptPlatform', 'RESTAPI'],
    ['RequestTime', time],
    ['Sign', signed(time)],
  ];
  const mutated = fc
    .array(mutation, { maxLength: 3 })
    .map((changes) =>
      new URLSearchParams(changes.reduce<Params>((params, change) => change(params, now), valid)).toString(),
    );
  // Raw text too: malformed escapes, stray separators, anything.
  const raw = fc.string({ maxLength: 200 }).map((junk) => `${new URLSearchParams(valid).toString()}&${junk}`);
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constant(new URLSearchParams(valid).toString()) },
      { weight: 6, arbitrary: mutated },
      { weight: 1, arbitrary: raw },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    )
    .map(asRequestTarget);
}

/** A query as it can travel in a request line: bytes outside printable ASCII, and `#`, percent-encoded. */
function asRequestTarget(query: string): string {
  const percent = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return query.replace(/[^\x21-\x7e]|#/gu, (char) => [...Buffer.from(char)].map(percent).join(''));
}

const text = fc.string({ maxLength: 40 });
const recallFields = fc.record(
  {
    CallbackCommand: fc.constantFrom(RECALL, RECALL, RECALL, 'C2C.CallbackAfterSendMsg', ''),
    From_Account: fc.oneof(text, fc.constant(''), fc.integer()),
    To_Account: text,
    MsgKey: fc.oneof(text, fc.constant(null)),
    UnreadMsgNum: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
    EventTime: fc.oneof(
      fc.nat({ max: 2_000_000_000_000 }),
      fc.stringMatching(/^[0-9]{1,17}$/),
      fc.double(),
      fc.constant('1e12'),
    ),
  },
  { requiredKeys: ['CallbackCommand', 'From_Account', 'To_Account'] },
);

const eventTime = fc.oneof(
  fc.nat({ max: 2_000_000_000_000 }),
  fc.stringMatching(/^[0-9]{1,17}$/),
  fc.double(),
  fc.constantFrom('1e12', '', '2022-12-09'),
);
const number = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER + 2));
const list = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(fc.array(item, { maxLength: 3 }), fc.constant([]), fc.jsonValue({ maxDepth: 2 }));

const groupFields = fc.record(
  {
    CallbackCommand: fc.constantFrom(GROUP, GROUP, GROUP, RECALL, ''),
    Operator_Account: fc.oneof(text, fc.constant('admin'), fc.integer()),
    Type: fc.oneof(fc.constantFrom('Public', 'Community', 'AVChatRoom'), text, fc.integer()),
    GroupId: fc.oneof(text, fc.constant(''), fc.constant(null)),
    MsgSeqList: list(fc.record({ MsgSeq: number, MsgId: fc.oneof(text, fc.integer()) }, { requiredKeys: [] })),
    TopicId: fc.oneof(text, fc.constant('')),
    EventTime: eventTime,
  },
  { requiredKeys: ['CallbackCommand', 'GroupId'] },
);

const accountFields = fc.record(
  {
    CallbackCommand: fc.constantFrom(ACCOUNT, ACCOUNT, ACCOUNT, GROUP, ''),
    Official_Account: fc.oneof(text, fc.constant(''), fc.integer()),
    WithdrawMsgList: list(fc.record({ MsgKey: fc.oneof(text, fc.constant(null)) }, { requiredKeys: [] })),
    EventTime: eventTime,
  },
  { requiredKeys: ['CallbackCommand', 'Official_Account'] },
);

// Each command's random fields, and the string field a test puts odd text into.
const FIELDS: Readonly<Record<OracleCommand, readonly [fc.Arbitrary<Record<string, unknown>>, string]>> = {
  [RECALL]: [recallFields, 'To_Account'],
  [GROUP]: [groupFields, 'GroupId'],
  [ACCOUNT]: [accountFields, 'Official_Account'],
};

/** A body as JSON text, maybe with extra fields, a polluting key put in, a huge number or an odd escape. */
const jsonBodies = (command: OracleCommand): fc.Arbitrary<string> => {
  const [fields, field] = FIELDS[command];
  return fc
    .tuple(
      fields,
      fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
      fc.option(fc.tuple(fc.constantFrom(...POLLUTING), fc.boolean()), { freq: 4 }),
      fc.option(fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '0.1e-400'), { freq: 6 }),
      fc.option(fc.constantFrom('\\ud800', '\\udfff', '\\ud83d\\ude00', '\\ufffd'), { freq: 6 }),
    )
    .map(([fields, extra, pollution, huge, escape]) => {
      let json = JSON.stringify({ ...extra, ...fields });
      if (pollution !== null) {
        const [key, nested] = pollution;
        json = nested
          ? json.replace(/}$/, `,"Nested":{"${key}":{"isAdmin":true}}}`)
          : json.replace(/^{/, `{"${key}":{"isAdmin":true},`);
      }
      if (huge !== null) json = json.replace(/}$/, `,"UnreadMsgNum":${huge}}`);
      if (escape !== null) json = json.replace(`"${field}":"`, `"${field}":"${escape}`);
      return json;
    });
};

/**
 * A valid recall of one of a few messages, so that the same recall comes again (a duplicate once a
 * listener succeeded with it), with the optional fields there or not.
 */
const validRecalls = fc
  .record(
    {
      From_Account: fc.string({ minLength: 1, maxLength: 32 }),
      To_Account: fc.string({ minLength: 1, maxLength: 32 }),
      MsgKey: fc.constantFrom(...Array.from({ length: 200 }, (_, i) => `48374_${String(i)}_1557481126`)),
      UnreadMsgNum: fc.nat(),
      EventTime: fc.oneof(fc.nat({ max: 2_000_000_000_000 }), fc.stringMatching(/^[0-9]{1,15}$/)),
    },
    { requiredKeys: ['From_Account', 'To_Account', 'MsgKey'] },
  )
  .map((fields) => JSON.stringify({ CallbackCommand: RECALL, ...fields }));

/**
 * A valid group recall of a few groups, topics and MsgSeqs, so that the same recall comes again,
 * and the same MsgSeq in another group or topic, or in a list of two.
 */
const validGroupRecalls = fc
  .record(
    {
      Operator_Account: fc.string({ maxLength: 32 }),
      Type: fc.constantFrom('Public', 'Community', 'SomeFutureType', ''),
      GroupId: fc.constantFrom('g1', 'g2', '@TGS#2J4SZEAEL'),
      // '' is how Tencent writes no topic: the same recall as one without TopicId.
      TopicId: fc.constantFrom('t1', 't2', ''),
      MsgSeqList: fc.array(
        fc.record({ MsgSeq: fc.nat({ max: 20 }), MsgId: fc.string({ maxLength: 20 }) }, { requiredKeys: ['MsgSeq'] }),
        { minLength: 1, maxLength: 2 },
      ),
      EventTime: fc.oneof(fc.nat({ max: 2_000_000_000_000 }), fc.stringMatching(/^[0-9]{1,15}$/)),
    },
    { requiredKeys: ['GroupId', 'MsgSeqList'] },
  )
  .map((fields) => JSON.stringify({ CallbackCommand: GROUP, ...fields }));

/** A valid Official Account recall of a few accounts and MsgKeys. */
const validAccountRecalls = fc
  .record(
    {
      Official_Account: fc.constantFrom('#TOA#_1', '#TOA#_2'),
      WithdrawMsgList: fc.array(
        fc.record({ MsgKey: fc.constantFrom(...Array.from({ length: 30 }, (_, i) => `71_${String(i)}_1698741698`)) }),
        { minLength: 1, maxLength: 2 },
      ),
      EventTime: fc.oneof(fc.nat({ max: 2_000_000_000_000 }), fc.stringMatching(/^[0-9]{0,15}$/)),
    },
    { requiredKeys: ['Official_Account', 'WithdrawMsgList'] },
  )
  .map((fields) => JSON.stringify({ CallbackCommand: ACCOUNT, ...fields }));

const VALID: Readonly<Record<OracleCommand, fc.Arbitrary<string>>> = {
  [RECALL]: validRecalls,
  [GROUP]: validGroupRecalls,
  [ACCOUNT]: validAccountRecalls,
};

/** A JSON body whose bytes are not all UTF-8: a stray byte, an overlong form, an encoded surrogate. */
const notUtf8 = fc
  .tuple(
    fc.constantFrom(...COMMANDS).chain((command) => VALID[command]),
    fc.constantFrom([0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xbd]),
  )
  .map(([json, bytes]) => {
    // Into the first string value after the command, whichever command's body it is.
    const at = json.indexOf(':"', json.indexOf(',')) + 2;
    return new Uint8Array(
      Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from(bytes), Buffer.from(json.slice(at))]),
    );
  });

const deepNesting = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);

const encoded = (json: string): Uint8Array => new TextEncoder().encode(json);

/** Bodies for a callback of `command`: its valid recalls, its fields at random, another command's, junk. */
const bodies = (command: OracleCommand): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 8, arbitrary: VALID[command].map(encoded) },
    { weight: 8, arbitrary: jsonBodies(command).map(encoded) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...COMMANDS.filter((other) => other !== command))
        .chain((other) => VALID[other])
        .map(encoded),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).map((json) => new TextEncoder().encode(json)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: notUtf8 },
    { weight: 1, arbitrary: deepNesting.map((json) => new TextEncoder().encode(json)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: ORACLE_LIMIT - 10, max: ORACLE_LIMIT + 50 })
        .map((size) => new TextEncoder().encode(`{"x":"${'a'.repeat(size)}"}`)),
    },
  );

/** A request of one of the recall commands, as the query names it, and what the app's listeners do. */
export function cases(now: number): fc.Arbitrary<Case> {
  return fc.constantFrom(...COMMANDS).chain((command) =>
    fc.record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT'),
      query: queries(now, command),
      body: bodies(command),
      listeners,
    }),
  );
}
