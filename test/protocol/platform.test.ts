import { expect } from 'chai';
import { canonicalPlatform } from '../../lib/protocol/query.js';

describe('platform', () => {
  it('should map every documented OptPlatform to its canonical spelling, ignoring case', () => {
    const cases = {
      RESTAPI: 'RESTAPI',
      Web: 'Web',
      Android: 'Android',
      iOS: 'iOS',
      Windows: 'Windows',
      Mac: 'Mac',
      macOS: 'Mac',
      iPad: 'iPad',
      IPad: 'iPad',
      Unknown: 'Unknown',
      restapi: 'RESTAPI',
    };
    for (const [raw, canonical] of Object.entries(cases)) expect(canonicalPlatform(raw), raw).to.equal(canonical);
  });

  it('should call an unrecognised platform Unknown', () => {
    expect(canonicalPlatform('Fridge')).to.equal('Unknown');
  });

  it('should give undefined when OptPlatform is absent', () => {
    expect(canonicalPlatform(undefined)).to.equal(undefined);
  });
});
