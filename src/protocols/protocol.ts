import type { BootstrapOptions } from '../benchmarks/bootstrap.js';
import type { NonFiniteScores, RecordOutcome, Shape } from '../benchmarks/cells.js';
import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import type { DifficultyColumns, SummaryRow } from '../benchmarks/summary-row.js';
import type { DatasetFiles } from '../datasets/dataset-files.js';
import type { HfDatasetSpec } from '../datasets/hf-dataset-spec.js';
import type { Dataset, DatasetOptions } from '../datasets/open-dataset.js';
import type { Pair } from '../datasets/pair.js';
import type { HubAccessOptions } from '../model/hub/hub-settings.js';
import type { HubProgressCallback } from '../model/hub/progress.js';
import type { RunManifest } from '../run-store/run-manifest.js';

/** What `--dataset` named, as a protocol sees it when asked whether it reads it. */
export interface DatasetInput {
  /** As the user wrote it (messages name it so). */
  spec: string;
  /** Absolute path of the file or folder; for a Hub split, its file when it has one, else the folder holding them. */
  path: string;
  isFolder: boolean;
  /** `--format`; 'auto' when not given. */
  format: string;
  /**
   * The first well-formed record of a file, or of a Hub split's first file (undefined for a folder, a stream, or a
   * file with none), read on first call.
   */
  firstRecord(): Promise<unknown>;
  /** A Hub split (`--dataset hf:…`): its files, downloaded and hashed, to be read in order as one dataset. */
  shards?: DatasetFiles;
}

/** Dataset options with `--format` as any protocol's format name. */
export type BenchmarkDatasetOptions = Omit<DatasetOptions, 'format'> & { format?: string };

/**
 * `--dataset NAME` that is downloaded from the Hugging Face Hub instead of read from a path: either files the protocol
 * fetches itself, or a split of a dataset repository, read as `--dataset hf:REPO:SPLIT` is (and so recorded in run.json
 * down to the commit).
 */
export type HubAlias = HubFileAlias | HubSplitAlias;

export interface HubFileAlias {
  /** Where it comes from, for --help and messages: `THU-KEG/RM-Bench`. */
  repo: string;
  /** Downloads it into the cache (or finds it there) and returns the local file or folder to open. */
  fetch(options: HubAccessOptions & { onProgress?: HubProgressCallback }): Promise<string>;
}

export interface HubSplitAlias {
  repo: string;
  /** The split; its repo is `repo`. The protocol reads it without being asked whether it recognises it. */
  split: HfDatasetSpec;
}

/**
 * A protocol's headline number per method: the number its paper reports, which the console, summary.json (each
 * method's `headline`) and the reports lead with, before the pooled accuracy.
 */
export interface Headline {
  /** In titles and grid panels: `RM-Bench average`. */
  title: string;
  /** Short, for chart titles and table rows: `RM-Bench Avg`. */
  short: string;
  /** The name of its row among the protocol's difficulty rows in comparison tables (`average`); none for accuracy. */
  row?: keyof DifficultyColumns;
  /** The method's headline value; undefined when the method has no summary under this protocol. */
  value(method: MethodSummary): number | null | undefined;
  /** Its 95% bootstrap interval (resampling records). */
  ci95?(method: MethodSummary): [number, number] | null | undefined;
  /** What the bootstrap resamples records within, for the reports' note on the interval (default `domain`). */
  resampledWithin?: string;
  /** The numbers it is made of, shown beside it (RM-Bench: easy, normal, hard), each with its interval. */
  parts?(method: MethodSummary): Record<string, { value: number | null; ci95: [number, number] | null }> | undefined;
  /**
   * What the headline leaves out for this method, for the console's warning: `3 of 4 domains: math missing`;
   * undefined when it covers everything the benchmark has.
   */
  missing?(method: MethodSummary): string | undefined;
  /**
   * Whether a record of this group counts toward the headline (default: every record): the paired test between runs
   * looks at the headline's own comparisons only.
   */
  counts?(group: string | undefined): boolean;
}

/** What a protocol adds to the reports; every part is optional. */
export interface ProtocolReport {
  /** report.md sections after the per-group table. */
  markdown?(summary: RunSummary): string[];
  /**
   * report.html's card after the accuracy charts, with the name it goes by when a sweep's many methods fold it away;
   * undefined when the run has nothing for it.
   */
  html?(summary: RunSummary, series: readonly { name: string; color: string }[]): { html: string; folded: string } | undefined;
  /**
   * report.csv and comparison rows of one method: its overall difficulty split, and one row per section (scope
   * 'domain'); undefined when the method has no summary under this protocol.
   */
  rows?(method: string, m: MethodSummary, summary: RunSummary): { split: DifficultyColumns; sections: SummaryRow[] } | undefined;
  /** How comparison tables label a section row (`RM-Bench chat`) and a difficulty row (`RM-Bench Avg`). */
  sectionLabel?(section: string): string;
  splitLabel?(split: keyof DifficultyColumns): string;
  /** A sentence for comparison.html's "By method" card about the rows this protocol adds. */
  comparisonNote?: string;
}

/**
 * A benchmark protocol: how a dataset is recognised and read, and what its records mean beyond pairwise accuracy (a
 * fixed shape of comparisons, sections, a summary of its own, notes, report sections, a Hub alias). The generic
 * pairwise protocol is one; RM-Bench is another. Adding one is new files plus a line in registry.ts (or
 * `registerProtocol` at run time): the rest of the code knows this interface, never a protocol's name.
 */
export interface BenchmarkProtocol {
  /** Its id: the `dataset.kind` it writes to run.json and the scope of its difficulty rows in comparison.csv. */
  name: string;
  /** Other `dataset.kind` values it owns. */
  kinds?: readonly string[];
  /** For people: `RM-Bench`. */
  label: string;
  /** What `--dataset` takes for it, for --help: `RM-Bench file or folder`. */
  describe: string;
  /** `--format` values that select it. */
  formats: readonly string[];
  /** Whether it reads a folder (only such protocols are offered one). */
  readsFolders?: boolean;
  /** Whether it reads a Hub split of several files (`input.shards`); others are offered only a split of one file. */
  readsShards?: boolean;
  hubAliases?: Readonly<Record<string, HubAlias>>;
  /** Whether it reads this input. Asked in registry order; the generic pairwise protocol, asked last, reads any file. */
  recognises(input: DatasetInput): boolean | Promise<boolean>;
  open(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset>;
  /** Facts it records in run.json's `dataset` when a run starts (RM-Bench: records per domain, before --limit). */
  datasetFacts?(dataset: Dataset): Promise<Record<string, unknown>>;
  /** Every record's chosen × rejected shape when it is fixed (RM-Bench: 3 × 3); otherwise read off its score lines. */
  shape?: Shape;
  /** 'keep': a record with a non-finite score is counted as its upstream counts it, not left out as incomplete. */
  nonFiniteScores?: NonFiniteScores;
  /** Its sections (domains) in report order, for per-section reports and stratified sampling. */
  sections?: readonly string[];
  /** The section a record belongs to (undefined: none of them); `--limit` spreads its records across sections. */
  sectionOf?(pair: Pair): string | undefined;
  /** A section's score for a method (undefined when the method has none there). */
  sectionScore?(m: MethodSummary, section: string): number | undefined;
  /** Its 95% bootstrap interval. */
  sectionCi95?(m: MethodSummary, section: string): [number, number] | null | undefined;
  /** A response's name by its index within the record (RM-Bench: its style). */
  responseLabel?(index: number): string | undefined;
  /** Its per-method summary, stored in summary.json under `key`; intervals drawn with the run's bootstrap options. */
  summary?: { key: string; summarize(records: readonly RecordOutcome[], options?: { bootstrap?: BootstrapOptions }): unknown };
  /** Notes about the whole run, from every method's summary. */
  notes?(methods: Readonly<Record<string, MethodSummary>>, manifest: RunManifest): string[];
  headline?: Headline;
  report?: ProtocolReport;
}
