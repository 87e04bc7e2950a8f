import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalMethodSpec, sameMethod } from './canonical-spec.js';

test('a method spec has one canonical spelling: defaults dropped, parameters in a fixed order, numbers normalised', () => {
  assert.equal(canonicalMethodSpec('endorm'), 'endorm');
  assert.equal(canonicalMethodSpec('endorm:alpha=1,gamma=1'), 'endorm');
  assert.equal(canonicalMethodSpec(' endorm:gamma=1.0 '), 'endorm');
  assert.equal(canonicalMethodSpec('endorm:gamma=0.90,alpha=0.50'), 'endorm:alpha=0.5,gamma=0.9');
  assert.equal(canonicalMethodSpec('endorm:normalize=mean,terminal=keep,shaping=true'), 'endorm:terminal=keep,shaping=on,normalize=mean');
  assert.equal(canonicalMethodSpec('endorm:shaping=off,normalize=none,terminal=drop'), 'endorm');
  assert.equal(canonicalMethodSpec('loglik'), 'loglik');
  assert.equal(canonicalMethodSpec('judge-pairwise'), 'judge-pairwise');
});

test('a spec this version cannot parse is kept as written, so a report still reads a foreign run', () => {
  assert.equal(canonicalMethodSpec('my-plugin:k=3'), 'my-plugin:k=3');
  assert.equal(canonicalMethodSpec('endorm:beta=2'), 'endorm:beta=2');
  assert.equal(canonicalMethodSpec('endorm:alpha=-1'), 'endorm:alpha=-1');
});

test('sameMethod matches the grid cell endorm:alpha=1,gamma=1 with plain endorm, and nothing else', () => {
  assert.ok(sameMethod('endorm', 'endorm:alpha=1,gamma=1'));
  assert.ok(!sameMethod('endorm', 'endorm:alpha=1,gamma=0.99'));
  assert.ok(!sameMethod('loglik', 'loglik-mean'));
});
