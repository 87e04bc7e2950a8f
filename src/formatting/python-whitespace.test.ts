import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { isPythonWhitespace, pythonRstrip } from './python-whitespace.js';

const BMP = Array.from({ length: 0x10000 }, (_, c) => c).filter((c) => c < 0xd800 || c > 0xdfff);

test("pythonRstrip strips Python's whitespace set, which differs from JavaScript's trimEnd", () => {
  // The three ways the sets differ: U+001C..U+001F and NEL are Python whitespace only, U+FEFF is JavaScript's only.
  assert.equal(pythonRstrip('a\u001c\u001d\u001e\u001f\u0085'), 'a');
  assert.equal('a\u001c\u001d\u001e\u001f\u0085'.trimEnd(), 'a\u001c\u001d\u001e\u001f\u0085');
  assert.equal(pythonRstrip('a\ufeff'), 'a\ufeff');
  assert.equal('a\ufeff'.trimEnd(), 'a');
  assert.equal(pythonRstrip(' a \t\n\u00a0\u3000'), ' a');
  assert.equal(pythonRstrip('   '), '');
  assert.equal(pythonRstrip('a b'), 'a b');
  const differ = BMP.filter((c) => isPythonWhitespace(c) !== /\s/.test(String.fromCharCode(c)));
  assert.deepEqual(differ.map((c) => c.toString(16)), ['1c', '1d', '1e', '1f', '85', 'feff']);
});

test("the set is exactly Python's str.isspace() (where a python3 is installed)", (t) => {
  let python: string;
  try {
    python = execFileSync('python3', ['-c', 'import sys; print(",".join(str(c) for c in range(0x110000) if chr(c).isspace()))'], { encoding: 'utf8' });
  } catch {
    t.skip('no python3');
    return;
  }
  const expected = python.trim().split(',').map(Number);
  const ours = Array.from({ length: 0x110000 }, (_, c) => c).filter((c) => isPythonWhitespace(c));
  assert.deepEqual(ours, expected);
});
