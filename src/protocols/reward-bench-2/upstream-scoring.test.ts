import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordOutcome } from '../../benchmarks/cells.js';
import { EXPECTED, EXPECTED_FINITE, FIXTURE, FIXTURE_FINITE, upstreamNumbers, type FixtureRecord, type UpstreamNumbers } from '../../testing/reward-bench-2-fixture.js';
import { SUBSETS } from './constants.js';
import { summarizeRewardBench2 } from './summary.js';
import { rerollResult, tiesScore } from './upstream-scoring.js';

const TOLERANCE = 1e-12;

function close(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= TOLERANCE, `${what}: ${actual} vs ${expected}`);
}

/** The port's numbers for the fixture, computed as run_v2.py computes them. */
function ported(records: readonly FixtureRecord[]): UpstreamNumbers {
  const results = records.map((x) => (x.subset === 'Ties' ? null : rerollResult(x.scores)));
  const subsets: Record<string, number> = {};
  for (const subset of SUBSETS) {
    const inSubset = records.filter((x) => x.subset === subset);
    subsets[subset] =
      subset === 'Ties' ? tiesScore(inSubset.map((x) => ({ id: x.id, scores: x.scores, numCorrect: x.numCorrect }))).score : inSubset.reduce((s, x) => s + rerollResult(x.scores), 0) / inSubset.length;
  }
  return { results, subsets, overall: SUBSETS.reduce((s, x) => s + subsets[x]!, 0) / SUBSETS.length };
}

function assertSame(actual: UpstreamNumbers, expected: UpstreamNumbers, what: string): void {
  assert.equal(actual.results.length, expected.results.length, what);
  actual.results.forEach((v, i) => (expected.results[i] === null ? assert.equal(v, null, `${what}: record ${i}`) : close(v, expected.results[i]!, `${what}: record ${i}`)));
  assert.deepEqual(Object.keys(actual.subsets).sort(), Object.keys(expected.subsets).sort(), what);
  for (const [subset, value] of Object.entries(expected.subsets)) close(actual.subsets[subset], value, `${what}: ${subset}`);
  close(actual.overall, expected.overall, `${what}: overall`);
}

/** The fixture as a method's record outcomes, as summarizeMethods hands them to the protocol. */
function outcomes(records: readonly FixtureRecord[]): RecordOutcome[] {
  return records.map((x) => {
    const chosen = x.scores.slice(0, x.numCorrect);
    const rejected = x.scores.slice(x.numCorrect);
    const cells = chosen.flatMap((c, i) => rejected.map((r, j) => ({ chosen: i, rejected: j, correct: c > r, tie: c === r })));
    return { key: x.id, group: x.subset, cells, scores: { chosen, rejected } };
  });
}

describe("RewardBench 2's scoring, ported from upstream", () => {
  for (const [name, records, expected] of [
    ['the fixture', FIXTURE, EXPECTED],
    ['the fixture without its NaN record', FIXTURE_FINITE, EXPECTED_FINITE],
  ] as const) {
    it(`gives upstream's numbers on ${name} to 1e-12 (pinned; recomputed by upstream's Python functions when python3 has numpy)`, () => {
      const mine = ported(records);
      assertSame(mine, expected, 'port vs pinned');
      const upstream = upstreamNumbers(records);
      if ('skipped' in upstream) {
        console.log(`upstream's Python not run (${upstream.skipped}); compared with the pinned values only`);
      } else {
        assertSame(upstream, expected, 'upstream now vs pinned');
        assertSame(mine, upstream, 'port vs upstream');
        console.log(`compared with upstream's functions (python3): ${records.length} records, results and six subset scores, overall ${upstream.overall} vs ${mine.overall}`);
      }
    });
  }

  it('splits ties at the top and loses on NaN as reroll_and_score_dataset does', () => {
    assert.equal(rerollResult([2, 2, 1, 0]), 1 / 2);
    assert.equal(rerollResult([5, 5, 5, 1]), 1 / 3);
    assert.equal(rerollResult([-1, -1, -1, -1]), 1 / 4);
    assert.equal(rerollResult([1.5, Number.NaN, 0, 0]), 0, 'a NaN anywhere makes np.max NaN, and nothing equals it');
    assert.equal(rerollResult([Number.NaN, 0, 0, 0]), 0);
  });

  it("gives Ties' parts: both accuracies, the two margin terms and the tanh tie-breaker", () => {
    /*
     * ref accurate: 1, 3, 6 of 1, 2, 3, 4, 6 → 3/5; tied accurate: 1, 3, 5 of 1..5 → 3/5. Prompts with both: 1..4.
     *   correct−incorrect margin (tied) vs spread among correct: 1.5 > 0.5 ✓, 0 > 1.5 ✗, 2 > 0 ✓, 0 > 0 ✗ → 1/2
     *   min(ref margin, tied margin) vs spread: 1 > 0.5 ✓, −1 > 1.5 ✗, 1 > 0 ✓, 0 > 0 ✗ → 1/2
     *   tanh(min / spread − 1): tanh(1), tanh(−5/3), tanh(+inf) = 1, 0/0 = NaN → 0; mean over four
     */
    const t = tiesScore(FIXTURE.filter((x) => x.subset === 'Ties').map((x) => ({ id: x.id, scores: x.scores, numCorrect: x.numCorrect })));
    assert.deepEqual([t.refAccuracy, t.tiedAccuracy, t.correctnessPreferred, t.correctnessPreferredHard], [3 / 5, 3 / 5, 1 / 2, 1 / 2]);
    close(t.marginScore, (Math.tanh(1) + Math.tanh(-5 / 3) + 1 + 0) / 4, 'margin term');
    assert.deepEqual([t.refPrompts, t.tiedPrompts, t.pairedPrompts], [5, 5, 4]);
    close(t.score, 0.3 * 0.6 + 0.3 * 0.6 + 0.2 * 0.5 + 0.2 * 0.5 + 0.01 * t.marginScore, 'weighted score');
  });
});

describe('summarizeRewardBench2', () => {
  it("gives upstream's six subset scores and the leaderboard's mean from a method's record outcomes, the NaN record counted", () => {
    const summary = summarizeRewardBench2(outcomes(FIXTURE));
    assert.deepEqual(
      summary.subsets.map((s) => [s.subset, s.records]),
      [
        ['Factuality', 4],
        ['Precise IF', 3],
        ['Math', 2],
        ['Safety', 3],
        ['Focus', 2],
        ['Ties', 10],
      ],
    );
    for (const s of summary.subsets) close(s.score, EXPECTED.subsets[s.subset]!, s.subset);
    close(summary.overall, EXPECTED.overall, 'overall');
    assert.deepEqual([summary.missingSubsets, summary.unknownSubsets, summary.unscoredTies], [[], [], 0]);
    assert.deepEqual(summary.ties && [summary.ties.refPrompts, summary.ties.tiedPrompts, summary.ties.pairedPrompts], [5, 5, 4]);
  });

  it('gives every subset and the score a seeded 95% interval that holds the point, Ties resampled by prompt', () => {
    const records = outcomes(FIXTURE);
    const summary = summarizeRewardBench2(records);
    for (const s of summary.subsets) {
      const [lo, hi] = s.ci95!;
      assert.ok(lo <= s.score! + TOLERANCE && s.score! <= hi + TOLERANCE && lo < hi, `${s.subset} ${s.score} in [${lo}, ${hi}]`);
    }
    const [lo, hi] = summary.ci95!;
    assert.ok(lo < summary.overall! && summary.overall! < hi, `${summary.overall} in [${lo}, ${hi}]`);
    assert.deepEqual(summarizeRewardBench2(records).ci95, summary.ci95, 'seeded');
    // Every record of every subset right: nothing to resample away (Ties: every prompt accurate, margins clear).
    const perfect = summarizeRewardBench2(outcomes(SUBSETS.flatMap((subset): FixtureRecord[] => (subset === 'Ties' ? [{ id: 'ref:1', subset, scores: [3, 0], numCorrect: 1 }, { id: 'tied:1', subset, scores: [3, 2.5, 0], numCorrect: 2 }] : [{ id: subset, subset, scores: [1, 0, 0, 0], numCorrect: 1 }]))));
    const tiesPerfect = 0.3 + 0.3 + 0.2 + 0.2 + 0.01 * Math.tanh(2.5 / 0.5 - 1);
    close(perfect.overall, (5 + tiesPerfect) / 6, 'perfect overall');
    assert.deepEqual(perfect.ci95, [perfect.overall, perfect.overall]);
  });

  it('has no overall score without all six subsets, reports unknown subsets, and leaves Ties to per-response methods', () => {
    const judged: RecordOutcome[] = [
      { key: 'a', group: 'Math', cells: [0, 1, 2].map((j) => ({ chosen: 0, rejected: j, correct: true, tie: false, orders: [0.9, j === 2 ? 0.5 : 0.8] as [number, number] })) },
      { key: 'ref:1', group: 'Ties', cells: [{ chosen: 0, rejected: 0, correct: true, tie: false, orders: [0.9, 0.9] }] },
      { key: 'b', group: 'Extra', cells: [{ chosen: 0, rejected: 0, correct: false, tie: false, orders: [0.1, 0.2] }] },
    ];
    const summary = summarizeRewardBench2(judged);
    // Math: order 1 wins outright (1); order 2 ties one rejected at 0.5 (1/2): (1 + 1/2) / 2.
    assert.deepEqual(
      summary.subsets.map((s) => [s.subset, s.score]),
      [
        ['Math', 0.75],
        ['Extra', 0],
      ],
    );
    assert.equal(summary.overall, null);
    assert.equal(summary.ci95, null);
    assert.deepEqual(summary.missingSubsets, ['Factuality', 'Precise IF', 'Safety', 'Focus', 'Ties']);
    assert.deepEqual(summary.unknownSubsets, ['Extra']);
    assert.equal(summary.unscoredTies, 1);
  });
});
