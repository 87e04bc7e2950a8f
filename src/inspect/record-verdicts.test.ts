import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PairScores } from '../benchmarks/record-store.js';
import type { ComparisonScoreRecord, ResponseScoreRecord } from '../run-store/score-record.js';
import { recordVerdicts, verdictLines } from './record-verdicts.js';

const response = (role: 'chosen' | 'rejected', index: number, scores: Record<string, number>): ResponseScoreRecord =>
  ({ type: 'response', pair: 'chat/1', id: '1', role, index, tokens: 3, chars: 9, truncated: false, scores }) as ResponseScoreRecord;
const comparison = (chosen: number, rejected: number, asA: number, asB: number): ComparisonScoreRecord => ({
  type: 'comparison',
  pair: 'chat/1',
  id: '1',
  chosen,
  rejected,
  truncated: false,
  scores: { 'judge-pairwise': (asA + asB) / 2 },
  extra: { 'judge-pairwise': { chosenAsA: asA, chosenAsB: asB } },
});

/** A 3 × 3 record: endorm scores chosen 1, 2, 3 and rejected 2, 2, 0; a judge that always answers "A". */
function rmBenchLike(): PairScores {
  const pair: PairScores = { key: 'chat/1', chosen: new Map(), rejected: new Map(), comparisons: new Map() };
  [1, 2, 3].forEach((x, i) => pair.chosen.set(i, response('chosen', i, { endorm: x })));
  [2, 2, 0].forEach((x, i) => pair.rejected.set(i, response('rejected', i, { endorm: x })));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) pair.comparisons.set(`${i}:${j}`, comparison(i, j, 0.9, 0.2));
  return pair;
}

const kinds = new Map([
  ['endorm', 'response' as const],
  ['judge-pairwise', 'comparison' as const],
]);

test("a 3 × 3 record: each method's win matrix, ties marked and never right, a judge's two orders per cell", () => {
  const pair = rmBenchLike();
  const verdicts = recordVerdicts(pair, kinds, { chosen: 3, rejected: 3 });
  // endorm: chosen 1 beats only rejected 0; chosen 2 ties 2, 2 and beats 0; chosen 3 beats all.
  assert.deepEqual(
    verdicts.map((v) => [v.method, v.right, v.total, v.ties]),
    [
      ['endorm', 5, 9, 2],
      ['judge-pairwise', 9, 18, 0],
    ],
  );
  const styles = ['concise', 'detailed', 'markdown'];
  const lines = verdictLines(pair, verdicts, (i) => styles[i]);
  assert.deepEqual(lines, [
    '  endorm          5/9 right, 2 ties',
    '          rejected:  concise  detailed  markdown',
    '    chosen concise   ✗        ✗         ✓',
    '    chosen detailed  =        =         ✓',
    '    chosen markdown  ✓        ✓         ✓',
    '  judge-pairwise  9/18 right         each cell: chosen shown first, then second',
    '          rejected:  concise  detailed  markdown',
    '    chosen concise   ✓✗       ✓✗        ✓✗',
    '    chosen detailed  ✓✗       ✓✗        ✓✗',
    '    chosen markdown  ✓✗       ✓✗        ✓✗',
  ]);
});

test('a plain pair: which response won, with both scores; a judge with P(chosen wins) in each order', () => {
  const pair: PairScores = { key: 'p', chosen: new Map([[0, response('chosen', 0, { endorm: -3 })]]), rejected: new Map([[0, response('rejected', 0, { endorm: -5.5 })]]), comparisons: new Map([['0:0', comparison(0, 0, 0.75, 0.5)]]) };
  const lines = verdictLines(pair, recordVerdicts(pair, kinds));
  assert.deepEqual(lines, [
    '  endorm          1/1 right         chosen wins: chosen -3.000 vs rejected -5.500',
    '  judge-pairwise  1/2 right, 1 tie  P(chosen wins) 0.625: chosen shown first 0.750 ✓, shown second 0.500 =',
  ]);
});
