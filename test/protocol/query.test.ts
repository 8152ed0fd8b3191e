import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeForm,
  MAX_CALLBACK_PARAMETERS,
  MAX_PARAMETERS,
  MAX_QUERY_LENGTH,
  NAMED_PARAMETERS,
  namedProblem,
  parseQuery,
  readCallbackQuery,
  single,
} from '../../lib/protocol/query.js';
import { receiverQuery } from '../fixtures/callbacks.js';

/** The median time of `runs` parses of `url`, in ms. */
function parseMs(url: string, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    parseQuery(url);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

const MIB = 1024 * 1024;

describe('query', () => {
  it('should give each parameter once as a decoded string', () => {
    const { query } = parseQuery('/callback?SdkAppid=1400000000&ClientIP=127.0.0.1&x=a%20b+c');
    expect({ ...query }).to.deep.equal({ SdkAppid: '1400000000', ClientIP: '127.0.0.1', x: 'a b c' });
  });

  it('should keep every value of a repeated parameter, in order', () => {
    const { query } = parseQuery('/?SdkAppid=1&SdkAppid=2&SdkAppid=3');
    expect(query.SdkAppid).to.deep.equal(['1', '2', '3']);
    expect(single(query, 'SdkAppid')).to.equal(undefined);
  });

  it('should give an empty object for a URL without a query, read to its end', () => {
    expect(parseQuery('/callback')).to.deep.equal({ query: {}, complete: true });
  });

  it('should read a query that is all the URL holds, from its first parameter on', () => {
    expect(parseQuery('?a=1&b=2')).to.deep.equal({ query: { a: '1', b: '2' }, complete: true });
    expect(parseQuery('?=1')).to.deep.equal({ query: { '': '1' }, complete: true });
  });

  it('should keep __proto__ and constructor as ordinary own keys, changing no prototype', () => {
    const { query } = parseQuery('/?__proto__=x&constructor=y&__proto__[polluted]=1&__proto__=z');
    expect(Object.getPrototypeOf(query)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(query, '__proto__')?.value).to.deep.equal(['x', 'z']);
    // An own key like any other: listed, and copied by a spread.
    expect(Object.keys(parseQuery('/?a=1&__proto__=x').query)).to.deep.equal(['a', '__proto__']);
    expect(Object.hasOwn({ ...parseQuery('/?__proto__=x').query }, '__proto__')).to.equal(true);
    expect(single(query, 'constructor')).to.equal('y');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('should not mistake inherited properties for parameters', () => {
    const { query } = parseQuery('/?toString=1&a=2');
    expect(single(query, 'toString')).to.equal('1');
    expect(single(query, 'constructor')).to.equal(undefined);
    expect(single(query, 'hasOwnProperty')).to.equal(undefined);
  });

  it('should decode as URLSearchParams does: + as space, UTF-8 escapes, malformed escapes kept', () => {
    const { query } = parseQuery('/?a=x+y%20z&b=%E4%BD%A0&c=%zz&d&=e&f=1=2');
    expect({ ...query }).to.deep.equal({ a: 'x y z', b: '你', c: '%zz', d: '', '': 'e', f: '1=2' });
  });

  it('should decode a value or a name made only of + or %', () => {
    const { query } = parseQuery('/?a=+&b=%&c=++&+=%25&d=%%');
    expect({ ...query }).to.deep.equal({ a: ' ', b: '%', c: '  ', ' ': '%', d: '%%' });
  });

  it('should not nest bracketed names as qs does', () => {
    expect(parseQuery('/?a[b]=1').query['a[b]']).to.equal('1');
  });

  it(`should read ${String(MAX_PARAMETERS)} parameters and no more, saying the query was not read to its end`, () => {
    const full = parseQuery(`/?${Array.from({ length: MAX_PARAMETERS }, (_, i) => `p${String(i)}=1`).join('&')}`);
    expect(full.complete).to.equal(true);
    expect(Object.keys(full.query)).to.have.length(MAX_PARAMETERS);
    const over = parseQuery(`/?${Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `p${String(i)}=1`).join('&')}`);
    expect(over.complete).to.equal(false);
    expect(Object.keys(over.query)).to.have.length(MAX_PARAMETERS);
    // Empty segments are no parameters.
    expect(parseQuery(`/?${'&'.repeat(10_000)}a=1&&b=2`)).to.deep.equal({ query: { a: '1', b: '2' }, complete: true });
  });

  it('should parse 1 MiB of "&a" in at most 3 times what 1 MiB in one value takes (linear, not quadratic)', () => {
    const repeated = `/?${'&a'.repeat(MIB / 2)}`;
    const oneValue = `/?a=${'b'.repeat(MIB)}`;
    // Without "=" anywhere, each parameter searching on to the end of the URL was quadratic.
    const noEquals = `/?a&${'b'.repeat(MIB)}`;
    parseMs(oneValue);
    const ratio = parseMs(repeated) / parseMs(oneValue);
    expect(ratio, `ratio ${ratio.toFixed(2)}`).to.be.below(3);
    expect(parseMs(noEquals) / parseMs(oneValue)).to.be.below(3);
  });

  it('should keep the first "=" of each parameter only, however the separators fall', () => {
    const { query } = parseQuery('/?a&b=1&c&d=2=3&=&e');
    expect({ ...query }).to.deep.equal({ a: '', b: '1', c: '', d: '2=3', '': '', e: '' });
  });
});

describe('readCallbackQuery()', () => {
  it('should give the named parameters only, decoded, and each repeated one with every value', () => {
    const { named, unread } = readCallbackQuery(
      '/cb?SdkAppid=1400000000&tenant=a%20b&CallbackCommand=C2C.CallbackAfterMsgWithDraw&OptPlatform=i+OS&Sign=a&Sign=b',
    );
    expect({ ...named }).to.deep.equal({
      SdkAppid: '1400000000',
      CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
      OptPlatform: 'i OS',
      Sign: ['a', 'b'],
    });
    expect(unread).to.equal(undefined);
  });

  it('should know each named parameter by its name written plainly, and no name one character off', () => {
    for (const name of Object.keys(NAMED_PARAMETERS)) {
      expect({ ...readCallbackQuery(`/?${name}=v`).named }, name).to.deep.equal({ [name]: 'v' });
      const last = name.length - 1;
      const off = `${name.slice(0, last)}${name[last] === 'x' ? 'y' : 'x'}`;
      expect({ ...readCallbackQuery(`/?${off}=v&${name.toLowerCase()}=v`).named }, off).to.deep.equal(
        name === 'contenttype' ? { contenttype: 'v' } : {},
      );
    }
  });

  it('should know a named parameter by its name written with escapes, as URLSearchParams would', () => {
    const { named } = readCallbackQuery('/?%53dkAppid=1&Client%49P=%31.2&Callback+Command=x&Sign');
    expect({ ...named }).to.deep.equal({ SdkAppid: '1', ClientIP: '1.2', Sign: '' });
  });

  it('should read no parameter whose name, written with escapes, is not one the protocol names', () => {
    expect({ ...readCallbackQuery('/?t%65nant=a&%41=b&SdkAppid=1').named }).to.deep.equal({ SdkAppid: '1' });
  });

  it('should keep as it came, undecoded, a value longer than 3 times its bound, which is over it written in ASCII', () => {
    // ClientIP's bound is 64: 64 escaped characters are decoded, one more is not.
    expect(readCallbackQuery(`/?ClientIP=${'%41'.repeat(64)}`).named.ClientIP).to.equal('A'.repeat(64));
    expect(readCallbackQuery(`/?ClientIP=${'%41'.repeat(65)}`).named.ClientIP).to.equal('%41'.repeat(65));
    expect(readCallbackQuery(`/?Sign=${'%41'.repeat(64)}`).named.Sign).to.equal('A'.repeat(64));
    expect(readCallbackQuery(`/?Sign=${'a'.repeat(193)}`).named.Sign).to.equal('a'.repeat(193));
  });

  it(`should read ${String(MAX_CALLBACK_PARAMETERS)} parameters and no more, and ${String(MAX_QUERY_LENGTH)} characters and no more`, () => {
    const parameters = (count: number): string =>
      `/?${Array.from({ length: count }, (_, i) => `p${String(i)}=1`).join('&')}`;
    expect(readCallbackQuery(parameters(MAX_CALLBACK_PARAMETERS)).unread).to.equal(undefined);
    expect(readCallbackQuery(parameters(MAX_CALLBACK_PARAMETERS + 1)).unread).to.equal('more than 32 parameters');
    const long = (length: number): string => `/?SdkAppid=1&a=${'b'.repeat(length - 13)}`;
    expect(readCallbackQuery(long(MAX_QUERY_LENGTH))).to.deep.equal({ named: { SdkAppid: '1' }, unread: undefined });
    expect(readCallbackQuery(long(MAX_QUERY_LENGTH + 1)).unread).to.equal('more than 2048 characters');
    // Empty segments are no parameters; of a query too long, only CallbackCommand is read.
    expect(readCallbackQuery(`/?${'&'.repeat(2000)}SdkAppid=1`).named).to.deep.equal({ SdkAppid: '1' });
    expect(readCallbackQuery(`/?CallbackCommand=c&SdkAppid=1&${'&'.repeat(3000)}`).named).to.deep.equal({
      CallbackCommand: 'c',
    });
    expect(readCallbackQuery(`/?${'&'.repeat(3000)}CallbackCommand=c`).named).to.deep.equal({});
  });

  it('should read a query only after the first "?", and from its first character when the URL begins with it', () => {
    expect({ ...readCallbackQuery('/cb&SdkAppid=1').named }).to.deep.equal({});
    expect({ ...readCallbackQuery('?SdkAppid=1&%53ign=a').named }).to.deep.equal({ SdkAppid: '1', Sign: 'a' });
  });

  it(`should read a CallbackCommand that ends at the ${String(MAX_QUERY_LENGTH)}th character of a query too long, whole`, () => {
    const command = '&CallbackCommand=C2C.CallbackAfterMsgWithDraw';
    const within = `a=${'b'.repeat(MAX_QUERY_LENGTH - 2 - command.length)}${command}`;
    expect(within).to.have.length(MAX_QUERY_LENGTH);
    expect(readCallbackQuery(`/cb?${within}&x=1`)).to.deep.equal({
      named: { CallbackCommand: 'C2C.CallbackAfterMsgWithDraw' },
      unread: `more than ${String(MAX_QUERY_LENGTH)} characters`,
    });
  });

  it(`should count no parameter in a trailing "&", so ${String(MAX_CALLBACK_PARAMETERS)} parameters and one are read to the end`, () => {
    const query = Array.from({ length: MAX_CALLBACK_PARAMETERS }, (_, i) => `p${String(i)}=1`).join('&');
    expect(readCallbackQuery(`/?${query}&`).unread).to.equal(undefined);
    expect(readCallbackQuery(`/?${query}&&&`).unread).to.equal(undefined);
  });

  it('should know the longest named parameter written wholly in escapes, and no longer name', () => {
    const escaped = Array.from('CallbackCommand', (c) => c)
      .map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .join('');
    expect(escaped).to.have.length(45);
    expect({ ...readCallbackQuery(`/?${escaped}=C2C.CallbackAfterMsgWithDraw`).named }).to.deep.equal({
      CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    });
    expect({ ...readCallbackQuery(`/?${escaped}%20=x`).named }).to.deep.equal({});
  });

  it('should keep every CallbackCommand of a query that gives it three times, in order', () => {
    const { named } = readCallbackQuery('/?CallbackCommand=a&CallbackCommand=b&CallbackCommand=c&Sign=1&Sign=2&Sign=3');
    expect(named.CallbackCommand).to.deep.equal(['a', 'b', 'c']);
    // Past the second, other values are of no use: the parameter is invalid already.
    expect(named.Sign).to.deep.equal(['1', '2']);
  });

  /** What `readCallbackQuery(url)` hands its decoder: how many calls, and how many characters in all. */
  const decodingOf = (url: string): { calls: number; characters: number } => {
    const work = { calls: 0, characters: 0 };
    readCallbackQuery(url, (text) => {
      work.calls++;
      work.characters += text.length;
      return decodeForm(text);
    });
    return work;
  };

  it('should decode only named parameters within their bounds, so a hostile query costs no more than a real one', () => {
    // Within Node's default 16 KiB of headers. Decoded whole, the + and %41 floods cost the old
    // parser 100 and 20 times a real query (npm run bench measures what they cost now).
    const longest = Object.entries(NAMED_PARAMETERS).map(([name, most]) => `${name}=${'%41'.repeat(most)}`);
    const bounds = Object.values(NAMED_PARAMETERS).reduce((sum, most) => sum + 3 * most, 0);
    for (const [url, most] of [
      [`/?${'+'.repeat(14_000)}`, 0],
      [`/?a=${'%41'.repeat(4600)}`, 0],
      [`/?${'&'.repeat(14_000)}`, 0],
      [`/?${'x&'.repeat(7000)}`, 0],
      [`/?SdkAppid=${'%41'.repeat(4000)}`, 0],
      [`/?${longest.join('&')}`, bounds],
      [`/?${'ClientIP=%41&'.repeat(1500)}`, 6],
      [`/?${'%43allbackCommand=%41&'.repeat(100)}`, MAX_QUERY_LENGTH],
      // A name longer than any named one written wholly in escapes is not decoded.
      [`/?${'%41'.repeat(16)}=1`, 0],
    ] as const) {
      expect(decodingOf(url).characters, url.slice(0, 40)).to.be.at.most(most);
    }
    expect(decodingOf(`/callback?${receiverQuery({ token: 'token' })}`).characters).to.be.below(100);
  });

  /** `read()`, failing if anything it calls makes decodeURIComponent throw. */
  const withThrowsCounted = <T>(read: () => T): T => {
    const original = globalThis.decodeURIComponent;
    let thrown = 0;
    globalThis.decodeURIComponent = (text: string) => {
      try {
        return original(text);
      } catch (error) {
        thrown++;
        throw error;
      }
    };
    try {
      return read();
    } finally {
      globalThis.decodeURIComponent = original;
      expect(thrown, 'exceptions').to.equal(0);
    }
  };

  it('should decode malformed and non-UTF-8 escapes once each, as URLSearchParams does, throwing nothing', () => {
    // As many as a query may hold: each value once cost two exceptions (decodeURIComponent, then
    // its fallback).
    for (const escape of ['%zz', '%FF', '%E4%BD', '%', '%ED%A0%80']) {
      const each = `CallbackCommand=${escape}&`;
      const url = `/?${each.repeat(Math.min(MAX_CALLBACK_PARAMETERS, Math.floor(MAX_QUERY_LENGTH / each.length)))}`;
      const { named } = withThrowsCounted(() => readCallbackQuery(url));
      const expected = new URLSearchParams(url.slice(2)).getAll('CallbackCommand');
      expect(named.CallbackCommand, escape).to.deep.equal(expected);
      expect(decodingOf(url).characters, escape).to.be.at.most(url.length);
    }
  });

  it('should look at a bounded number of characters of any query shape: what it decodes is at most what it reads', () => {
    // Shapes of the hostile kind: the protocol's names, escaped or not, separators, escapes good
    // and bad, spaces, runs of each.
    const piece = fc.oneof(
      fc.constantFrom(...Object.keys(NAMED_PARAMETERS), '%43allbackCommand', 'Sign', 'SdkAppid'),
      fc.constantFrom('&', '=', '+', '%', '%2', '%zz', '%FF', '%41', '%E4%BD%A0', '%ED%A0%80', '%EF%BB%BF'),
      fc.string({ maxLength: 8 }),
    );
    const query = fc
      .array(fc.tuple(piece, fc.integer({ min: 1, max: 300 })), { maxLength: 40 })
      .map((runs) => runs.map(([text, times]) => text.repeat(times)).join(''));
    fc.assert(
      fc.property(query, (text) => {
        const url = `/callback?${text}`;
        const read = Math.min(text.length, MAX_QUERY_LENGTH);
        const { calls, characters } = decodingOf(url);
        expect(characters, 'characters decoded').to.be.at.most(read);
        // One call a name and one a value at the most, each over characters of its own.
        expect(calls, 'decoder calls').to.be.at.most(2 * Math.min(MAX_CALLBACK_PARAMETERS, read));
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeForm()', () => {
  it('should decode any text as URLSearchParams does, and never throw', () => {
    const text = fc
      .array(
        fc.oneof(
          fc.constantFrom('+', '%', '%2', '%zz', '%FF', '%41', '%e4%bd%a0', '%ED%A0%80', '%EF%BB%BF', '%F0%9F%98%80'),
          // Lead and continuation bytes alone, so that sequences are cut by text, '+' or another lead.
          fc.constantFrom('%C2', '%E0', '%E1', '%ED', '%F0', '%F4', '%80', '%9F', '%A0', '%BF'),
          fc.string({ unit: 'grapheme', maxLength: 4 }),
        ),
        { maxLength: 30 },
      )
      .map((pieces) => pieces.join('').replaceAll('&', '').replaceAll('#', ''));
    fc.assert(
      fc.property(text, (value) => {
        // With non-ASCII characters written as their UTF-8 escapes first, which changes nothing
        // of what the standard decodes: Node 20's URLSearchParams mangles a non-ASCII character
        // after a malformed escape on its own.
        const ascii = value.replace(/[\u0080-\u{10ffff}]+/gu, encodeURIComponent);
        expect(decodeForm(value)).to.equal(new URLSearchParams(`a=${ascii}`).get('a'));
      }),
      { numRuns: 2000 },
    );
  });

  it('should keep a byte order mark, a "%" without two hex digits, and text with nothing to decode as they are', () => {
    expect(decodeForm('%EF%BB%BFa')).to.equal('\ufeffa');
    expect(decodeForm('100%')).to.equal('100%');
    expect(decodeForm('%4')).to.equal('%4');
    expect(decodeForm('%%41')).to.equal('%A');
    expect(decodeForm('plain')).to.equal('plain');
    expect(decodeForm('a+%2B+b')).to.equal('a + b');
    expect(decodeForm('%E4%BD')).to.equal('\ufffd');
    expect(decodeForm('%41%E4%BD%A0%42')).to.equal('A你B');
    // A sequence cut short by text or a space leaves no bound of its own on the next one.
    expect(decodeForm('%E0x%E1%80%80')).to.equal('\ufffdx\u1000');
    expect(decodeForm('%F4+%F0%90%80%80')).to.equal('\ufffd \u{10000}');
    // The edges of one-byte and two-byte sequences.
    expect(decodeForm('%7F%C2%80%DF%BF')).to.equal('\u007f\u0080\u07ff');
  });
});

describe('namedProblem()', () => {
  it("should say what is wrong with the protocol's parameters, in the words of the schema it replaces", () => {
    expect(namedProblem({})).to.equal("query must have required property 'SdkAppid'");
    expect(namedProblem({ SdkAppid: '1400000000', ClientIP: 'x'.repeat(65) })).to.equal(
      'query.ClientIP must NOT have more than 64 characters',
    );
    expect(namedProblem({ SdkAppid: ['1', '2'] })).to.equal('query.SdkAppid is given more than once');
    expect(namedProblem({ SdkAppid: '14000x' })).to.equal('query.SdkAppid must be digits, at most 20');
    expect(namedProblem({ SdkAppid: '1400000000', ClientIP: 'x'.repeat(64) })).to.equal(undefined);
  });

  it('should leave a long Sign or CallbackCommand to the steps that compare them', () => {
    expect(namedProblem({ SdkAppid: '1400000000', Sign: 'a'.repeat(65) })).to.equal(undefined);
    expect(namedProblem({ SdkAppid: '1400000000', CallbackCommand: 'C'.repeat(65) })).to.equal(undefined);
  });
});
