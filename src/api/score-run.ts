import type { Dataset } from '../datasets/open-dataset.js';
import { resolveTemplate, type TemplateMode } from '../formatting/format-response.js';
import { createJudge, loadJudgePrompts, type JudgeSettings } from '../methods/judge-setup.js';
import { planMethods, plannedLines, type MethodPlan } from '../methods/plan-methods.js';
import { checkReference } from '../methods/reference-method.js';
import type { DeviceChoice } from '../engine/devices.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import type { HubProgressEvent } from '../model/hub/progress.js';
import { openBenchmarkDataset } from '../protocols/open-benchmark.js';
import type { BenchmarkDatasetOptions, BenchmarkProtocol } from '../protocols/protocol.js';
import { isHubDatasetAlias, resolveHubDataset } from '../protocols/registry.js';
import type { MethodGrid } from '../rewards/method-grid.js';
import type { ResponseMethod } from '../rewards/response-methods.js';
import { defaultRunDir } from '../run-store/run-files.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import type { TraceWriteStats } from '../run-store/trace-writer.js';
import { openRunFolder, pinnedDatasetOptions, refuseStreamResume, skipDone, type RunFolderState } from '../run/resume.js';
import { refuseMethodsWithoutScores } from '../run/finite-scores.js';
import { checkOutFolder } from '../run/out-folder.js';
import { scoreIntoFolder, type BatchEvent } from '../run/score-into-folder.js';
import type { ScoreProgress } from '../run/score-pairs.js';
import { selectPairs } from '../run/select-pairs.js';
import { SettingsError } from '../run/settings-error.js';
import type { ShardSpec } from '../run/shard.js';
import { skippedRecords } from '../run/skipped-records.js';
import { ENDORM_VERSION } from '../util/version.js';
import { finishRun } from './finish-run.js';
import { resolveMaxLength } from './max-length.js';

export interface ScoreRunOptions {
  model: string;
  dtype: string;
  offline?: boolean;
  /** Seconds a Hub request may send nothing before it is given up (default ENDORM_HUB_TIMEOUT, else 30). */
  hubTimeout?: number;
  device?: DeviceChoice;
  threads?: number;
  dataset: string;
  datasetOptions?: BenchmarkDatasetOptions;
  methods: string[];
  /** Judge name -> prompt file replacing the shipped `prompts/<judge>.txt` (--judge-prompt). */
  judgePrompts?: Record<string, string>;
  template: 'auto' | TemplateMode;
  scoreEot: boolean;
  /** Longest prompt + response; defaults to the model's context (at most 4096). */
  maxLength?: number;
  /** Defaults: the device's (see engine/devices.ts). */
  batchSize?: number;
  maxBatchTokens?: number;
  limit?: number;
  /** Score only this shard's records (see shard.ts); --limit applies before the split. */
  shard?: ShardSpec;
  /** A folder with run.json is continued (resumed), never overwritten; see resume.ts. */
  out?: string;
  /** Write into an `out` folder that has files but no run (default: refused, so that they are not overwritten). */
  force?: boolean;
  /** Take over the run folder's lock although it was taken on another host (see run-store/run-lock.ts). */
  forceUnlock?: boolean;
  /** Keep each response's token trace in the run folder, for `rescore` and `show` (default true). */
  traces?: boolean;
  /** The α × γ sweep whose cells are among `methods` (see withGridMethods), recorded in run.json for the reports. */
  grid?: MethodGrid;
  /** The method the reports' paired tests compare the others with (one of `methods`); default: the first endorm method. */
  reference?: string;
  cacheDir?: string;
  /** Run a prompt once and its responses on its cache (default true). */
  prefixSharing?: boolean;
  onProgress?: (p: ScoreProgress) => void;
  /** Told as each batch goes to the model and once its lines are synced to disk (what a kill can no longer lose). */
  onBatch?: (event: BatchEvent) => void;
  onDownloadProgress?: (e: HubProgressEvent) => void;
  /** Told of what the run repaired on its way (a damaged cached scoring graph rebuilt, a stale run lock taken over). */
  onNote?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ScoreRunResult {
  runDir: string;
  progress: ScoreProgress;
  /** Whether the folder held a run that this one continued, and how much of it was done. */
  folder: RunFolderState;
  /** What writing token traces cost; absent with `traces: false`. */
  traces?: TraceWriteStats;
}

/** `endorm score` as a library call: model + dataset in, a run folder with scores, summary and reports out. */
export async function scoreRun(o: ScoreRunOptions): Promise<ScoreRunResult> {
  const plan = planMethods(o.methods);
  checkReference(o.reference, o.methods);
  const methods: ResponseMethod[] = plan.response;
  const judgePrompts = await loadJudgePrompts(plan.judges, o.judgePrompts);
  const alphas = [...new Set([1, ...methods.flatMap((m) => m.alphas)])];
  const datasetPath = isHubDatasetAlias(o.dataset)
    ? await resolveHubDataset(o.dataset, { offline: o.offline, onProgress: o.onDownloadProgress, signal: o.signal, ...hubTimeout(o) })
    : o.dataset;
  const skipped = skippedRecords(o.datasetOptions?.onInvalid);
  if (o.out !== undefined) await refuseStreamResume(datasetPath, o.out);
  const { protocol, dataset } = await openBenchmarkDataset(datasetPath, { ...o.datasetOptions, onInvalid: skipped.onInvalid, signal: o.signal });
  const runDir = o.out ?? defaultRunDir(dataset.name, o.model);
  await checkOutFolder(runDir, { force: o.force, forceOption: '--force' });
  // Before the model loads: a second writer is refused at once, and nothing it does touches the folder.
  const lock = await lockRunFolder(runDir, { command: 'score', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    return await scoreLocked(o, { plan, methods, judgePrompts, alphas, protocol, dataset, skipped, runDir });
  } finally {
    await lock.release();
  }
}

async function scoreLocked(
  o: ScoreRunOptions,
  c: {
    plan: MethodPlan;
    methods: ResponseMethod[];
    judgePrompts: Awaited<ReturnType<typeof loadJudgePrompts>>;
    alphas: number[];
    protocol: BenchmarkProtocol;
    dataset: Dataset;
    skipped: ReturnType<typeof skippedRecords>;
    runDir: string;
  },
): Promise<ScoreRunResult> {
  const { plan, methods, judgePrompts, alphas, protocol, dataset, skipped, runDir } = c;
  const model = await loadModel(o.model, {
    dtype: o.dtype,
    offline: o.offline,
    alphas,
    threads: o.threads,
    device: o.device,
    cacheDir: o.cacheDir,
    onDownloadProgress: o.onDownloadProgress,
    onNote: o.onNote,
    signal: o.signal,
    ...(o.hubTimeout !== undefined ? { hubTimeoutMs: o.hubTimeout * 1000 } : {}),
  });
  try {
    const maxLength = resolveMaxLength(o.maxLength, model);
    const template = resolveTemplate(model.tokenizer, o.template);
    const judges = plan.judges.map((j) =>
      createJudge(j.name, { spec: j.spec, tokenizer: model.tokenizer, template, maxLength, alphas, prompt: judgePrompts.get(j.name)! }),
    );
    const facts = (await protocol.datasetFacts?.(dataset)) ?? {};
    const manifest = buildManifest(o, model, dataset, { template, maxLength, alphas, facts });
    if (judges.length) manifest.settings.judges = Object.fromEntries(judges.map((j) => [j.spec, j.settings])) satisfies Record<string, JudgeSettings>;
    const selected = () => selectPairs(dataset.pairs(), o);
    // Traces are kept of responses the model runs on (not of a length-only run, nor of judges' prompts).
    const traces = o.traces !== false && methods.some((m) => m.alphas.length > 0);
    const folder = await openRunFolder(runDir, manifest, selected, { expected: plannedLines(plan), traces });
    const started = new Date();
    const { progress, traces: traceStats } = await scoreIntoFolder(skipDone(selected(), folder.donePairs), {
      runDir,
      session: model.session,
      ...(methods.length ? { responses: { tokenizer: model.tokenizer, template, scoreEot: o.scoreEot, maxLength, alphas, methods } } : {}),
      tasks: judges.map((j) => j.builder),
      traces,
      batch: { batchSize: o.batchSize ?? model.session.device.batchSize, maxBatchTokens: o.maxBatchTokens ?? model.session.device.maxBatchTokens },
      onProgress: o.onProgress,
      onBatch: o.onBatch,
      doneLines: folder.doneLines,
      signal: o.signal,
      prefixSharing: o.prefixSharing,
    });
    // A stream's hash is known once it was read to its end (not after --limit stopped early).
    if (dataset.rereadable === false && dataset.sha256 !== '') await writeManifest(runDir, { ...manifest, dataset: { ...manifest.dataset, sha256: dataset.sha256 } });
    await refuseMethodsWithoutScores(runDir, o.methods, model.session.graphPath);
    await finishRun(runDir, {
      startedAt: started,
      finishedAt: new Date(),
      // The scorer's count of cut inputs covers this session only; after a resume, the summary's own note (from the
      // truncated flags in scores.jsonl) speaks for the whole run.
      progress: folder.donePairs.size > 0 || folder.doneLines.size > 0 ? { ...progress, truncated: 0 } : progress,
      skipped: skipped.count(),
      notes: [...folder.notes, ...skipped.notes()],
      ...(traceStats ? { traceWriteSeconds: traceStats.seconds } : {}),
    });
    return { runDir, progress, folder, ...(traceStats ? { traces: traceStats } : {}) };
  } finally {
    await model.session.release();
  }
}

function hubTimeout(o: ScoreRunOptions): { timeoutMs?: number } {
  return o.hubTimeout !== undefined ? { timeoutMs: o.hubTimeout * 1000 } : {};
}


function buildManifest(
  o: ScoreRunOptions,
  model: LoadedModel,
  dataset: Dataset,
  resolved: { template: TemplateMode; maxLength: number; alphas: number[]; facts: Record<string, unknown> },
): RunManifest {
  return {
    endorm: { version: ENDORM_VERSION },
    createdAt: new Date().toISOString(),
    model: {
      spec: o.model,
      path: model.folder,
      modelType: model.config.modelType,
      dtype: o.dtype,
      onnxFile: model.onnxFile,
      vocabSize: model.config.vocabSize,
    },
    dataset: {
      spec: o.dataset,
      path: dataset.path,
      name: dataset.name,
      kind: dataset.kind,
      sha256: dataset.sha256,
      ...pinnedDatasetOptions(o.datasetOptions),
      ...resolved.facts,
    },
    settings: {
      methods: o.methods,
      template: resolved.template,
      scoreEot: o.scoreEot,
      maxLength: resolved.maxLength,
      alphas: resolved.alphas,
      ...(o.grid ? { grid: o.grid } : {}),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(o.shard !== undefined ? { shard: { index: o.shard.index, count: o.shard.count } } : {}),
      ...(o.reference !== undefined ? { reference: o.reference } : {}),
    },
  };
}

