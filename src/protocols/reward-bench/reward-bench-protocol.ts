import type { BenchmarkProtocol } from '../protocol.js';
import { isRewardBenchSubset, REWARD_BENCH_SECTIONS, REWARD_BENCH_SUBSETS } from './constants.js';
import { REWARD_BENCH_ALIAS, REWARD_BENCH_HUB } from './hub-source.js';
import { isRewardBenchRecord } from './records.js';
import { recordsPerGroup } from '../record-dataset.js';
import { openRewardBench } from './reward-bench-reader.js';
import { rewardBenchCard, rewardBenchMarkdown, rewardBenchNotes, rewardBenchRows } from './reward-bench-report.js';
import { REWARD_BENCH_SUMMARY_KEY, rewardBenchOf, rewardBenchScore, summarizeRewardBench } from './reward-bench-summary.js';

/**
 * RewardBench (Lambert et al., 2024): one chosen and one rejected response per prompt, grouped by subset, scored as
 * upstream does (accuracy per subset, sections weighted by upstream's example counts, the leaderboard's mean of the
 * four sections), from a file, a stream or the Hub's `allenai/reward-bench` split "filtered".
 *
 * A stream is not recognised by its records (looking at them would consume it): `--format reward-bench` reads one.
 */
export const rewardBenchProtocol: BenchmarkProtocol = {
  name: 'reward-bench',
  label: 'RewardBench',
  describe: 'RewardBench file (recognised by its records)',
  formats: ['reward-bench'],
  readsShards: true,
  hubAliases: { [REWARD_BENCH_ALIAS]: { repo: REWARD_BENCH_HUB.repo, split: REWARD_BENCH_HUB } },
  recognises: async (input) =>
    input.format === 'reward-bench' || (input.format === 'auto' && !input.isFolder && isRewardBenchRecord(await input.firstRecord())),
  open: openRewardBench,
  datasetFacts: async (dataset) => {
    const subsets = await recordsPerGroup(dataset);
    return subsets ? { subsets } : {};
  },
  shape: { chosen: 1, rejected: 1 },
  sections: [...REWARD_BENCH_SECTIONS, ...REWARD_BENCH_SUBSETS],
  sectionScore: rewardBenchScore,
  summary: { key: REWARD_BENCH_SUMMARY_KEY, summarize: summarizeRewardBench },
  notes: rewardBenchNotes,
  headline: {
    title: 'RewardBench score',
    short: 'RewardBench',
    row: 'average',
    value: (m) => rewardBenchOf(m)?.overall,
    // Summaries written before the interval was computed have none.
    ci95: (m) => rewardBenchOf(m)?.ci95 ?? null,
    resampledWithin: 'subset',
    counts: (group) => group !== undefined && isRewardBenchSubset(group),
    missing: (m) => {
      const gone = rewardBenchOf(m)?.missingSubsets ?? [];
      if (gone.length === 0) return undefined;
      const shown = gone.length > 6 ? `${gone.slice(0, 6).join(', ')} and ${gone.length - 6} more` : gone.join(', ');
      return `${REWARD_BENCH_SUBSETS.length - gone.length} of ${REWARD_BENCH_SUBSETS.length} subsets: ${shown} missing`;
    },
  },
  report: {
    markdown: rewardBenchMarkdown,
    html: (summary, series) => {
      const html = rewardBenchCard(summary, series);
      return html ? { html, folded: 'RewardBench sections and subsets' } : undefined;
    },
    rows: rewardBenchRows,
    sectionLabel: (section) => `RewardBench ${section}`,
    splitLabel: (split) => (split === 'average' ? 'RewardBench score' : `RewardBench ${split}`),
    comparisonNote: "RewardBench rows are the four leaderboard sections (subsets weighted by upstream's example counts), the score (their mean) and the 23 subsets.",
  },
};
