/** A chat turn, as chat templates take them. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Where a record came from, so that every error and skipped record can name it. */
export interface SourceLocation {
  file: string;
  /** 1-based line (JSONL, CSV) or 1-based record index inside a JSON array. */
  line: number;
  /** Which of the two `line` counts; absent means 'line'. Lets messages say "record 17" for JSON arrays. */
  unit?: 'line' | 'record';
}

/**
 * One preference record. A plain pair has one chosen and one rejected response; RM-Bench has three of each
 * (concise, detailed, markdown), compared cell by cell.
 */
export interface Pair {
  /** Unique within the dataset; RM-Bench keys on domain and id ("chat/17") because ids repeat across domains. */
  key: string;
  /** The record's own id, as the file gave it. */
  id: string;
  /** Category for per-group accuracy (RM-Bench domain, Multifaceted source, --group-field). */
  group?: string;
  system?: string;
  /** A single user turn, or a multi-turn conversation that ends with a user turn. */
  prompt: string | ChatMessage[];
  chosen: string[];
  rejected: string[];
  source: SourceLocation;
}

/**
 * What kind of benchmark a dataset is: it selects the benchmark protocol that aggregates its scores (see
 * src/protocols/registry.ts). Pair files are 'pairs' or 'multifaceted'; a protocol names its own.
 */
export type DatasetKind = string;
