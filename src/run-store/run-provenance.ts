import os from 'node:os';
import path from 'node:path';
import type { LoadedModel } from '../engine/load-model.js';
import { folderFileHashes, type FileHashOptions } from '../model/file-hashes.js';
import type { RunManifest, RunProvenance } from './run-manifest.js';
import { shellCommandLine } from '../util/command-line.js';
import { gpuNames } from '../util/gpu-names.js';
import { runtimeVersions } from '../util/runtime-versions.js';

/** The files of a model folder that a run reads besides the ONNX graph and its external data. */
const READ_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** A model's Hub revision and commit, and the sha256 of every file the run reads (cached: see file-hashes.ts). */
export async function modelProvenance(model: LoadedModel, options: FileHashOptions = {}): Promise<Pick<RunManifest['model'], 'revision' | 'commit' | 'files'>> {
  const files = [...READ_FILES.map((f) => path.join(model.folder, f)), model.onnxFile, ...model.externalDataFiles];
  return {
    ...(model.commit !== undefined ? { revision: model.revision, commit: model.commit } : {}),
    files: await folderFileHashes(model.folder, files, options),
  };
}

export interface ProvenanceInput {
  /** The command line as typed (`process.argv` less node, or commander's raw arguments); absent for a library call. */
  argv?: readonly string[];
  /** The run folder as given (--out), and where it is. */
  out: { given?: string; path: string };
  /** Where the model ran (absent for a run computed without it, such as a rescore). */
  device?: { name: string; executionProvider: string };
  threads?: number;
  /** Where --shard came from (see run/shard-source.ts). */
  shard?: { source: string; variables: Record<string, string> };
}

/** The command, the software versions and the machine of a run, for run.json. */
export function runProvenance(input: ProvenanceInput): RunProvenance {
  const cpus = os.cpus();
  return {
    ...(input.argv ? { commandLine: shellCommandLine(input.argv), argv: [...input.argv] } : {}),
    cwd: process.cwd(),
    out: { ...(input.out.given !== undefined ? { given: input.out.given } : {}), path: path.resolve(input.out.path) },
    versions: runtimeVersions(),
    ...(input.device
      ? {
          device: {
            name: input.device.name,
            executionProvider: input.device.executionProvider,
            cpu: cpus[0]?.model.trim() ?? 'unknown',
            cores: os.availableParallelism(),
            threads: input.threads ?? os.availableParallelism(),
            // The GPU a webgpu or cuda run used is one of these (the providers do not say which adapter they took).
            ...gpusOf(input.device.name),
          },
        }
      : {}),
    platform: `${os.platform()} ${os.arch()}`,
    ...(input.shard ? { shard: { source: input.shard.source, variables: { ...input.shard.variables } } } : {}),
  };
}

function gpusOf(device: string): { gpus?: string[] } {
  if (device === 'cpu') return {};
  const gpus = gpuNames();
  return gpus.length ? { gpus } : {};
}
