import { expect } from 'chai';
import { demoSettings } from '../../lib/cli/demo.js';

describe('demo/settings', () => {
  it('should default to 127.0.0.1:3000, the sample SdkAppid and no token', () => {
    expect(demoSettings({})).to.deep.equal({ host: '127.0.0.1', port: 3000, sdkAppId: '1400000000', tokens: [] });
  });

  it('should read PORT, HOST, SDKAPPID and TOKEN', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', SDKAPPID: '1400000009', TOKEN: 't' };
    expect(demoSettings(env)).to.deep.equal({ host: '0.0.0.0', port: 8080, sdkAppId: '1400000009', tokens: ['t'] });
  });

  it('should take several tokens, as --token given twice gives them', () => {
    expect(demoSettings({ TOKEN: ['old', 'new'] }).tokens).to.deep.equal(['old', 'new']);
  });

  it('should treat an empty TOKEN as no token', () => {
    expect(demoSettings({ TOKEN: '' }).tokens).to.deep.equal([]);
    expect(demoSettings({ TOKEN: ['', 'new'] }).tokens).to.deep.equal(['new']);
  });

  it('should refuse a PORT that is not a port number', () => {
    for (const PORT of ['http', '-1', '65536', '1.5']) {
      expect(() => demoSettings({ PORT }), PORT).to.throw(RangeError, /PORT must be a port number/);
    }
  });
});
