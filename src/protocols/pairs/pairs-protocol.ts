import { DATASET_FORMATS, openDataset, type DatasetFormat } from '../../datasets/open-dataset.js';
import type { BenchmarkProtocol } from '../protocol.js';

const FORMATS = DATASET_FORMATS.filter((f) => f !== 'auto');

/**
 * The generic pairwise protocol: any pair file (JSONL, JSON, CSV, TSV, Multifaceted files) read with the field
 * mapping; each record's comparisons are read off its score lines, and accuracy is reported overall and per group.
 * It reads whatever no other protocol claims, so the registry asks it last.
 */
export const pairsProtocol: BenchmarkProtocol = {
  name: 'pairs',
  kinds: ['multifaceted'],
  label: 'pairs',
  describe: 'pair file (JSONL, JSON, CSV, TSV)',
  formats: FORMATS,
  recognises: (input) => input.format === 'auto' || (FORMATS as readonly string[]).includes(input.format),
  open: (input, options) => openDataset(input.spec, { ...options, format: options.format as DatasetFormat | undefined }),
};
