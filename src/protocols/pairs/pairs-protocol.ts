import { DATASET_FORMATS, openDataset, type DatasetFormat } from '../../datasets/open-dataset.js';
import type { BenchmarkProtocol } from '../protocol.js';
import { BEST_OF_N_KEY, bestOfNCard, bestOfNMarkdown, bestOfNRows, summarizeBestOfN } from './best-of-n-summary.js';

const FORMATS = DATASET_FORMATS.filter((f) => f !== 'auto');

/**
 * The generic pairwise protocol: any pair file (JSONL, JSON, CSV, TSV, Parquet, Multifaceted files), or a Hub split
 * of such files, read with the field mapping; each record's comparisons are read off its score lines, and accuracy is
 * reported overall and per group. Records with lists of chosen and rejected responses also get best-of-N accuracy. It reads whatever no other protocol claims, so the registry asks it last.
 */
export const pairsProtocol: BenchmarkProtocol = {
  name: 'pairs',
  kinds: ['multifaceted'],
  label: 'pairs',
  describe: 'pair file (JSONL, JSON, CSV, TSV, Parquet)',
  formats: FORMATS,
  readsShards: true,
  recognises: (input) => input.format === 'auto' || (FORMATS as readonly string[]).includes(input.format),
  open: (input, options) => openDataset(input.shards ?? input.spec, { ...options, format: options.format as DatasetFormat | undefined }),
  summary: { key: BEST_OF_N_KEY, summarize: summarizeBestOfN },
  report: {
    markdown: bestOfNMarkdown,
    html: bestOfNCard,
    rows: bestOfNRows,
    sectionLabel: (section) => section,
  },
};
