import { expect } from 'chai';
import { excerpt } from '../../lib/testing/delivery.js';

describe('testing/excerpt()', () => {
  it("should give an HTML page's text on one line, markup, scripts and styles dropped", () => {
    const page =
      '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Error</title>' +
      '<style>body { color: red }</style><script>var x = "<b>";</script></head>\n' +
      '<body>\n<pre>Cannot POST /nothing-here</pre>\n</body>\n</html>\n';
    expect(excerpt(page)).to.equal('Error Cannot POST /nothing-here');
  });

  it('should cut a long answer to 80 characters, saying so', () => {
    const cut = excerpt('word '.repeat(100));
    expect(cut).to.have.length(80);
    expect(cut.endsWith('...')).to.equal(true);
  });

  it('should name an empty answer', () => {
    expect(excerpt(' \n ')).to.equal('(an empty body)');
  });

  it('should read only the first 4 KiB of an answer, so a huge page costs no more', () => {
    expect(excerpt(`${' '.repeat(4096)}late`)).to.equal('(an empty body)');
    expect(excerpt(`${' '.repeat(4092)}early`)).to.equal('earl');
  });
});
