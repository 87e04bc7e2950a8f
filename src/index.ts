/**
 * endorm as a library (package.json's `main`): the calls the CLI's commands make, and the types of what they write.
 * ARCHITECTURE.md describes the layers below.
 */
export { scoreRun, type ScoreRunOptions, type ScoreRunResult } from './api/score-run.js';
export { rescoreRun, type RescoreRunOptions, type RescoreRunResult } from './api/rescore-run.js';
export { mergeRuns, type MergeRunsResult } from './api/merge-runs.js';
export { compareRuns, reportRun } from './api/report-runs.js';
export { runOptionsFromFolder, type RunOptionsFromManifest } from './api/resume-options.js';
export { showPair, type ShownPair } from './inspect/show-pair.js';
export { inspectResponse, type InspectResult } from './inspect/inspect-response.js';
export { openBenchmarkDataset, type BenchmarkDataset } from './protocols/open-benchmark.js';
export { protocolOfKind, registerProtocol } from './protocols/registry.js';
export type { BenchmarkProtocol, DatasetInput } from './protocols/protocol.js';
export type { MethodSummary, RunSummary } from './benchmarks/method-summary.js';
export type { RunManifest } from './run-store/run-manifest.js';
export type { ScoreRecord } from './run-store/score-record.js';
export { EndormError } from './util/endorm-error.js';
export { EXIT } from './util/exit-codes.js';
