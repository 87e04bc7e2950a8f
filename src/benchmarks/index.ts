export { accuracyStats, groupAccuracy, type AccuracyStats } from './accuracy.js';
export { bootstrapRatioCi, quantile, type BootstrapOptions, type BootstrapUnit } from './bootstrap.js';
export { cellJudgements, methodCells, methodOutcomes, pairShape, type Cell, type RecordOutcome, type Shape } from './cells.js';
export { mcnemarExactPValue } from './mcnemar.js';
export type { MethodSummary } from './method-summary.js';
export { pairedTest, type PairedTest } from './paired-comparison.js';
export { positionStats, truncatedJudgeLines, type PositionStats } from './judge-stats.js';
export { ScoreRecordStore, comparisonKey, type MethodKind, type PairScores, type StoreCounts } from './record-store.js';
export {
  RM_BENCH_DOMAINS,
  RM_BENCH_STYLES,
  difficultySplit,
  rmBenchDomainOf,
  rmBenchSummary,
  styleMatrix,
  type DifficultySplit,
  type RmBenchDomain,
  type RmBenchDomainSummary,
  type RmBenchSummary,
} from './rm-bench.js';
export { referenceMethod, summarizeMethods, type SummarizeMethodsOptions } from './summarize-methods.js';
