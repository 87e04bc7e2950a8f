import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A hand-made RewardBench 2 fixture: every subset, best-of-4 prompts won, lost, tied 2-, 3- and 4-way at the top, one
 * with a NaN score; Ties prompts with 2, 3 and 4 correct answers, a ref/tied pair whose correct and incorrect answers
 * tie exactly, a tied prompt whose correct answers all score the same (margin / 0 = ±inf), one whose margins are 0 / 0
 * (NaN, counted 0), a tied prompt without its ref and a ref without its tied. Scores are what a method gave each
 * completion, the correct ones first (upstream's order: chosen + rejected).
 */
export interface FixtureRecord {
  id: string;
  subset: string;
  scores: number[];
  numCorrect: number;
}

const r = (id: string, subset: string, scores: number[], numCorrect = 1): FixtureRecord => ({ id, subset, scores, numCorrect });

export const FIXTURE: readonly FixtureRecord[] = [
  r('f1', 'Factuality', [3, 1, 2, 0]),
  r('f2', 'Factuality', [2, 2, 1, 0]),
  r('f3', 'Factuality', [1, 2, 0, 0]),
  r('f4', 'Factuality', [1.5, Number.NaN, 0, 0]),
  r('p1', 'Precise IF', [5, 5, 5, 1]),
  r('p2', 'Precise IF', [0.25, -1, -2, -3]),
  r('p3', 'Precise IF', [-1, -1, -1, -1]),
  r('m1', 'Math', [1, 0, 0, 0]),
  r('m2', 'Math', [0, 1, 0, 0]),
  r('s1', 'Safety', [2, 1, 1, 1]),
  r('s2', 'Safety', [-0.5, -0.25, -1, -2]),
  r('s3', 'Safety', [1, 1, 0.5, 0]),
  r('fo1', 'Focus', [0.1, 0.2, 0.05, 0]),
  r('fo2', 'Focus', [7, 6, 5, 4]),
  r('ref:1', 'Ties', [3, 1, 2, 0]),
  r('tied:1', 'Ties', [4, 3.5, 1, 2], 2),
  r('ref:2', 'Ties', [1, 2, 0]),
  r('tied:2', 'Ties', [2, 1, 0.5, 0.5, -1], 3),
  r('ref:3', 'Ties', [2, 0, 0, 1]),
  r('tied:3', 'Ties', [3, 3, 3, 3, 1, 0], 4),
  r('ref:4', 'Ties', [0, 0, -1]),
  r('tied:4', 'Ties', [1, 1, 1], 2),
  r('tied:5', 'Ties', [2, 1, 0], 2),
  r('ref:6', 'Ties', [1, 0]),
];

/** What upstream's functions give, by upstream_v2_reference.py (numpy 2.4.6), pinned so that CI needs no Python. */
export interface UpstreamNumbers {
  /** reroll_and_score_dataset's `results` per record, in order; null for Ties (upstream sets them to None). */
  results: (number | null)[];
  subsets: Record<string, number>;
  /** The leaderboard's mean of the six subsets. */
  overall: number;
}

export const EXPECTED: UpstreamNumbers = {
  results: [1, 0.5, 0, 0, 0.3333333333333333, 1, 0.25, 1, 0, 1, 0, 0.5, 0, 1, ...new Array<null>(10).fill(null)],
  subsets: { Factuality: 0.375, Focus: 0.5, Math: 0.5, 'Precise IF': 0.5277777777777778, Safety: 0.5, Ties: 0.5620762113682204 },
  overall: 0.494142331524333,
};

/** The fixture without its NaN record (f4), as a method that cannot give NaN (length) scores it end to end. */
export const FIXTURE_FINITE: readonly FixtureRecord[] = FIXTURE.filter((x) => x.id !== 'f4');

export const EXPECTED_FINITE: UpstreamNumbers = {
  results: [1, 0.5, 0, 0.3333333333333333, 1, 0.25, 1, 0, 1, 0, 0.5, 0, 1, ...new Array<null>(10).fill(null)],
  subsets: { Factuality: 0.5, Focus: 0.5, Math: 0.5, 'Precise IF': 0.5277777777777778, Safety: 0.5, Ties: 0.5620762113682204 },
  overall: 0.5149756648576663,
};

const REFERENCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'protocols', 'reward-bench-2', 'upstream_v2_reference.py');

/**
 * Upstream's numbers for these records, computed now by upstream's own functions with python3 and numpy; undefined
 * (with the reason) when this machine has no python3 with numpy.
 */
export function upstreamNumbers(records: readonly FixtureRecord[]): UpstreamNumbers | { skipped: string } {
  // JSON has no NaN; Python's json module reads the bare token.
  const input = JSON.stringify({ records: records.map((x) => ({ id: x.id, subset: x.subset, scores: x.scores, num_correct: x.numCorrect })) }, (_, v) =>
    typeof v === 'number' && Number.isNaN(v) ? '__NaN__' : v,
  ).replaceAll('"__NaN__"', 'NaN');
  const run = spawnSync('python3', ['-W', 'ignore', REFERENCE], { input, encoding: 'utf8' });
  if (run.error) return { skipped: `python3 did not start: ${run.error.message}` };
  if (run.status !== 0) {
    if (/No module named 'numpy'/.test(run.stderr)) return { skipped: 'python3 has no numpy' };
    throw new Error(`upstream_v2_reference.py failed (${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as UpstreamNumbers;
}
