import { expect } from 'chai';
import { closest } from '../../lib/options/checks.js';

const OPTIONS = ['sdkAppId', 'token', 'toleranceSeconds', 'timeoutMs', 'limit', 'schema', 'querySchema'];

describe('suggest', () => {
  it('should suggest the option one or two edits away', () => {
    expect(closest('sdkAppID', OPTIONS)).to.equal('sdkAppId');
    expect(closest('tokn', OPTIONS)).to.equal('token');
    expect(closest('timeoutMS', OPTIONS)).to.equal('timeoutMs');
    expect(closest('limt', OPTIONS)).to.equal('limit');
  });

  it('should suggest the option a shortened or lengthened name stands for', () => {
    expect(closest('tolerance', OPTIONS)).to.equal('toleranceSeconds');
    expect(closest('bodySchema', OPTIONS)).to.equal('schema');
  });

  it('should suggest nothing for a name unlike any option', () => {
    expect(closest('secret', OPTIONS)).to.equal(undefined);
    expect(closest('x', OPTIONS)).to.equal(undefined);
  });

  it('should not take a name of one or two letters for a shortened option, however many contain it', () => {
    // 'ma' is in 'schema' and 'querySchema', but is no likely way to write either.
    expect(closest('ma', OPTIONS)).to.equal(undefined);
  });

  it('should suggest the first of two options equally close', () => {
    expect(closest('abcx', ['abcd', 'abce'])).to.equal('abcd');
    expect(closest('abcx', ['abce', 'abcd'])).to.equal('abce');
  });

  it('should count every letter of the name, the last one too', () => {
    // Three edits from 'abcd': too far for a name of five letters; 'abxy' alone would be two.
    expect(closest('abxyz', ['abcd'])).to.equal(undefined);
  });
});
