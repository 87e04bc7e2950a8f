import type { DatasetKind } from '../datasets/pair.js';

/**
 * `run.json`: written when a run starts, before any score. It pins what the scores in `scores.jsonl` mean, so that
 * `report`, `rescore`, `merge` and `--resume` work from the run folder alone.
 */
export interface RunManifest {
  endorm: { version: string };
  createdAt: string;
  model: {
    /** What the user passed to --model (a path or a Hub id). */
    spec: string;
    /** The resolved local folder. */
    path: string;
    modelType: string;
    dtype: string;
    onnxFile: string;
    vocabSize: number;
  };
  dataset: {
    /** What the user passed to --dataset. */
    spec: string;
    path: string;
    name: string;
    kind: DatasetKind;
    /** sha256 of the dataset file(s), hex. */
    sha256: string;
    /** --format and --*-field options that were given: they decide what the records mean. */
    options?: Record<string, string>;
    /**
     * RM-Bench only: records per domain in the whole dataset, before --limit and --shard, so that a report can tell a
     * domain the dataset lacks (math, in the shared files) from one this run did not reach.
     */
    domains?: Record<string, number>;
  };
  settings: {
    methods: string[];
    template: 'chat' | 'none';
    scoreEot: boolean;
    maxLength: number;
    alphas: number[];
    limit?: number;
    /** `--shard K/N`: this run holds the records whose key hashes to shard `index` (1..count). */
    shard?: { index: number; count: number };
    [key: string]: unknown;
  };
  /** Set by `endorm merge`: the shard runs this run was combined from. */
  mergedFrom?: { path: string; shard: { index: number; count: number }; createdAt: string }[];
}
