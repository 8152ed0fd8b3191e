import { expect } from 'chai';
import { addressMatcher } from '../../lib/options/address.js';

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
  });

  it('should refuse anything that is not an address, a proxy header’s list or a name among them', () => {
    for (const peer of ['', 'localhost', '203.0.113.7, 10.0.0.1', ' 203.0.113.7', '203.0.113.7:80', 'unknown']) {
      expect(tencent(peer), peer).to.equal(false);
    }
  });

  it('should take a range with host bits set as the range it names', () => {
    expect(addressMatcher(['10.1.2.3/8'])('10.200.0.1')).to.equal(true);
  });

  it('should match every address with /0', () => {
    const any = addressMatcher(['0.0.0.0/0', '::/0']);
    expect(any('8.8.8.8') && any('2001:db8::5') && any('::ffff:1.2.3.4')).to.equal(true);
  });
});
