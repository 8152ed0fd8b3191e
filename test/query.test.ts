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

  it('should keep __proto__ and constructor as ordinary own keys, changing no prototype', () => {
    const query = parseQuery('/?__proto__=x&constructor=y&__proto__[polluted]=1&__proto__=z');
    expect(Object.getPrototypeOf(query)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(query, '__proto__')?.value).to.deep.equal(['x', 'z']);
    expect(single(query, 'constructor')).to.equal('y');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('should not mistake inherited properties for parameters', () => {
    const query = parseQuery('/?toString=1&a=2');
    expect(single(query, 'toString')).to.equal('1');
    expect(single(query, 'constructor')).to.equal(undefined);
    expect(single(query, 'hasOwnProperty')).to.equal(undefined);
  });

  it('should decode as URLSearchParams does: + as space, UTF-8 escapes, malformed escapes kept', () => {
    const query = parseQuery('/?a=x+y%20z&b=%E4%BD%A0&c=%zz&d&=e&f=1=2');
    expect({ ...query }).to.deep.equal({ a: 'x y z', b: '你', c: '%zz', d: '', '': 'e', f: '1=2' });
  });

  it('should not nest bracketed names as qs does', () => {
    expect(parseQuery('/?a[b]=1')['a[b]']).to.equal('1');
  });
});
