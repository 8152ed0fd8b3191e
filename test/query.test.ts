import { expect } from 'chai';
import { parseQuery, single } from '../lib/query.js';

describe('query', () => {
  it('should give each parameter once as a decoded string', () => {
    const query = parseQuery('/callback?SdkAppid=1400000000&ClientIP=127.0.0.1&x=a%20b+c');
    expect({ ...query }).to.deep.equal({ SdkAppid: '1400000000', ClientIP: '127.0.0.1', x: 'a b c' });
  });

  it('should keep every value of a repeated parameter, in order', () => {
    const query = parseQuery('/?SdkAppid=1&SdkAppid=2&SdkAppid=3');
    expect(query.SdkAppid).to.deep.equal(['1', '2', '3']);
    expect(single(query, 'SdkAppid')).to.equal(undefined);
  });

  it('should give an empty object for a URL without a query', () => {
    expect(Object.keys(parseQuery('/callback'))).to.deep.equal([]);
  });

  it('should treat __proto__ and constructor as ordinary keys, changing no prototype', () => {
    const query = parseQuery('/?__proto__=x&constructor=y&__proto__[polluted]=1');
    expect(Object.getPrototypeOf(query)).to.equal(null);
    expect(query.__proto__).to.equal('x');
    expect(single(query, 'constructor')).to.equal('y');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('should not nest bracketed names as qs does', () => {
    expect(parseQuery('/?a[b]=1')['a[b]']).to.equal('1');
  });
});
