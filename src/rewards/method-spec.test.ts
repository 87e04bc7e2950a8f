import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMethodSpec, splitMethodList } from './method-spec.js';

test('a methods list splits on commas, keeping parameters with their method', () => {
  assert.deepEqual(splitMethodList('endorm,loglik,length'), ['endorm', 'loglik', 'length']);
  assert.deepEqual(splitMethodList('endorm:alpha=0.5,gamma=0.95,loglik'), ['endorm:alpha=0.5,gamma=0.95', 'loglik']);
  assert.deepEqual(splitMethodList(' endorm:alpha=2 ; endorm:gamma=0.9,terminal=keep '), ['endorm:alpha=2', 'endorm:gamma=0.9,terminal=keep']);
});

test('a spec parses into its name and parameters, and keeps its text as its key', () => {
  assert.deepEqual(parseMethodSpec('endorm:alpha=0.5,gamma=0.95'), {
    spec: 'endorm:alpha=0.5,gamma=0.95',
    name: 'endorm',
    params: { alpha: '0.5', gamma: '0.95' },
  });
  assert.throws(() => parseMethodSpec('endorm:alpha'), /"alpha" is not key=value/);
  assert.throws(() => parseMethodSpec('endorm:alpha=1,alpha=2'), /given twice/);
  assert.throws(() => parseMethodSpec('Bad Name'), /not a method name/);
});
