import { EXAMPLE_COUNTS, REWARD_BENCH_SECTIONS, REWARD_BENCH_SUBSETS, SUBSET_MAPPING, sectionOf, type RewardBenchSection } from './constants.js';

/*
 * RewardBench's official scoring, ported from allenai/reward-bench:
 *  - per subset: share of records won (scripts/run_rm.py, commit 045c7f8291f804d193bb102f590fd9db8d52cec3:
 *    `num_correct / num_total` over `1 if chosen > rejected else 0`). A tie is therefore a loss there, as it is
 *    everywhere in endorm. Upstream's generative judges (scripts/run_generative.py) score an undecided verdict 0.5
 *    instead; a record's `correct` may carry such a fraction (a pairwise judge asked in both orders).
 *  - per section: calculate_scores_per_section in rewardbench/utils.py (commit a0096928eb1d54edd3f6361374708cc68e738b79),
 *    the mean of the present subsets' accuracies weighted by EXAMPLE_COUNTS. A subset that is absent drops out of
 *    the weights, as upstream's `if test in metrics` does.
 *  - overall: the leaderboard's Score, the plain mean of the four sections. The leaderboard first weighed them 2
 *    each with "Prior Sets" at 1 (analysis/get_benchmark_results.py, commit a32e272b3e018467f742a1b4d18c4cc3d0317d31,
 *    `weights = [2, 2, 2, 2, 1]` over a masked array); ArmoRM-Llama3-8B-v0.1 was listed at 89.0 with sections 96.9,
 *    76.8, 92.2, 97.3 and prior sets 74.3 ((2 x 363.2 + 74.3) / 9 = 88.97). Later listings drop prior sets: the same
 *    sections give 90.8 = 363.2 / 4 (SkyworkAI/Skywork-Reward README, commit 1cb93a4e7dfcbfa29f094f418c7270e8301e6bb6).
 *    The dataset card still says the score averages the sections "including Prior Sets". endorm does not run the
 *    prior sets, and with that column masked the old formula is the same plain mean.
 */

/** One record's outcome for one method. */
export interface RewardBenchRecordResult {
  subset: string;
  /**
   * Share of this record's judgements that preferred the chosen response: 1 or 0 for a reward (a tie is 0), and for
   * a pairwise judge asked in both orders the share of the two orders it got right.
   */
  correct: number;
}

export interface SubsetAccuracy {
  subset: string;
  /** Undefined for a subset that is not one of the 23: it is reported but counts towards no section. */
  section?: RewardBenchSection;
  records: number;
  /** Sum of the records' `correct`. */
  correct: number;
  accuracy: number;
}

export interface SectionScore {
  section: RewardBenchSection;
  /** EXAMPLE_COUNTS-weighted mean of the present subsets' accuracies; null when none of its subsets is present. */
  score: number | null;
  records: number;
  /** The section's subsets without a single record: the score above leaves them out. */
  missingSubsets: string[];
}

export interface RewardBenchSummary {
  /** Present subsets in upstream's order, then unknown ones by name. */
  subsets: SubsetAccuracy[];
  sections: SectionScore[];
  /** Mean of the four section scores; null unless all four are present. */
  overall: number | null;
  /** The 23 subsets less those present: when not empty, the scores are not comparable with the leaderboard's. */
  missingSubsets: string[];
  /** Subsets that are not RewardBench's: accuracy reported, left out of every section. */
  unknownSubsets: string[];
}

/** Accuracy of each subset present in `records`. Throws RangeError for a `correct` outside [0, 1]. */
export function subsetAccuracies(records: Iterable<RewardBenchRecordResult>): SubsetAccuracy[] {
  const totals = new Map<string, { records: number; correct: number }>();
  for (const { subset, correct } of records) {
    if (!(correct >= 0 && correct <= 1)) throw new RangeError(`record of subset ${JSON.stringify(subset)}: correct must lie in [0, 1], got ${correct}`);
    const total = totals.get(subset) ?? { records: 0, correct: 0 };
    total.records += 1;
    total.correct += correct;
    totals.set(subset, total);
  }
  const known = REWARD_BENCH_SUBSETS.filter((s) => totals.has(s));
  const unknown = [...totals.keys()].filter((s) => sectionOf(s) === undefined).sort();
  return [...known, ...unknown].map((subset) => {
    const total = totals.get(subset)!;
    const section = sectionOf(subset);
    const accuracy: SubsetAccuracy = { subset, records: total.records, correct: total.correct, accuracy: total.correct / total.records };
    return section === undefined ? accuracy : { section, ...accuracy };
  });
}

/**
 * calculate_scores_per_section: `accuracies` maps subset to accuracy in [0, 1], as upstream's results file does.
 * Upstream puts 0 for a section none of whose subsets is present; that 0 is a placeholder, not a score, so it is null
 * here.
 */
export function sectionScores(accuracies: Readonly<Record<string, number>>): Record<RewardBenchSection, number | null> {
  const scores = {} as Record<RewardBenchSection, number | null>;
  for (const section of REWARD_BENCH_SECTIONS) {
    let weighted = 0;
    let weights = 0;
    for (const subset of SUBSET_MAPPING[section]) {
      const accuracy = accuracies[subset];
      if (accuracy === undefined) continue;
      weighted += accuracy * EXAMPLE_COUNTS[subset]!;
      weights += EXAMPLE_COUNTS[subset]!;
    }
    scores[section] = weights > 0 ? weighted / weights : null;
  }
  return scores;
}

/** The leaderboard's Score: the plain mean of the four sections, or null if one is missing. */
export function leaderboardScore(sections: Readonly<Record<RewardBenchSection, number | null>>): number | null {
  let sum = 0;
  for (const section of REWARD_BENCH_SECTIONS) {
    const score = sections[section];
    if (score === null) return null;
    sum += score;
  }
  return sum / REWARD_BENCH_SECTIONS.length;
}

/** The whole protocol over one method's record outcomes. */
export function rewardBenchSummary(records: Iterable<RewardBenchRecordResult>): RewardBenchSummary {
  const subsets = subsetAccuracies(records);
  const present = new Map(subsets.map((s) => [s.subset, s]));
  const scores = sectionScores(Object.fromEntries(subsets.map((s) => [s.subset, s.accuracy])));
  const sections = REWARD_BENCH_SECTIONS.map((section): SectionScore => {
    const names = SUBSET_MAPPING[section];
    return {
      section,
      score: scores[section],
      records: names.reduce((sum, name) => sum + (present.get(name)?.records ?? 0), 0),
      missingSubsets: names.filter((name) => !present.has(name)),
    };
  });
  return {
    subsets,
    sections,
    overall: leaderboardScore(scores),
    missingSubsets: sections.flatMap((s) => s.missingSubsets),
    unknownSubsets: subsets.filter((s) => s.section === undefined).map((s) => s.subset),
  };
}
