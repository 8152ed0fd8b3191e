import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import { ipVersion } from '../../lib/protocol/ip.js';

describe('ipVersion()', () => {
  it('should tell the version of the addresses node:net knows, as isIP does', () => {
    for (const address of [
      '1.2.3.4',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1%eth0',
      '::ffff:1.2.3.4',
      '1:2:3:4:5:6:7:8',
    ]) {
      expect(ipVersion(address), address).to.equal(isIP(address));
      expect(ipVersion(address), address).not.to.equal(0);
    }
  });

  it('should refuse what isIP refuses: leading zeros, a group too many, two `::`, an octet past 255', () => {
    for (const text of [
      '01.2.3.4',
      '1.2.3',
      '256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      // Eight groups and a `::`, which stands for at least one more: wherever the `::` is.
      '1:2:3:4:5:6:7::8',
      '1::2:3:4:5:6:7:8',
      '1:2:3:4::5:6:7:8',
      '1:2:3:4:5:6::7:8',
      '1:2::3:4:5:6:7:8',
      // A group that is not 1 to 4 hex digits, beside a `::`.
      '::g',
      '1::12345',
      'g::1',
      '::ffff:1.2.3.04',
      '',
      'a',
      '%',
    ]) {
      expect(ipVersion(text), text).to.equal(0);
      expect(isIP(text), text).to.equal(0);
    }
  });

  it('should agree with isIP on 100,000 texts built of the pieces of addresses', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '',
        ':',
        '::',
        '.',
        '%',
        'ffff',
        '0',
        '1',
        '255',
        '256',
        '01',
        'a',
        'G',
        'eth0',
        '1.2.3.4',
        '::ffff:',
      ),
      fc.stringMatching(/^[0-9a-fA-F]{0,5}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(ipVersion(text), text).to.equal(isIP(text));
      }),
      { numRuns: 100_000 },
    );
  });
});
