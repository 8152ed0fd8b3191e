import { expect } from 'chai';
import fc from 'fast-check';
import { BlockList, isIP } from 'node:net';
import { addressMatcher, coversMostOfAFamily } from '../../lib/options/address.js';
import { addressOption } from '../../lib/options/factory.js';
import { resolveConfig } from '../../lib/options/resolve.js';
import { log } from '../../lib/log.js';
import { captureLog, messagesOf } from '../helpers/log.js';

describe('addressMatcher()', () => {
  const tencent = addressMatcher(['183.192.202.0/25', '203.0.113.7', '2402:4e00::/32', '2001:db8::1']);

  it('should match an IPv4 address and a CIDR range, and nothing beside them', () => {
    expect(tencent('203.0.113.7')).to.equal(true);
    expect(tencent('203.0.113.8')).to.equal(false);
    expect(tencent('183.192.202.0')).to.equal(true);
    expect(tencent('183.192.202.127')).to.equal(true);
    expect(tencent('183.192.202.128')).to.equal(false);
    expect(tencent('183.192.201.255')).to.equal(false);
  });

  it('should match the IPv4-mapped IPv6 form of an IPv4 entry, as a dual-stack server sees the peer', () => {
    expect(tencent('::ffff:203.0.113.7')).to.equal(true);
    expect(tencent('::ffff:183.192.202.9')).to.equal(true);
    expect(tencent('::ffff:cbc0:ca09')).to.equal(false);
    expect(tencent('::ffff:b7c0:ca09')).to.equal(true);
    expect(tencent('::ffff:183.192.202.200')).to.equal(false);
  });

  it('should match IPv6 addresses and ranges, however they are written', () => {
    expect(tencent('2402:4e00:1::5')).to.equal(true);
    expect(tencent('2402:4E00:0000:0000:0000:0000:0000:0001')).to.equal(true);
    expect(tencent('2402:4e01::1')).to.equal(false);
    expect(tencent('2001:db8::1')).to.equal(true);
    expect(tencent('2001:db8::2')).to.equal(false);
  });

  it('should match a link-local peer by its address, whatever its zone', () => {
    const local = addressMatcher(['fe80::/10']);
    expect(local('fe80::1%eth0')).to.equal(true);
    expect(local('fe80::1')).to.equal(true);
    expect(local('fe81::1')).to.equal(true);
    expect(local('fec0::1')).to.equal(false);
    // A zone after an embedded IPv4 address too: its last number is 7, not "7%eth0".
    expect(tencent('::ffff:203.0.113.7%eth0')).to.equal(true);
    expect(tencent('::ffff:203.0.113.8%eth0')).to.equal(false);
  });

  it('should refuse anything that is not an address, a proxy header’s list or a name among them', () => {
    for (const peer of ['', 'localhost', '203.0.113.7, 10.0.0.1', ' 203.0.113.7', '203.0.113.7:80', 'unknown']) {
      expect(tencent(peer), peer).to.equal(false);
    }
  });

  it('should take a range with host bits set as the range it names', () => {
    expect(addressMatcher(['10.1.2.3/8'])('10.200.0.1')).to.equal(true);
    // Host bits in words past the prefix, from the first address of the range to its last.
    const ipv6 = addressMatcher(['2001:db8:1:2:3:4:5:6/32']);
    expect(['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'].map(ipv6)).to.deep.equal([true, true]);
    expect(['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::'].map(ipv6)).to.deep.equal([false, false]);
    // All eight groups written out, or zeros written as '::': one address.
    expect(addressMatcher(['2001:db8:0:0:0:0:0:6'])('2001:db8::6')).to.equal(true);
    expect(addressMatcher(['2001:db8::6'])('2001:db8:0:0:0:0:0:6')).to.equal(true);
  });

  it('should take the longest prefix of each family as one address', () => {
    const single = addressMatcher(['203.0.113.7/32', '2001:db8::1/128']);
    expect([single('203.0.113.7'), single('203.0.113.8'), single('2001:db8::1'), single('2001:db8::2')]).to.deep.equal([
      true,
      false,
      true,
      false,
    ]);
    expect(() => addressMatcher(['203.0.113.7/33'])).to.throw(TypeError, /from 0 to 32/);
    expect(() => addressMatcher(['2001:db8::1/129'])).to.throw(TypeError, /from 0 to 128/);
  });

  it('should match every address with /0', () => {
    const any = addressMatcher(['0.0.0.0/0', '::/0']);
    expect(any('8.8.8.8') && any('2001:db8::5') && any('::ffff:1.2.3.4')).to.equal(true);
  });

  it('should refuse an empty list, saying what to write instead', () => {
    for (const entries of [[], 'not a list']) {
      expect(() => addressMatcher(entries as string[])).to.throw(
        TypeError,
        "tencent-chat-recall-webhook: `allowFrom` must be a non-empty list of addresses and CIDR ranges, e.g. ['183.192.202.0/25'], " +
          'or a function (address) => boolean. Leave it out to accept callbacks from any address.',
      );
    }
  });
});

describe('allowFrom and remoteAddress functions of the app', () => {
  const lines = captureLog();

  it('should refuse a peer when allowFrom throws, and log it', () => {
    const { allowFrom } = resolveConfig({
      sdkAppId: 1,
      allowUnsigned: true,
      allowFrom: () => {
        throw new Error('lookup failed');
      },
    });
    expect(allowFrom?.('192.0.2.1')).to.equal(false);
    expect(messagesOf(lines)).to.deep.equal(['allowFrom threw for 192.0.2.1, so it is refused: lookup failed']);
  });

  it('should take an address as unknown when remoteAddress throws, and log it', () => {
    const read = addressOption(() => {
      throw new Error('no such header');
    }, log);
    expect(read?.()).to.equal(undefined);
    expect(messagesOf(lines)).to.deep.equal(['remoteAddress threw, so the address is unknown: no such header']);
  });
});

describe('addressMatcher() against net.BlockList', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
  const ipv6 = fc.ipV6();
  const entry = fc.oneof(
    ipv4,
    ipv6,
    fc.tuple(ipv4, fc.nat(32)).map(([address, prefix]) => `${address}/${String(prefix)}`),
    fc.tuple(ipv6, fc.nat(128)).map(([address, prefix]) => `${address}/${String(prefix)}`),
  );
  // Peers near the entries too: the same address, its mapped form, a zone, a neighbour.
  const peerOf = (entries: readonly string[]): fc.Arbitrary<string> =>
    fc.oneof(
      ipv4,
      ipv6,
      ipv4.map((address) => `::ffff:${address}`),
      fc.constantFrom(...entries).map((each) => each.split('/')[0] ?? ''),
      fc
        .constantFrom(...entries)
        .map((each) => each.split('/')[0] ?? '')
        .map((address) => (address.includes('.') ? `::ffff:${address}` : address)),
      // A zone, as a link-local peer has (net.BlockList mishandles one after an embedded IPv4 address).
      fc
        .constantFrom(...entries)
        .map((each) => each.split('/')[0] ?? '')
        .map((address) => (address.includes('.') ? address : `${address}%eth0`)),
    );

  function blockList(entries: readonly string[]): (address: string) => boolean {
    const list = new BlockList();
    for (const each of entries) {
      const [address = '', prefix] = each.split('/');
      const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    }
    // As addressMatcher checked peers on a BlockList before it kept a table by prefix.
    return (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    };
  }

  it('should admit exactly the peers net.BlockList admits, over 1,000 random lists and peers', () => {
    fc.assert(
      fc.property(
        fc
          .array(entry, { minLength: 1, maxLength: 8 })
          .chain((entries) =>
            fc.tuple(fc.constant(entries), fc.array(peerOf(entries), { minLength: 1, maxLength: 8 })),
          ),
        ([entries, peers]) => {
          const ours = addressMatcher(entries);
          const theirs = blockList(entries);
          for (const peer of peers) expect(ours(peer), `${peer} in ${entries.join(', ')}`).to.equal(theirs(peer));
        },
      ),
      { numRuns: 1000, seed: 20261202 },
    );
  });

  it('should check a peer against 20,000 entries in at most 6 times what 10 take, and against entries of every prefix length in at most 3 times what as many of one take', () => {
    const list = (count: number): string[] =>
      Array.from(
        { length: count },
        (_, i) => `10.${String((i >> 8) & 255)}.${String(i & 255)}.0/${i % 2 === 0 ? '24' : '32'}`,
      );
    const time = (check: (address: string) => boolean): number => {
      const runs: number[] = [];
      for (let round = 0; round < 7; round++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < 20_000; i++) check('192.0.2.1');
        runs.push(Number(process.hrtime.bigint() - started));
      }
      return runs.sort((a, b) => a - b)[3] ?? 0;
    };
    const few = addressMatcher(list(10));
    const many = addressMatcher(list(20_000));
    time(few);
    // A binary search: about 14 steps against 4, and the address's parse the same. A scan of the
    // entries would take 2,000 times as long.
    const ratio = time(many) / time(few);
    expect(ratio, `20,000 entries against 10: ratio ${ratio.toFixed(2)}`).to.be.below(6);
    // Every prefix length of both families, each a range of its own: checked by prefix length in
    // turn, such a list cost 17.5 us a check, 40 times one of a single length.
    const lengths = [
      ...Array.from({ length: 33 }, (_, bits) =>
        `${String(bits)}.0.0.0/${String(bits)}`.replace(/^0\.0\.0\.0\/0$/, '1.0.0.0/32'),
      ),
      ...Array.from({ length: 128 }, (_, bits) => `2001:db8:${(bits + 1).toString(16)}::/${String(bits + 1)}`),
    ];
    const everyLength = addressMatcher(lengths);
    const oneLength = addressMatcher(list(lengths.length).map((entry) => entry.replace(/\/(24|32)$/, '/24')));
    time(oneLength);
    const spread = time(everyLength) / time(oneLength);
    expect(spread, `every prefix length against one: ratio ${spread.toFixed(2)}`).to.be.below(3);
  });
});

describe('coversMostOfAFamily()', () => {
  it('should tell the entries that cover all or most of a family: wider than an IPv4 /8 or an IPv6 /32', () => {
    for (const entry of [
      '0.0.0.0/0',
      '10.0.0.0/7',
      '::/0',
      '::/31',
      '::ffff:0:0/96',
      '::ffff:0:0/103',
      '::/80',
      '2000::/3',
    ]) {
      expect(coversMostOfAFamily(entry), entry).to.equal(true);
    }
    for (const entry of [
      '10.0.0.0/8',
      '183.192.202.0/25',
      '::ffff:10.0.0.0/104',
      '2402:4e00::/32',
      '::1',
      '127.0.0.1',
      '::/96',
    ]) {
      expect(coversMostOfAFamily(entry), entry).to.equal(false);
    }
  });
});
