import type { RunSummaryOf } from '../run-store/run-summary.js';
import type { AccuracyStats } from './accuracy.js';
import type { CutInputs } from './cut-inputs.js';
import type { GridSelection } from './grid-selection.js';
import type { PositionStats } from './judge-stats.js';
import type { PairedTest } from './paired-comparison.js';
import type { MethodKind } from './record-store.js';

/**
 * Everything `summary.json` says about one method (fractions are 0..1). A benchmark protocol adds its own summary
 * under the key it names (see src/protocols/protocol.ts), between `groups` and `position`.
 */
/** A benchmark protocol's headline number of a method (RM-Bench: its average), with its interval and parts. */
export interface HeadlineSummary {
  /** `RM-Bench average`. */
  title: string;
  value: number | null;
  ci95: [number, number] | null;
  /** RM-Bench: easy, normal, hard. */
  parts?: Record<string, { value: number | null; ci95: [number, number] | null }>;
}

export interface MethodSummary extends AccuracyStats {
  /** The run's protocol's headline (absent for a protocol without one: then `accuracy` is the headline). */
  headline?: HeadlineSummary;
  /** 'response' scores each response; 'comparison' is a pairwise judge giving P(chosen wins). */
  kind: MethodKind;
  /** Records of the run this method did not count because a score it needs is missing. */
  incomplete: number;
  /** Per-group accuracy, groups sorted; {} when records have no group. */
  groups: Record<string, AccuracyStats>;
  /** Only for methods other than the reference, when the run has one. */
  vsReference?: PairedTest;
  /** Only for a pairwise judge asked in both orders: position consistency and bias. */
  position?: PositionStats;
  /** Only for judges: score lines whose judge prompt had its responses cut to --max-length (absent when none). */
  truncatedPrompts?: number;
  /** Its inputs (a judge's prompts, else the responses it scores) and how many were cut to --max-length; absent when none. */
  cutInputs?: CutInputs;
}

/** summary.json with this module's per-method summaries, and `--select-on`'s choice when the run asked for one. */
export type RunSummary = RunSummaryOf<MethodSummary> & { selection?: GridSelection };
