/**
 * endorm as a library (`import { … } from 'endorm'`): the calls the CLI's commands make, and the types of what they
 * write. docs/library.md shows them at work; schemas/ holds JSON Schemas of run.json, summary.json and a
 * scores.jsonl line. Nothing else is public: deep imports of dist/ files are not part of the API.
 */

// Score a dataset into a run folder (endorm score), or single responses with a model loaded once.
export { scoreRun, DEFAULT_METHODS, type ScoreRunOptions, type ScoreRunResult } from './api/score-run.js';
export { loadScorer, type ResponseInput, type ResponseScorer, type ScoredResponse, type ScorerOptions } from './api/score-response.js';
export type { ModelChoice } from './api/load-model-for.js';
export type { ScoreProgress } from './run/score-pairs.js';
export type { LoadStatus } from './engine/load-model.js';
export type { TokenTrace } from './engine/token-trace.js';
export type { TokenView } from './inspect/inspect-response.js';

// Read, summarize, report, rescore and merge runs, without the model.
export { readRun, openRunTraces, type RunContents, type RunTraces } from './api/read-run.js';
export type { Completeness, CompleteMarker } from './run-store/run-complete.js';
export { summarizeRun, type SummarizeRunOptions } from './report/summarize-run.js';
export { compareRuns, reportRun, type CompareRunsOptions, type CompareRunsResult } from './api/report-runs.js';
export { rescoreRun, type RescoreRunOptions, type RescoreRunResult } from './api/rescore-run.js';
export { mergeRuns, type MergeRunsResult } from './api/merge-runs.js';
export { showPair, type ShownPair, type ShowPairOptions } from './inspect/show-pair.js';
export type { RunManifest, RunProvenance } from './run-store/run-manifest.js';
export type { HfDatasetProvenance } from './datasets/hf-dataset-files.js';
export type { ComparisonScoreRecord, ResponseScoreRecord, ScoreRecord } from './run-store/score-record.js';
export type { HeadlineSummary, MethodSummary, RunSummary } from './benchmarks/method-summary.js';
export type { GridSelection } from './benchmarks/grid-selection.js';

// Method specs: `endorm:alpha=0.5,gamma=0.9`, `loglik`, the judges.
export { parseMethodSpec, splitMethodList, MethodSpecError, type MethodSpec } from './rewards/method-spec.js';
export { planMethods, type MethodPlan } from './methods/plan-methods.js';
export { METHOD_NAMES, JUDGE_METHOD_NAMES } from './methods/method-registry.js';
export { RESPONSE_METHOD_NAMES } from './rewards/response-methods.js';
export { canonicalMethodSpec, sameMethod } from './methods/canonical-spec.js';
export { gridMethodSpecs, withGridMethods, type MethodGrid } from './rewards/method-grid.js';

// Benchmark protocols: how a dataset is recognised, read and summarised; register your own.
export { protocolOfKind, protocols, registerProtocol } from './protocols/registry.js';
export { resolveDatasetSource, type DatasetSource } from './protocols/dataset-source.js';
export { openBenchmarkDataset, type BenchmarkDataset } from './protocols/open-benchmark.js';
export type { BenchmarkDatasetOptions, BenchmarkProtocol, DatasetInput } from './protocols/protocol.js';
export type { Pair } from './datasets/pair.js';

// Devices: where the model runs.
export { DEVICES, DEVICE_CHOICES, type Device, type DeviceChoice, type DeviceName } from './engine/devices.js';

// Errors: every error meant for a user is an EndormError with the exit code the CLI would use.
export { EndormError } from './util/endorm-error.js';
export { EXIT } from './util/exit-codes.js';
export { ENDORM_VERSION } from './util/version.js';
