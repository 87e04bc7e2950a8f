import type { AccuracyStats } from './accuracy.js';
import type { PairedTest } from './paired-comparison.js';

/**
 * 'headline' is the protocol's own headline number (RM-Bench: its average), first; 'overall' is pooled accuracy;
 * 'domain' rows are a benchmark protocol's sections (its domains), beside the run's groups.
 */
export type RowScope = 'headline' | 'overall' | 'group' | 'domain';

/** A protocol's difficulty split of a method or a section (RM-Bench: easy, normal, hard and their mean), 0..1. */
export interface DifficultyColumns {
  easy: number | null;
  normal: number | null;
  hard: number | null;
  average: number | null;
}

/** One method in one scope: the unit of report.csv and of the comparison tables. Fractions are 0..1. */
export interface SummaryRow extends DifficultyColumns {
  method: string;
  scope: RowScope;
  /** The headline's title, 'pooled', the group name, or the protocol's section. */
  name: string;
  /** Cell accuracy; for a section, its score. */
  accuracy: number | null;
  ci95: [number, number] | null;
  pairs: number;
  comparisons: number | null;
  correct: number | null;
  ties: number | null;
  vsReference: PairedTest | null;
  /** Why the row has no numbers (e.g. "missing from this dataset"). */
  note: string;
}

/** The columns a row takes from its accuracy statistics. */
export function statsColumns(stats: AccuracyStats) {
  return {
    accuracy: stats.accuracy,
    ci95: stats.ci95,
    pairs: stats.pairs,
    comparisons: stats.comparisons,
    correct: stats.correct,
    ties: stats.ties,
  };
}
