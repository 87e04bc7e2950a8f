import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HfDatasetProvenance } from '../datasets/hf-dataset-files.js';
import type { DatasetKind } from '../datasets/pair.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeFault } from '../util/cannot-write-error.js';
import { makeFolder } from '../util/make-folder.js';
import { pathExists, RUN_FILES } from './run-files.js';
import { RunFolderError } from './run-folder-error.js';
import { checkSealedSettings, sealSettings, type SettingsSeal } from './settings-seal.js';

/**
 * `run.json`: written when a run starts, before any score. It pins what the scores in `scores.jsonl` mean, so that
 * `report`, `rescore`, `merge` and `--resume` work from the run folder alone.
 */
export interface RunManifest {
  endorm: {
    version: string;
    /** The git commit of the checkout endorm ran from, and the branch its HEAD named; absent for an installed package. */
    commit?: string;
    ref?: string;
  };
  createdAt: string;
  model: {
    /** What the user passed to --model (a path or a Hub id). */
    spec: string;
    /** The resolved local folder, absolute (runs written before provenance was recorded may hold it as given). */
    path: string;
    modelType: string;
    dtype: string;
    onnxFile: string;
    vocabSize: number;
    /** A Hub model: `--revision` as given (default "main") and the commit it resolved to, whose files were used. */
    revision?: string;
    commit?: string;
    /** Every file the run read (config, tokenizer, ONNX graph and its external data), by path in the model folder. */
    files?: Record<string, { sha256: string; bytes: number }>;
  };
  dataset: {
    /** What the user passed to --dataset. */
    spec: string;
    path: string;
    name: string;
    kind: DatasetKind;
    /** sha256 of the dataset file(s), hex. */
    sha256: string;
    /** A Hub split (`--dataset hf:…` or an alias for one): repository, revision, commit, split, each file's hash. */
    hub?: HfDatasetProvenance;
    /** --format and --*-field options that were given: they decide what the records mean. */
    options?: Record<string, string>;
    /** Facts the dataset's benchmark protocol recorded when the run started (see BenchmarkProtocol.datasetFacts). */
    [fact: string]: unknown;
  };
  settings: {
    methods: string[];
    template: 'chat' | 'none';
    scoreEot: boolean;
    maxLength: number;
    alphas: number[];
    /** `--limit N`: on a benchmark with domains a seeded sample spread across them, else the first N records. */
    limit?: number;
    /** `--sample N`: N records drawn uniformly. */
    sample?: number;
    /** `--seed`: where it decided which records were scored (a sample, a spread --limit). */
    seed?: number;
    /** `--shard K/N`: this run holds the records whose key hashes to shard `index` (1..count). */
    shard?: { index: number; count: number };
    /** `--reference METHOD`: the method paired tests compare the others with (default: the first endorm method). */
    reference?: string;
    /** `--select-on dev[:FRACTION]`: a grid's setting is chosen on `fraction` of the records (split by `seed`), reported on the rest. */
    selectOn?: { fraction: number; seed: number };
    /**
     * Whether the run keeps token traces (false for --no-traces and for methods that trace nothing): a resume continues
     * the same way, so a run is never half traced. Absent in runs written before it was recorded.
     */
    traces?: boolean;
    [key: string]: unknown;
  };
  /** How and where the run was made; absent in runs written before it was recorded. */
  provenance?: RunProvenance;
  /**
   * Set by `endorm merge`: the shard runs this run was combined from, each with the endorm and provenance that scored it
   * (shards may run on other machines; the merged run's own `endorm` and `provenance` are the first shard's).
   */
  mergedFrom?: MergedShard[];
  /**
   * One sha256 per setting, written with run.json (see settings-seal.ts): a resume refuses settings edited since.
   * Its presence also marks a run that records its completeness (run-complete.ts); older runs have neither.
   */
  settingsSha256?: SettingsSeal;
}

export interface MergedShard {
  path: string;
  shard: { index: number; count: number };
  createdAt: string;
  endorm?: RunManifest['endorm'];
  provenance?: RunProvenance;
}

/** What a run needs beyond its settings to be reproduced and cited: the command, the software, the machine. */
export interface RunProvenance {
  /** The command as typed, quoted so that a POSIX shell reads it back as `argv`; absent for a library call. */
  commandLine?: string;
  argv?: string[];
  /** The working folder the command ran in: relative paths in `argv` and `spec`s are relative to it. */
  cwd: string;
  /** The run folder: as given (--out), and absolute. */
  out: { given?: string; path: string };
  versions: { node: string; onnxruntimeNode?: string; transformers?: string };
  /**
   * Where the scores were computed: `--device` as resolved, its execution provider, the machine's CPU, and on a GPU
   * device the machine's GPUs as the driver names them (NVIDIA's on Linux; absent where it names none).
   */
  device?: { name: string; executionProvider: string; cpu: string; cores: number; threads?: number; gpus?: string[] };
  /** `linux x64`. */
  platform: string;
  /**
   * Which source gave `--shard` (`option`, `ENDORM_SHARD`, `slurm`, `kubernetes`) and the environment variables it read:
   * the task of a job array this run was.
   */
  shard?: { source: string; variables: Record<string, string> };
}

/** Whether the folder holds a run (its run.json). */
export async function hasManifest(dir: string): Promise<boolean> {
  return pathExists(join(dir, RUN_FILES.manifest));
}

export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  try {
    await makeFolder(dir);
  } catch (err) {
    throw writeFault(err, dir);
  }
  const { settingsSha256: _old, ...rest } = manifest;
  await writeFileAtomic(join(dir, RUN_FILES.manifest), JSON.stringify({ ...rest, settingsSha256: sealSettings(manifest.settings) }, null, 2) + '\n');
}

/** A run.json about to be continued (a resume): its settings must be those the run was started with (exit 2 naming the field). */
export function checkResumableManifest(runDir: string, manifest: RunManifest): void {
  checkSealedSettings(manifest.settings, manifest.settingsSha256, join(runDir, RUN_FILES.manifest));
}

/** Reads and minimally checks `run.json`, with errors that name the path. */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const info = await stat(runDir).catch(() => null);
  if (!info) throw new RunFolderError(`run folder not found: ${runDir}`, runDir);
  if (!info.isDirectory()) throw new RunFolderError(`not a run folder (not a directory): ${runDir}`, runDir);
  const file = join(runDir, RUN_FILES.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RunFolderError(`no run.json in ${runDir}: not an endorm run folder (missing ${file})`, file);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new RunFolderError(`${file} is not valid JSON: ${(error as Error).message}`, file);
  }
  const m = manifest as Partial<RunManifest> | null;
  if (!m || typeof m !== 'object' || !m.model || !m.dataset || !m.settings || !Array.isArray(m.settings.methods)) {
    throw new RunFolderError(`${file} is not an endorm run manifest (needs model, dataset and settings.methods)`, file);
  }
  return manifest as RunManifest;
}
