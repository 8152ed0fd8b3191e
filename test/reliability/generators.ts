import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ORACLE_APP_ID, ORACLE_LIMIT, ORACLE_TOKEN } from './oracle.js';

const RECALL = 'C2C.CallbackAfterMsgWithDraw';
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

export function queries(now: number): fc.Arbitrary<string> {
  const time = String(now);
  const valid: Params = [
    ['SdkAppid', ORACLE_APP_ID],
    ['CallbackCommand', RECALL],
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

/** A body as JSON text, maybe with extra fields, a polluting key put in, or a huge number. */
const jsonBodies = fc
  .tuple(
    recallFields,
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
    if (escape !== null) json = json.replace('"To_Account":"', `"To_Account":"${escape}`);
    return json;
  });

/**
 * A valid recall of one of a few messages, so that the same recall comes again (a duplicate once a
 * listener succeeded with it), with the optional fields there or not.
 */
const validBodies = fc
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

/** A JSON body whose bytes are not all UTF-8: a stray byte, an overlong form, an encoded surrogate. */
const notUtf8 = fc
  .tuple(jsonBodies, fc.constantFrom([0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xbd]))
  .map(([json, bytes]) => {
    const [before = '', after = ''] = json.split('"To_Account":"');
    return new Uint8Array(
      Buffer.concat([Buffer.from(`${before}"To_Account":"`), Buffer.from(bytes), Buffer.from(after)]),
    );
  });

const deepNesting = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);

export const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: validBodies.map((json) => new TextEncoder().encode(json)) },
  { weight: 8, arbitrary: jsonBodies.map((json) => new TextEncoder().encode(json)) },
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

export function cases(now: number): fc.Arbitrary<Case> {
  return fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT'),
    query: queries(now),
    body: bodies,
    listeners,
  });
}
