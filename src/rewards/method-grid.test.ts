import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridMethodSpec, parseGridAxis, withGridMethods } from './method-grid.js';
import { createResponseMethod } from './response-methods.js';

test('a grid expands into every (α, γ) pair, canonically named, after the methods asked for by name', () => {
  const { methods, grid } = withGridMethods(['loglik', 'endorm:alpha=0.5,gamma=0.9'], [2, 0.5, 0.25, 1, 0.5], [1, 0.9, 0.8, 0.95, 0.99]);
  assert.deepEqual(grid, { alphas: [0.25, 0.5, 1, 2], gammas: [0.8, 0.9, 0.95, 0.99, 1] });
  assert.equal(methods.length, 1 + 20, 'the cell already asked for by name is not repeated');
  assert.deepEqual(methods.slice(0, 4), ['loglik', 'endorm:alpha=0.5,gamma=0.9', 'endorm:alpha=0.25,gamma=0.8', 'endorm:alpha=0.25,gamma=0.9']);
  assert.equal(methods.at(-1), 'endorm:alpha=2,gamma=1');
  // Each name is a valid spec whose settings are the cell's.
  const m = createResponseMethod(gridMethodSpec(0.25, 0.99));
  assert.deepEqual(m.alphas, [0.25]);
  assert.equal(m.spec, 'endorm:alpha=0.25,gamma=0.99');
});

test('one axis alone sweeps it at the other default; no axis is no grid', () => {
  assert.deepEqual(withGridMethods([], undefined, [0.9, 1]).methods, ['endorm:alpha=1,gamma=0.9', 'endorm:alpha=1,gamma=1']);
  assert.deepEqual(withGridMethods([], [0.5]).grid, { alphas: [0.5], gammas: [1] });
  assert.deepEqual(withGridMethods(['endorm']), { methods: ['endorm'] });
});

test('bad grid values are usage errors naming the option and value', () => {
  assert.deepEqual(parseGridAxis('--alpha', ' 0.25, 0.5 ,1,'), [0.25, 0.5, 1]);
  assert.throws(() => parseGridAxis('--alpha', '0.5,x'), /--alpha: "x" is not a number/);
  assert.throws(() => parseGridAxis('--gamma', ','), /--gamma "," : expected|--gamma ",": expected/);
  assert.throws(() => withGridMethods([], [0, 1]), /--alpha: 0 is not a temperature from 0.000001 to 1000000/);
  assert.throws(() => withGridMethods([], undefined, [1.5]), /--gamma: 1.5 is not a discount in \(0, 1\]/);
});
