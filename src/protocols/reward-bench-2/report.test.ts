import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary, RunSummary } from '../../benchmarks/method-summary.js';
import { rewardBench2Card, rewardBench2Markdown, rewardBench2Notes, rewardBench2Rows } from './report.js';
import { SUMMARY_KEY, summarizeRewardBench2 } from './summary.js';

const EVIL = '<img src=x onerror=alert(1)>|x';

function outcome(key: string, group: string, chosen: number[], rejected: number[]): RecordOutcome {
  return { key, group, cells: chosen.flatMap((c, i) => rejected.map((r, j) => ({ chosen: i, rejected: j, correct: c > r, tie: c === r }))), scores: { chosen, rejected } };
}

describe('RewardBench 2 reports', () => {
  // Math won, Factuality tied 2-way at the top, and a subset RewardBench 2 does not have, named with HTML and a pipe.
  const rb2 = summarizeRewardBench2([outcome('m', 'Math', [2], [1, 0, 0]), outcome('f', 'Factuality', [1], [1, 0, 0]), outcome('e', EVIL, [1], [0, 0, 0])]);
  const method = { kind: 'response', pairs: 3, [SUMMARY_KEY]: rb2 } as unknown as MethodSummary;
  const summary = { methods: { 'len<gth>': method } } as unknown as RunSummary;

  it('escape dataset text: a subset name is never raw HTML in report.html, nor an open cell in report.md', () => {
    const html = rewardBench2Card(summary)!;
    assert.ok(!html.includes('<img') && /&#60;img|&lt;img/.test(html), html);
    assert.ok(!html.includes('len<gth>'));
    const md = rewardBench2Markdown(summary).join('\n');
    assert.ok(md.includes('\\|x'), 'the pipe in the subset name is escaped in the table header');
  });

  it('give a row per subset with its score, the mean only with all six, and notes on what is missing', () => {
    const rows = rewardBench2Rows('length', method)!;
    assert.equal(rows.split.average, null);
    assert.deepEqual(
      rows.sections.map((r) => [r.name, r.accuracy, r.pairs]),
      [
        ['Factuality', 0.5, 1],
        ['Precise IF', null, 0],
        ['Math', 1, 1],
        ['Safety', null, 0],
        ['Focus', null, 0],
        ['Ties', null, 0],
        [EVIL, 1, 1],
      ],
    );
    assert.deepEqual(rewardBench2Notes({ length: method }), [
      'RewardBench 2: no records in Precise IF, Safety, Focus, Ties, so there is no overall score (the leaderboard\'s is the mean of all six subsets).',
      `RewardBench 2: subset(s) ${JSON.stringify(EVIL)} are not RewardBench 2's: their scores are listed, the overall score leaves them out.`,
    ]);
  });
});
