import type { RunManifest } from './run-manifest.js';
import type { TraceSummary } from './trace-summary.js';

export interface RunCounts {
  /** Distinct records (pair keys) with at least one score line. */
  pairs: number;
  /** Response score lines (after de-duplication). */
  responses: number;
  /** Score lines whose input was cut to --max-length. */
  truncated: number;
  /** Records the scorer skipped (not derivable from the scores; carried over from an earlier summary.json). */
  skipped: number;
  /** Scored tokens over all response lines. */
  tokens: number;
}

export interface RunTiming {
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  tokensPerSecond?: number;
}

/**
 * `summary.json`: the run's manifest plus everything aggregated from its scores. `M` is what it says per method
 * (benchmarks/method-summary.ts's MethodSummary, whose RunSummary is this type with it filled in).
 */
export interface RunSummaryOf<M> extends RunManifest {
  counts: RunCounts;
  timing: RunTiming;
  /** Token traces kept in the run folder (absent when the run has none). */
  traces?: TraceSummary;
  /** Method spec -> summary, in run.json's method order. */
  methods: Record<string, M>;
  /** Things a reader must know to trust the numbers (torn lines, missing domains, incomplete methods...). */
  notes: string[];
}
