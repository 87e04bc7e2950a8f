import { RM_BENCH_DOMAINS, rmBenchDomainOf } from '../benchmarks/rm-bench.js';
import type { Dataset, DatasetOptions } from '../datasets/open-dataset.js';
import { rmBenchDomainsPresent } from '../datasets/rm-bench.js';
import { openDataset } from '../datasets/open-dataset.js';
import { isHubDatasetAlias, resolveHubDataset } from '../datasets/hub-datasets.js';
import { resolveTemplate, type TemplateMode } from '../formatting/format-response.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import type { DeviceChoice } from '../engine/devices.js';
import type { ResponseMethod } from '../rewards/response-methods.js';
import { createJudge, loadJudgePrompts, planMethods, plannedLines, type JudgeSettings } from '../judges/judge-methods.js';
import { ENDORM_VERSION } from '../version.js';
import { responseTaskBuilder } from './response-task.js';
import { defaultRunDir, RUN_FILES, ScoresWriter } from './run-folder.js';
import type { RunManifest } from './run-manifest.js';
import { scorePairs, type ScoreProgress } from './score-pairs.js';
import { finishRun } from './finish-run.js';
import type { Pair } from '../datasets/pair.js';
import type { HubProgressEvent } from '../model/hub/progress.js';
import { openRunFolder, pinnedDatasetOptions, skipDone, type RunFolderState } from './resume.js';
import { shardPairs, type ShardSpec } from './shard.js';
import { SettingsError } from './settings-error.js';
import { skippedRecords } from './skipped-records.js';
import type { MethodGrid } from '../rewards/method-grid.js';
import { TraceWriter, type TraceWriteStats } from '../traces/trace-writer.js';

export interface ScoreRunOptions {
  model: string;
  dtype: string;
  offline?: boolean;
  device?: DeviceChoice;
  threads?: number;
  dataset: string;
  datasetOptions?: DatasetOptions;
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
  /** Keep each response's token trace in the run folder, for `rescore` and `show` (default true). */
  traces?: boolean;
  /** The α × γ sweep whose cells are among `methods` (see withGridMethods), recorded in run.json for the reports. */
  grid?: MethodGrid;
  cacheDir?: string;
  /** Run a prompt once and its responses on its cache (default true). */
  prefixSharing?: boolean;
  onProgress?: (p: ScoreProgress) => void;
  onDownloadProgress?: (e: HubProgressEvent) => void;
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

const DEFAULT_MAX_LENGTH = 4096;

/** `endorm score` as a library call: model + dataset in, a run folder with scores, summary and reports out. */
export async function scoreRun(o: ScoreRunOptions): Promise<ScoreRunResult> {
  const plan = planMethods(o.methods);
  const methods: ResponseMethod[] = plan.response;
  const judgePrompts = await loadJudgePrompts(plan.judges, o.judgePrompts);
  const alphas = [...new Set([1, ...methods.flatMap((m) => m.alphas)])];
  const datasetPath = isHubDatasetAlias(o.dataset)
    ? await resolveHubDataset(o.dataset, { offline: o.offline, onProgress: o.onDownloadProgress, signal: o.signal })
    : o.dataset;
  const skipped = skippedRecords(o.datasetOptions?.onInvalid);
  const dataset = await openDataset(datasetPath, { ...o.datasetOptions, onInvalid: skipped.onInvalid });
  const model = await loadModel(o.model, {
    dtype: o.dtype,
    offline: o.offline,
    alphas,
    threads: o.threads,
    device: o.device,
    cacheDir: o.cacheDir,
    onDownloadProgress: o.onDownloadProgress,
    signal: o.signal,
  });
  try {
    const maxLength = checkMaxLength(o.maxLength, model);
    const template = resolveTemplate(model.tokenizer, o.template);
    const judges = plan.judges.map((j) =>
      createJudge(j.name, { spec: j.spec, tokenizer: model.tokenizer, template, maxLength, alphas, prompt: judgePrompts.get(j.name)! }),
    );
    const runDir = o.out ?? defaultRunDir(dataset.name, o.model);
    const domains = dataset.kind === 'rm-bench' ? await rmBenchDomainRecords(dataset) : undefined;
    const manifest = buildManifest(o, model, dataset, { template, maxLength, alphas, domains });
    if (judges.length) manifest.settings.judges = Object.fromEntries(judges.map((j) => [j.spec, j.settings])) satisfies Record<string, JudgeSettings>;
    const selected = () => shardPairs(limitPairs(dataset.pairs(), o.limit), o.shard);
    const folder = await openRunFolder(runDir, manifest, selected, plannedLines(plan));
    const writer = await ScoresWriter.open(runDir);
    // Judges read their own prompts, not the responses' token values, so a judges-only run has nothing to trace.
    const traces = o.traces === false || methods.length === 0 ? undefined : await TraceWriter.open(runDir);
    let traceStats: TraceWriteStats | undefined;
    const started = new Date();
    let progress: ScoreProgress;
    try {
      progress = await scorePairs(skipDone(selected(), folder.donePairs), {
        session: model.session,
        builders: [
          ...(methods.length
            ? [responseTaskBuilder({ tokenizer: model.tokenizer, template, scoreEot: o.scoreEot, maxLength, alphas, methods, onTrace: traces && ((record, trace) => traces.add(record, trace)) })]
            : []),
          ...judges.map((j) => j.builder),
        ],
        batch: { batchSize: o.batchSize ?? model.session.device.batchSize, maxBatchTokens: o.maxBatchTokens ?? model.session.device.maxBatchTokens },
        // Traces go to disk before their scores, so a score line always has its trace.
        sink: async (records) => {
          await traces?.flush();
          await writer.append(records);
        },
        onProgress: o.onProgress,
        signal: o.signal,
        prefixSharing: o.prefixSharing,
      });
      traceStats = await traces?.close();
    } catch (err) {
      await traces?.abandon();
      throw err;
    } finally {
      await writer.close();
    }
    await finishRun(runDir, {
      startedAt: started,
      finishedAt: new Date(),
      // The scorer's count of cut inputs covers this session only; after a resume, the summary's own note (from the
      // truncated flags in scores.jsonl) speaks for the whole run.
      progress: folder.donePairs.size > 0 ? { ...progress, truncated: 0 } : progress,
      skipped: skipped.count(),
      notes: [...folder.notes, ...skipped.notes()],
      ...(traceStats ? { traceWriteSeconds: traceStats.seconds } : {}),
    });
    return { runDir, progress, folder, ...(traceStats ? { traces: traceStats } : {}) };
  } finally {
    await model.session.release();
  }
}

function checkMaxLength(requested: number | undefined, model: LoadedModel): number {
  const context = model.maxPositions;
  if (requested !== undefined && context !== undefined && requested > context) {
    throw new SettingsError(`--max-length ${requested} is longer than the model's context of ${context} tokens`);
  }
  return requested ?? Math.min(context ?? DEFAULT_MAX_LENGTH, DEFAULT_MAX_LENGTH);
}

function buildManifest(
  o: ScoreRunOptions,
  model: LoadedModel,
  dataset: Dataset,
  resolved: { template: TemplateMode; maxLength: number; alphas: number[]; domains: Record<string, number> | undefined },
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
      ...(resolved.domains ? { domains: resolved.domains } : {}),
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
    },
  };
}

/** Records per RM-Bench domain in the whole dataset, safety's two files pooled as the reports pool them. */
async function rmBenchDomainRecords(dataset: Dataset): Promise<Record<string, number>> {
  const { counts } = await rmBenchDomainsPresent(dataset);
  const pooled: Record<string, number> = Object.fromEntries(RM_BENCH_DOMAINS.map((d) => [d, 0]));
  for (const [file, records] of Object.entries(counts)) pooled[rmBenchDomainOf(file)!]! += records;
  return pooled;
}

async function* limitPairs(pairs: AsyncIterable<Pair>, limit?: number): AsyncIterable<Pair> {
  if (limit === undefined) return yield* pairs;
  if (limit <= 0) return;
  let n = 0;
  for await (const pair of pairs) {
    yield pair;
    if (++n >= limit) return;
  }
}

export { RUN_FILES };
