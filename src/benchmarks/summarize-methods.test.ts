import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonLine, responseLines } from '../testing/fixture-lines.js';
import { ScoreRecordStore } from './record-store.js';
import { summarizeMethods } from './summarize-methods.js';

test('summarizes every method: order, kinds, groups, paired test, incomplete records', () => {
  const store = new ScoreRecordStore();
  // 10 plain pairs; endorm right on p0..p8, length right on p0..p1 only, judge on p0..p4 only.
  for (let k = 0; k < 10; k++) {
    const group = k < 5 ? 'a' : 'b';
    for (const line of responseLines(
      `p${k}`,
      group,
      [{ endorm: k < 9 ? 1 : 0, length: k < 2 ? 1 : 0 }],
      [{ endorm: 0.5, length: 0.5 }],
    )) {
      store.add(line);
    }
    if (k < 5) store.add(comparisonLine(`p${k}`, 0, 0, { judge: k === 0 ? 0.5 : 0.9 }, group));
  }
  const methods = summarizeMethods(store, { methods: ['length', 'endorm', 'unscored'] });
  assert.deepEqual(Object.keys(methods), ['length', 'endorm', 'unscored', 'judge']);

  const endorm = methods['endorm']!;
  assert.equal(endorm.kind, 'response');
  assert.equal(endorm.accuracy, 0.9);
  assert.equal(endorm.pairs, 10);
  assert.equal(endorm.incomplete, 0);
  assert.equal(endorm.vsReference, undefined);
  assert.deepEqual(Object.keys(endorm.groups), ['a', 'b']);
  assert.equal(endorm.groups['b']!.accuracy, 0.8);
  assert.deepEqual(Object.keys(endorm), ['kind', 'accuracy', 'ci95', 'pairs', 'comparisons', 'correct', 'ties', 'incomplete', 'groups'], 'no protocol, no protocol part');

  const length = methods['length']!;
  assert.equal(length.accuracy, 0.2);
  assert.deepEqual(
    { b: length.vsReference!.b, c: length.vsReference!.c, reference: length.vsReference!.reference },
    { b: 7, c: 0, reference: 'endorm' },
  );
  assert.ok(Math.abs(length.vsReference!.pValue - 2 / 128) < 1e-12);

  const judge = methods['judge']!;
  assert.equal(judge.kind, 'comparison');
  assert.equal(judge.pairs, 5);
  assert.equal(judge.incomplete, 5);
  assert.equal(judge.ties, 1);
  assert.equal(judge.accuracy, 0.8);
  assert.equal(judge.vsReference!.comparisons, 5);
  assert.deepEqual([judge.vsReference!.b, judge.vsReference!.c], [1, 0]);

  const unscored = methods['unscored']!;
  assert.equal(unscored.accuracy, null);
  assert.equal(unscored.pairs, 0);
  assert.equal(unscored.incomplete, 10);

  // The reference is a setting: with length as the reference, endorm is the one tested (b and c swap).
  const vsLength = summarizeMethods(store, { methods: ['length', 'endorm'], reference: 'length' });
  assert.equal(vsLength['length']!.vsReference, undefined);
  assert.deepEqual(
    { b: vsLength['endorm']!.vsReference!.b, c: vsLength['endorm']!.vsReference!.c, reference: vsLength['endorm']!.vsReference!.reference },
    { b: 0, c: 7, reference: 'length' },
  );
});

test('a protocol fixes the record shape and adds its own summary under its key, after groups', () => {
  const store = new ScoreRecordStore();
  const scores = (values: number[]) => values.map((endorm) => ({ endorm }));
  for (const line of responseLines('a/1', 'a', scores([2, 2]), scores([1, 1]))) store.add(line);
  for (const line of responseLines('b/1', 'b', scores([2]), scores([1]))) store.add(line);
  const cells: number[] = [];
  const protocol = { shape: { chosen: 2, rejected: 2 }, summary: { key: 'toy', summarize: (records: readonly { cells: unknown[] }[]) => records.map((r) => cells.push(r.cells.length)).length } };
  const endorm = summarizeMethods(store, { protocol })['endorm']!;
  assert.equal(endorm.pairs, 1, 'the 1 x 1 record lacks the fixed shape');
  assert.equal(endorm.incomplete, 1);
  assert.equal(endorm.comparisons, 4);
  assert.deepEqual(cells, [4]);
  assert.deepEqual(Object.keys(endorm).slice(-2), ['groups', 'toy']);
  assert.equal((endorm as unknown as Record<string, unknown>)['toy'], 1);
});

test('bootstrap intervals are reproducible run to run', () => {
  const store = new ScoreRecordStore();
  for (let k = 0; k < 50; k++) for (const line of responseLines(`p${k}`, undefined, [{ m: k % 4 }], [{ m: 1.5 }])) store.add(line);
  assert.deepEqual(summarizeMethods(store)['m']!.ci95, summarizeMethods(store)['m']!.ci95);
});
