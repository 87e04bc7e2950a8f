import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonErrorPosition } from './json-error-position.js';

const positionOf = (text: string): number | undefined => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorPosition(text, (error as Error).message);
  }
  throw new Error('expected a syntax error');
};

describe('jsonErrorPosition', () => {
  it('finds the first offending character whether or not V8 states it', () => {
    assert.equal(positionOf('[1, }'), 4);
    assert.equal(positionOf('{"a": }'), 6);
    assert.equal(positionOf('[{"a": 1} {"b": 2}]'), 10);
    assert.equal(positionOf('["a\nb"]'), 3);
    assert.equal(positionOf('[1, 2'), 5);
    assert.equal(positionOf('{"a": 1}\n{"a": 2}'), 9);
    assert.equal(positionOf('[tru]'), 1);
  });

  it('uses the position V8 states', () => {
    assert.equal(jsonErrorPosition('whatever', 'Unexpected token in JSON at position 3'), 3);
  });

  it('says nothing for valid JSON', () => {
    assert.equal(jsonErrorPosition('[1, {"a": [true, null, -1.5e3, "\\u00e9"]}]', 'no position'), undefined);
  });
});
