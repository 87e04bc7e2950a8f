import type { HfDatasetProvenance } from '../datasets/hf-dataset-files.js';
import type { Dataset } from '../datasets/open-dataset.js';
import type { Pair } from '../datasets/pair.js';
import { resolveTemplate, type TemplateMode } from '../formatting/format-response.js';
import { createJudge, loadJudgePrompts, type JudgeSettings } from '../methods/judge-setup.js';
import { planMethods, plannedLines, type MethodPlan } from '../methods/plan-methods.js';
import { checkReference } from '../methods/reference-method.js';
import type { LoadedModel } from '../engine/load-model.js';
import { resolveDatasetSource } from '../protocols/dataset-source.js';
import { openBenchmarkDataset } from '../protocols/open-benchmark.js';
import type { BenchmarkDatasetOptions, BenchmarkProtocol } from '../protocols/protocol.js';
import type { MethodGrid } from '../rewards/method-grid.js';
import { readsModel, type ResponseMethod } from '../rewards/response-methods.js';
import { defaultRunDir, pathExists } from '../run-store/run-files.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import { modelProvenance, runProvenance } from '../run-store/run-provenance.js';
import type { TraceWriteStats } from '../run-store/trace-writer.js';
import { openRunFolder, pinnedDatasetOptions, refuseStreamResume, skipDone, type RunFolderState } from '../run/resume.js';
import { refuseMethodsWithoutScores } from '../run/finite-scores.js';
import { checkOutFolder } from '../run/out-folder.js';
import { discardUnstartedRun } from '../run/discard-unstarted.js';
import { checkFirstRecord } from '../run/first-record.js';
import { scoreIntoFolder, type BatchEvent } from '../run/score-into-folder.js';
import type { ScoreProgress } from '../run/score-pairs.js';
import { countPairs, selectPairs } from '../run/select-pairs.js';
import type { ShardSpec } from '../run/shard.js';
import type { ShardSource } from '../run/shard-source.js';
import { skippedRecords } from '../run/skipped-records.js';
import { endormBuild } from '../util/version.js';
import { finishRun } from './finish-run.js';
import { loadModelFor, type ModelChoice } from './load-model-for.js';
import { maxLengthFor } from './max-length.js';

/** The model (see ModelChoice: model, revision, dtype, device, threads, offline, hubTimeout, cacheDir, onStatus, …), the data and the methods. */
export interface ScoreRunOptions extends ModelChoice {
  /** A pair file or a folder of them, a benchmark's file or folder, `hf:OWNER/NAME[@REV][:SPLIT]`, or a Hub alias such as `rm-bench`. */
  dataset: string;
  datasetOptions?: BenchmarkDatasetOptions;
  /** Method specs; default `endorm`, `loglik`, `length` (DEFAULT_METHODS). */
  methods?: string[];
  /** Judge name -> prompt file replacing the shipped `prompts/<judge>.txt` (--judge-prompt). */
  judgePrompts?: Record<string, string>;
  /** How prompt and response become tokens; default `auto` (the chat template when the model has a real one). */
  template?: 'auto' | TemplateMode;
  /** Score the chat template's end-of-turn token(s) after the response; default true. */
  scoreEot?: boolean;
  /** Longest prompt + response; defaults to the model's context (at most 4096). */
  maxLength?: number;
  /** Defaults: the device's (see engine/devices.ts). */
  batchSize?: number;
  maxBatchTokens?: number;
  /**
   * Score N records: spread across the sections of a benchmark that has them (RM-Bench's domains: a seeded sample,
   * each domain in proportion to its records), else the first N.
   */
  limit?: number;
  /** Score N records drawn uniformly, seeded (instead of `limit`). */
  sample?: number;
  /** Seeds `sample` and a spread `limit` (default 0); recorded in run.json where it decides the records. */
  seed?: number;
  /** Score only this shard's records (see shard.ts); --limit and --sample apply before the split. */
  shard?: ShardSpec;
  /** Where `shard` came from (`--shard auto`: the scheduler's variables), recorded in run.json's provenance.shard. */
  shardSource?: ShardSource;
  /** The scheduler task this run is (shard-source.ts schedulerTask): a lock left by an earlier run of it is taken over. */
  schedulerTask?: string;
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
  /** `--select-on dev:FRACTION`: the grid's setting is chosen on this share of the records (split by `seed`), reported on the rest. */
  selectOn?: number;
  /** The method the reports' paired tests compare the others with (one of `methods`); default: the first endorm method. */
  reference?: string;
  /** Run a prompt once and its responses on its cache (default true). */
  prefixSharing?: boolean;
  /** The command line that started the run, recorded in run.json (the CLI passes its arguments). */
  argv?: readonly string[];
  /** Told after every batch; `total` is set when the number of records to score is known before scoring. */
  onProgress?: (p: ScoreProgress) => void;
  /** Told as each batch goes to the model and once its lines are synced to disk (what a kill can no longer lose). */
  onBatch?: (event: BatchEvent) => void;
}

export interface ScoreRunResult {
  runDir: string;
  progress: ScoreProgress;
  /** Whether the folder held a run that this one continued, and how much of it was done. */
  folder: RunFolderState;
  /** What writing token traces cost; absent with `traces: false`. */
  traces?: TraceWriteStats;
}

/** The methods a run scores when none are named. */
export const DEFAULT_METHODS: readonly string[] = ['endorm', 'loglik', 'length'];

/** `endorm score` as a library call: model + dataset in, a run folder with scores, summary and reports out. */
export async function scoreRun(options: ScoreRunOptions): Promise<ScoreRunResult> {
  const o = { ...options, methods: options.methods ?? [...DEFAULT_METHODS], template: options.template ?? 'auto', scoreEot: options.scoreEot ?? true };
  const plan = planMethods(o.methods);
  checkReference(o.reference, o.methods);
  const methods: ResponseMethod[] = plan.response;
  const judgePrompts = await loadJudgePrompts(plan.judges, o.judgePrompts);
  const alphas = [...new Set([1, ...methods.flatMap((m) => m.alphas)])];
  const source = await resolveDatasetSource(o.dataset, { offline: o.offline, onProgress: o.onDownloadProgress, signal: o.signal, ...hubTimeout(o) });
  const skipped = skippedRecords(o.datasetOptions?.onInvalid);
  if (o.out !== undefined && 'path' in source) await refuseStreamResume(source.path, o.out);
  const { protocol, dataset, hub } = await openBenchmarkDataset(source, { ...o.datasetOptions, onInvalid: skipped.onInvalid, signal: o.signal });
  await checkFirstRecord(dataset, { skipInvalid: o.datasetOptions?.skipInvalid });
  const runDir = o.out ?? defaultRunDir(dataset.name, o.model);
  await checkOutFolder(runDir, { force: o.force, forceOption: '--force' });
  const fresh = !(await pathExists(runDir));
  // Before the model loads: a second writer is refused at once, and nothing it does touches the folder.
  const lock = await lockRunFolder(runDir, { command: 'score', forceUnlock: o.forceUnlock, onNote: o.onNote, ...(o.schedulerTask !== undefined ? { task: o.schedulerTask } : {}) });
  try {
    return await scoreLocked(o, { plan, methods, judgePrompts, alphas, protocol, dataset, hub, skipped, runDir });
  } catch (err) {
    if (fresh) await discardUnstartedRun(runDir);
    throw err;
  } finally {
    await lock.release();
  }
}

async function scoreLocked(
  o: ScoreRunOptions & { methods: string[]; scoreEot: boolean; template: 'auto' | TemplateMode },
  c: {
    plan: MethodPlan;
    methods: ResponseMethod[];
    judgePrompts: Awaited<ReturnType<typeof loadJudgePrompts>>;
    alphas: number[];
    protocol: BenchmarkProtocol;
    dataset: Dataset;
    hub: HfDatasetProvenance | undefined;
    skipped: ReturnType<typeof skippedRecords>;
    runDir: string;
  },
): Promise<ScoreRunResult> {
  const { plan, methods, judgePrompts, alphas, protocol, dataset, hub, skipped, runDir } = c;
  const model = await loadModelFor(o, alphas);
  try {
    const runNote = model.session.runNote;
    if (runNote) o.onNote?.(runNote);
    const maxLength = maxLengthFor(o.maxLength, model);
    const template = resolveTemplate(model.tokenizer, o.template, model.spec);
    const judges = plan.judges.map((j) =>
      createJudge(j.name, { spec: j.spec, tokenizer: model.tokenizer, template, maxLength, alphas, prompt: judgePrompts.get(j.name)! }),
    );
    const facts = (await protocol.datasetFacts?.(dataset)) ?? {};
    const selection = { limit: o.limit, sample: o.sample, seed: o.seed ?? 0, shard: o.shard };
    const seeded = o.sample !== undefined || (o.limit !== undefined && protocol.sectionOf !== undefined) || o.selectOn !== undefined;
    // Traces are kept of responses the model runs on (not of a length-only run, nor of judges' prompts).
    const traces = o.traces !== false && readsModel(methods);
    const manifest = await buildManifest(o, model, dataset, { template, maxLength, alphas, facts, hub, runDir, seed: seeded ? selection.seed : undefined, traces });
    if (judges.length) manifest.settings.judges = Object.fromEntries(judges.map((j) => [j.spec, j.settings])) satisfies Record<string, JudgeSettings>;
    const selected = () =>
      selectPairs(() => dataset.pairs(), {
        ...selection,
        ...(protocol.sectionOf ? { sectionOf: (pair: Pair) => protocol.sectionOf!(pair) } : {}),
        rereadable: dataset.rereadable !== false,
      });
    const folder = await openRunFolder(runDir, manifest, selected, { expected: plannedLines(plan), traces });
    const total = await recordsToScore(folder, dataset, selected, { ...(o.shard ? {} : { limit: o.limit }), signal: o.signal });
    const onProgress = o.onProgress && ((p: ScoreProgress) => o.onProgress!(total === undefined ? p : { ...p, total }));
    const started = new Date();
    const { progress, traces: traceStats } = await scoreIntoFolder(skipDone(selected(), folder.donePairs), {
      runDir,
      session: model.session,
      ...(methods.length ? { responses: { tokenizer: model.tokenizer, template, scoreEot: o.scoreEot, maxLength, alphas, methods } } : {}),
      tasks: judges.map((j) => j.builder),
      traces,
      batch: { batchSize: o.batchSize ?? model.session.device.batchSize, maxBatchTokens: o.maxBatchTokens ?? model.session.device.maxBatchTokens },
      onProgress,
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

/**
 * Records this session will score: known from a resume's count, else counted by reading the records once (parsing
 * only: 0.18 s for the 798 records of the shared RM-Bench files, node /tmp/count.mjs). A stream can be read only once:
 * its `limit` (unsharded) is the most it yields, else its total is unknown. A record a resume had partly written is
 * among them (it is not in `donePairs`).
 */
async function recordsToScore(
  folder: RunFolderState,
  dataset: Dataset,
  selected: () => AsyncIterable<Pair>,
  o: { limit?: number; signal?: AbortSignal },
): Promise<number | undefined> {
  if (folder.totalPairs !== undefined) return folder.totalPairs - folder.donePairs.size;
  if (dataset.rereadable === false) return o.limit;
  if (folder.donePairs.size > 0) return undefined;
  return countPairs(selected(), o.signal);
}

function hubTimeout(o: ScoreRunOptions): { timeoutMs?: number } {
  return o.hubTimeout !== undefined ? { timeoutMs: o.hubTimeout * 1000 } : {};
}

async function buildManifest(
  o: ScoreRunOptions & { methods: string[]; scoreEot: boolean },
  model: LoadedModel,
  dataset: Dataset,
  resolved: { template: TemplateMode; maxLength: number; alphas: number[]; facts: Record<string, unknown>; hub: HfDatasetProvenance | undefined; runDir: string; seed: number | undefined; traces: boolean },
): Promise<RunManifest> {
  return {
    endorm: await endormBuild(),
    createdAt: new Date().toISOString(),
    model: {
      spec: o.model,
      path: model.folder,
      modelType: model.config.modelType,
      dtype: o.dtype ?? model.session.device.defaultDtype,
      onnxFile: model.onnxFile,
      vocabSize: model.config.vocabSize,
      ...(await modelProvenance(model, { ...(o.cacheDir !== undefined ? { cacheRoot: o.cacheDir } : {}) })),
    },
    dataset: {
      spec: o.dataset,
      path: dataset.path,
      name: dataset.name,
      kind: dataset.kind,
      sha256: dataset.sha256,
      ...(resolved.hub ? { hub: resolved.hub } : {}),
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
      ...(o.sample !== undefined ? { sample: o.sample } : {}),
      ...(resolved.seed !== undefined ? { seed: resolved.seed } : {}),
      ...(o.shard !== undefined ? { shard: { index: o.shard.index, count: o.shard.count } } : {}),
      ...(o.reference !== undefined ? { reference: o.reference } : {}),
      ...(o.selectOn !== undefined ? { selectOn: { fraction: o.selectOn, seed: resolved.seed ?? 0 } } : {}),
      traces: resolved.traces,
    },
    provenance: runProvenance({
      ...(o.argv ? { argv: o.argv } : {}),
      out: { ...(o.out !== undefined ? { given: o.out } : {}), path: resolved.runDir },
      device: model.session.device,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(o.shard !== undefined && o.shardSource !== undefined ? { shard: o.shardSource } : {}),
    }),
  };
}

