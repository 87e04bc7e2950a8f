import type { BenchmarkProtocol } from '../protocol.js';
import { ALIAS, HUB_SPLIT, SUBSETS } from './constants.js';
import { folderFiles, isRewardBench2Folder } from './folder.js';
import { recordsPerGroup } from '../record-dataset.js';
import { openRewardBench2 } from './reader.js';
import { isRewardBench2Record } from './records.js';
import { rewardBench2Card, rewardBench2Markdown, rewardBench2Notes, rewardBench2Rows } from './report.js';
import { rewardBench2Of, subsetCi95, subsetScore, SUMMARY_KEY, summarizeRewardBench2 } from './summary.js';

/**
 * RewardBench 2 (Malik et al., 2025): per prompt one correct completion against three incorrect ones (Ties: several
 * correct), in six subsets, scored as allenai/reward-bench scores it (best-of-4 with ties split, Ties' weighted score,
 * the leaderboard's mean of the six subsets), from a file, a folder, a stream or the Hub's `allenai/reward-bench-2`
 * split "test".
 */
export const rewardBench2Protocol: BenchmarkProtocol = {
  name: 'reward-bench-2',
  label: 'RewardBench 2',
  describe: 'RewardBench 2 file or folder (recognised by its records)',
  formats: ['reward-bench-2'],
  readsFolders: true,
  readsShards: true,
  hubAliases: { [ALIAS]: { repo: HUB_SPLIT.repo, split: HUB_SPLIT } },
  recognises: async (input) => {
    if (input.format === 'reward-bench-2') return true;
    if (input.format !== 'auto') return false;
    return input.isFolder ? isRewardBench2Folder(input.path) : isRewardBench2Record(await input.firstRecord());
  },
  open: async (input, options) => openRewardBench2(input.isFolder && !input.shards ? { ...input, shards: await folderFiles(input.path) } : input, options),
  datasetFacts: async (dataset) => {
    const subsets = await recordsPerGroup(dataset);
    return subsets ? { subsets } : {};
  },
  // Upstream counts a prompt with a NaN score (it loses), so such a record is kept rather than left out as incomplete.
  nonFiniteScores: 'keep',
  sections: SUBSETS,
  sectionOf: (pair) => pair.group,
  sectionScore: subsetScore,
  sectionCi95: subsetCi95,
  summary: { key: SUMMARY_KEY, summarize: summarizeRewardBench2 },
  notes: rewardBench2Notes,
  headline: {
    title: 'RewardBench 2 score',
    short: 'RewardBench 2',
    row: 'average',
    value: (m) => rewardBench2Of(m)?.overall,
    ci95: (m) => rewardBench2Of(m)?.ci95 ?? null,
    resampledWithin: 'subset (Ties: by prompt)',
    parts: (m) => {
      const rb = rewardBench2Of(m);
      if (!rb) return undefined;
      return Object.fromEntries(rb.subsets.filter((s) => (SUBSETS as readonly string[]).includes(s.subset)).map((s) => [s.subset, { value: s.score, ci95: s.ci95 }]));
    },
  },
  report: {
    markdown: rewardBench2Markdown,
    html: (summary) => {
      const html = rewardBench2Card(summary);
      return html ? { html, folded: 'RewardBench 2 subsets' } : undefined;
    },
    rows: rewardBench2Rows,
    sectionLabel: (section) => `RewardBench 2 ${section}`,
    splitLabel: (split) => (split === 'average' ? 'RewardBench 2 score' : `RewardBench 2 ${split}`),
    comparisonNote: 'RewardBench 2 rows are its six subsets (best-of-4 accuracy with ties split; Ties its weighted score) and the score, their mean.',
  },
};
