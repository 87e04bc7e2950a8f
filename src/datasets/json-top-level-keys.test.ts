import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonTopLevelKeys } from './json-top-level-keys.js';

const keys = (text: string) => jsonTopLevelKeys(Buffer.from(text));

test('the top-level keys of an object, nested ones and values skipped', () => {
  assert.deepEqual(keys('{"id": 1, "prompt": [{"role": "user", "content": "a, \\"b\\": {c}"}], "chosen": "x", "rejected": {"k": [1, {"z": 2}]}}'), ['id', 'prompt', 'chosen', 'rejected']);
  assert.deepEqual(keys('\ufeff  {"a\\u00e9\\"": "v", "b":"}"}'), ['aé"', 'b']);
  assert.deepEqual(keys('{}'), []);
});

test('not an object: undefined; cut short: the keys before the cut', () => {
  assert.equal(keys('[{"a": 1}]'), undefined);
  assert.equal(keys('  "text"'), undefined);
  assert.deepEqual(keys('{"a": "unterminated, "b'), ['a']);
  assert.deepEqual(keys(`{"reference_answer": "${'long '.repeat(100_000)}", "system": "s"}`), ['reference_answer', 'system']);
});
