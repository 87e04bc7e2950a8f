import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvLine, duration, escapeHtml, mdCell, mdCode, mdText, pValue, percent, percentCi } from './format.js';

test('number formatting', () => {
  assert.equal(percent(0.8725), '87.3');
  assert.equal(percent(null), '—');
  assert.equal(percentCi([0.5, 0.75]), '50.0–75.0');
  assert.equal(pValue(0.021484375), '0.021');
  assert.equal(pValue(0.0042), '0.0042');
  assert.equal(pValue(2.4e-13), '2.4e-13');
  assert.equal(pValue(1), '1.000');
  assert.equal(duration(200), '3 min 20 s');
  assert.equal(duration(3 * 3600 + 65), '3 h 01 min');
  assert.equal(duration(null), '—');
});

test('CSV cells a spreadsheet would run as a formula are shown as text; numbers stay numbers, negative ones too', () => {
  assert.equal(
    csvLine(['=HYPERLINK("http://x","click")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', 'plain', -0.25, 3, '1,5']),
    `"'=HYPERLINK(""http://x"",""click"")",'+1,'-2+3,'@SUM(A1),'\tx,"'\rx",plain,-0.25,3,"1,5"`,
  );
  assert.equal(csvField(-1e-7), '-1e-7');
  assert.equal(csvField('−1 (a minus sign: no formula)'), '−1 (a minus sign: no formula)');
});

test('Markdown text shows HTML instead of running it', () => {
  assert.equal(mdText('<script>alert(1)</script> & <b>x</b>\nnext'), '&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#60;b&#62;x&#60;/b&#62; next');
  assert.equal(mdCell('<img src=x onerror=alert(1)>|y'), '&#60;img src=x onerror=alert(1)&#62;\\|y');
  // A code span shows HTML as text already (an entity there would be shown as typed): only a table's pipes and line breaks are escaped.
  assert.equal(mdCode('<|im_start|>assistant & a\nb'), '`<\\|im_start\\|>assistant & a b`');
  assert.equal(mdCode('a `b`'), '`` a `b` ``');
});

test('escaping for HTML, Markdown tables and CSV', () => {
  assert.equal(escapeHtml('<a href="x">&\'</a>'), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;');
  assert.equal(mdCell('a|b\nc'), 'a\\|b c');
  assert.equal(csvLine(['a,b', 'say "hi"', 1.5, null, NaN]), '"a,b","say ""hi""",1.5,,');
});
