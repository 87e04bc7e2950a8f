import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MethodSpecError } from '../rewards/method-spec.js';
import { checkReference, referenceMethod } from './reference-method.js';

test('the default reference is the first spec whose method is endorm, by its parsed name', () => {
  assert.equal(referenceMethod(['likelihood', 'endorm:a=1', 'endorm']), 'endorm:a=1');
  assert.equal(referenceMethod(['likelihood']), undefined);
  // A name that merely starts with "endorm", or a spec that does not parse, is not the endorm method.
  assert.equal(referenceMethod(['endormish', 'not a spec', 'loglik', 'endorm:gamma=0.9']), 'endorm:gamma=0.9');
});

test('a chosen reference wins when it is among the methods', () => {
  assert.equal(referenceMethod(['endorm', 'loglik'], 'loglik'), 'loglik');
  assert.equal(referenceMethod(['endorm', 'loglik'], 'length'), undefined);
  assert.doesNotThrow(() => checkReference(undefined, ['endorm']));
  assert.doesNotThrow(() => checkReference('loglik', ['endorm', 'loglik']));
  assert.throws(() => checkReference('length', ['endorm', 'loglik']), (e: Error) => e instanceof MethodSpecError && /--reference length is not among the run's methods \(endorm, loglik\)/.test(e.message));
});

test('in a grid run the default reference is endorm\'s default setting, wherever the grid put it; else the first endorm', () => {
  const cells = ['loglik', 'endorm:alpha=0.5,gamma=0.9', 'endorm:alpha=0.5,gamma=1', 'endorm:alpha=1,gamma=0.9', 'endorm:alpha=1,gamma=1'];
  assert.equal(referenceMethod(cells, undefined, { grid: true }), 'endorm:alpha=1,gamma=1');
  assert.equal(referenceMethod(cells), 'endorm:alpha=0.5,gamma=0.9', 'without a grid, the order the user gave');
  assert.equal(referenceMethod(cells.slice(0, 4), undefined, { grid: true }), 'endorm:alpha=0.5,gamma=0.9', 'a grid without the default setting');
  assert.equal(referenceMethod(cells, 'loglik', { grid: true }), 'loglik', '--reference wins');
});
