import type { BootstrapOptions } from '../../benchmarks/bootstrap.js';
import { recordJudgements, type RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary } from '../../benchmarks/method-summary.js';
import { stratifiedMeanBootstrap } from '../../benchmarks/stratified-bootstrap.js';
import { REWARD_BENCH_SECTIONS, type RewardBenchSection } from './constants.js';
import { leaderboardScore, rewardBenchSummary, sectionScores, type RewardBenchRecordResult, type RewardBenchSummary } from './scores.js';

/** The key summary.json keeps a method's RewardBench summary under. */
export const REWARD_BENCH_SUMMARY_KEY = 'rewardBench';

/**
 * The official scoring (scores.ts) over one method's record outcomes. A record's `correct` is its share of judgements
 * won: 1 or 0 for a reward (a tie is 0), and for a pairwise judge asked in both orders the share of the two orders it
 * got right, each order counting as one judgement as everywhere else in endorm.
 */
export function summarizeRewardBench(records: readonly RecordOutcome[], options: { bootstrap?: BootstrapOptions } = {}): RewardBenchSummaryWithCi {
  const results = records.flatMap((r) => (r.group === undefined ? [] : [{ subset: r.group, correct: shareWon(r) }]));
  const summary = rewardBenchSummary(results);
  const intervals = rewardBenchIntervals(summary, results, options.bootstrap);
  return { ...summary, sections: summary.sections.map((s) => ({ ...s, ci95: intervals.sections[s.section] })), ci95: intervals.overall };
}

/** The official summary with endorm's 95% intervals: the score's, and each section's (null where it has no score). */
export type RewardBenchSummaryWithCi = Omit<RewardBenchSummary, 'sections'> & {
  /** `ci95` is absent in summaries written before it was computed. */
  sections: (RewardBenchSummary['sections'][number] & { ci95?: [number, number] | null })[];
  ci95?: [number, number] | null;
};

/**
 * 95% intervals by a bootstrap over records stratified by subset: each resample keeps every subset's record count,
 * since the score weighs subsets by upstream's fixed example counts, not by how many records a file has (as RM-Bench's
 * average weighs its domains, see rmBenchIntervals). Subsets RewardBench does not have count towards nothing and are
 * not resampled.
 */
function rewardBenchIntervals(
  summary: RewardBenchSummary,
  results: readonly RewardBenchRecordResult[],
  bootstrap: BootstrapOptions = {},
): { overall: [number, number] | null; sections: Record<RewardBenchSection, [number, number] | null> } {
  const subsets = summary.subsets.filter((s) => s.section !== undefined).map((s) => s.subset);
  const strata = subsets.map((subset) => results.filter((r) => r.subset === subset).map((r) => [r.correct]));
  const intervals = stratifiedMeanBootstrap(
    strata,
    (means) => {
      const scores = sectionScores(Object.fromEntries(subsets.map((subset, i) => [subset, means[i]![0]!])));
      return [leaderboardScore(scores) ?? Number.NaN, ...REWARD_BENCH_SECTIONS.map((section) => scores[section] ?? Number.NaN)];
    },
    { ...bootstrap, level: 0.95 },
  );
  const none = Object.fromEntries(REWARD_BENCH_SECTIONS.map((s) => [s, null])) as Record<RewardBenchSection, [number, number] | null>;
  if (!intervals) return { overall: null, sections: none };
  // A statistic that is not defined (a section without subsets, the score without all four) is NaN in every resample.
  const defined = (ci: [number, number] | null | undefined) => (ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? ci : null);
  const [overall, ...sections] = intervals;
  return { overall: defined(overall), sections: Object.fromEntries(REWARD_BENCH_SECTIONS.map((s, i) => [s, defined(sections[i])])) as Record<RewardBenchSection, [number, number] | null> };
}

function shareWon(record: RecordOutcome): number {
  const { total, correct } = recordJudgements(record);
  return total > 0 ? correct / total : 0;
}

/** A method's RewardBench summary, when its run is a RewardBench run. */
export function rewardBenchOf(m: MethodSummary): RewardBenchSummaryWithCi | undefined {
  return (m as MethodSummary & { [REWARD_BENCH_SUMMARY_KEY]?: RewardBenchSummaryWithCi })[REWARD_BENCH_SUMMARY_KEY];
}

/** A leaderboard section's score, or a subset's accuracy; undefined where the method has none. */
export function rewardBenchScore(m: MethodSummary, name: string): number | undefined {
  const summary = rewardBenchOf(m);
  if (!summary) return undefined;
  if ((REWARD_BENCH_SECTIONS as readonly string[]).includes(name)) return summary.sections.find((s) => s.section === name)?.score ?? undefined;
  return summary.subsets.find((s) => s.subset === name)?.accuracy;
}
