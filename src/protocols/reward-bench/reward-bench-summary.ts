import { recordJudgements, type RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary } from '../../benchmarks/method-summary.js';
import { REWARD_BENCH_SECTIONS } from './constants.js';
import { rewardBenchSummary, type RewardBenchSummary } from './scores.js';

/** The key summary.json keeps a method's RewardBench summary under. */
export const REWARD_BENCH_SUMMARY_KEY = 'rewardBench';

/**
 * The official scoring (scores.ts) over one method's record outcomes. A record's `correct` is its share of judgements
 * won: 1 or 0 for a reward (a tie is 0), and for a pairwise judge asked in both orders the share of the two orders it
 * got right, each order counting as one judgement as everywhere else in endorm.
 */
export function summarizeRewardBench(records: readonly RecordOutcome[]): RewardBenchSummary {
  return rewardBenchSummary(records.flatMap((r) => (r.group === undefined ? [] : [{ subset: r.group, correct: shareWon(r) }])));
}

function shareWon(record: RecordOutcome): number {
  const { total, correct } = recordJudgements(record);
  return total > 0 ? correct / total : 0;
}

/** A method's RewardBench summary, when its run is a RewardBench run. */
export function rewardBenchOf(m: MethodSummary): RewardBenchSummary | undefined {
  return (m as MethodSummary & { [REWARD_BENCH_SUMMARY_KEY]?: RewardBenchSummary })[REWARD_BENCH_SUMMARY_KEY];
}

/** A leaderboard section's score, or a subset's accuracy; undefined where the method has none. */
export function rewardBenchScore(m: MethodSummary, name: string): number | undefined {
  const summary = rewardBenchOf(m);
  if (!summary) return undefined;
  if ((REWARD_BENCH_SECTIONS as readonly string[]).includes(name)) return summary.sections.find((s) => s.section === name)?.score ?? undefined;
  return summary.subsets.find((s) => s.subset === name)?.accuracy;
}
