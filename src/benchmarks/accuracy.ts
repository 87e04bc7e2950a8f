import { bootstrapRatioCi, type BootstrapOptions } from './bootstrap.js';
import { recordJudgements, type RecordOutcome } from './cells.js';

export interface AccuracyStats {
  /** correct / comparisons, 0..1; null when the method has no complete record in this scope. */
  accuracy: number | null;
  /** Percentile bootstrap over records, 0..1. */
  ci95: [number, number] | null;
  /** Records counted. */
  pairs: number;
  /** Judgements counted: cells (pairs for 1+1 records, 9 per RM-Bench record), twice that for a pairwise judge. */
  comparisons: number;
  correct: number;
  ties: number;
}

/** Accuracy over all cells of all records: for 1+1 pairs this is plain pair accuracy. */
export function accuracyStats(records: readonly RecordOutcome[], bootstrap: BootstrapOptions = {}): AccuracyStats {
  let comparisons = 0;
  let correct = 0;
  let ties = 0;
  const units = records.map((record) => {
    const j = recordJudgements(record);
    comparisons += j.total;
    correct += j.correct;
    ties += j.ties;
    return { correct: j.correct, total: j.total };
  });
  return {
    accuracy: comparisons > 0 ? correct / comparisons : null,
    ci95: comparisons > 0 ? bootstrapRatioCi(units, { ...bootstrap, level: 0.95 }) : null,
    pairs: records.length,
    comparisons,
    correct,
    ties,
  };
}

/** Accuracy per group, groups in sorted order so that summaries diff cleanly; {} when no record has a group. */
export function groupAccuracy(
  records: readonly RecordOutcome[],
  bootstrap: BootstrapOptions = {},
): Record<string, AccuracyStats> {
  const byGroup = new Map<string, RecordOutcome[]>();
  for (const record of records) {
    if (record.group === undefined) continue;
    let list = byGroup.get(record.group);
    if (!list) byGroup.set(record.group, (list = []));
    list.push(record);
  }
  const result: Record<string, AccuracyStats> = {};
  for (const group of [...byGroup.keys()].sort()) result[group] = accuracyStats(byGroup.get(group)!, bootstrap);
  return result;
}
