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
});
