import os from 'node:os';
import path from 'node:path';
import type { ResolveModelOptions } from '../model/resolve-model-folder.js';
import { ModelError } from '../model/model-errors.js';
import { EndormError } from '../util/endorm-error.js';
import { resolveModel, type ResolvedModel } from '../model/resolve-model.js';
import { sourceDataLocations } from '../onnx/graph-cache-record.js';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import type { ScoringHead } from '../onnx/scoring-io.js';
import type { DeviceChoice, DeviceName } from './devices.js';
import { openDevice } from './open-device.js';
import { ScoringSession } from './scoring-session.js';

export interface LoadModelOptions extends Omit<ResolveModelOptions, 'dtype'> {
  /** Which ONNX weights (transformers.js naming); default: the device's (fp32). */
  dtype?: string;
  alphas: number[];
  threads?: number;
  /** Where to run (default cpu); see devices.ts. */
  device?: DeviceChoice;
  /** The scoring head, instead of the device's (e.g. the GPU head on CPU, as the tests run it). */
  head?: ScoringHead;
  cacheDir?: string;
  /** The head's memory budget in floats, instead of the device's (see devices.ts `headElements`). */
  chunkElements?: number;
  /** See SessionOptions.profileFilePrefix. */
  profileFilePrefix?: string;
  /** Told when a damaged cached scoring graph is rebuilt. */
  onNote?: (message: string) => void;
  /** Told what loading is busy with, phase by phase (the CLI prints a status line; the library never prints). */
  onStatus?: (status: LoadStatus) => void;
}

/**
 * The phases of loading a model, in order. `graph` comes only when the scoring graph is built: the first use of a
 * model file (seconds for a large one), cached for every later run. Downloads report their own progress.
 */
export type LoadStatus =
  | { phase: 'model'; spec: string }
  | { phase: 'graph'; onnxFile: string; cacheEntry: string }
  /** Another process sharing the cache (a task of the same array) builds the graph: this one waits for it. */
  | { phase: 'graph-wait'; onnxFile: string; cacheEntry: string; holder: string }
  | { phase: 'session'; device: DeviceName; graph: string }
  | { phase: 'ready'; seconds: number };

/** A model ready to score: its folder, config, tokenizer and one onnxruntime session over the scoring graph. */
export interface LoadedModel extends ResolvedModel {
  session: ScoringSession;
  /** The external data files beside `onnxFile` that hold its weights (none when they are inline). */
  externalDataFiles: string[];
}

export async function loadModel(spec: string, options: LoadModelOptions): Promise<LoadedModel> {
  const started = performance.now();
  const cores = os.availableParallelism();
  if (options.threads !== undefined && options.threads > cores) {
    // Warned, not capped: the user may know better (a container's CPU count can understate); run.json records the value used.
    options.onNote?.(
      `${options.threads} threads asked for (--threads), but this machine has ${cores} cores: onnxruntime's threads then wait on each other and the run slows down; leave --threads out to use ${cores}`,
    );
  }
  const device = await openDevice(options.device); // before any download or graph rewrite
  const head = options.head ?? device.head;
  options.onStatus?.({ phase: 'model', spec });
  const model = await resolveModel(spec, { ...options, dtype: options.dtype ?? device.defaultDtype });
  let graph: string;
  try {
    graph = await prepareScoringGraph(model.onnxFile, options.cacheDir, {
      head,
      onNote: options.onNote,
      onBuild: (cacheEntry) => options.onStatus?.({ phase: 'graph', onnxFile: model.onnxFile, cacheEntry }),
      onWait: (cacheEntry, holder) => options.onStatus?.({ phase: 'graph-wait', onnxFile: model.onnxFile, cacheEntry, holder }),
    });
  } catch (err) {
    // Errors that already say what is wrong (a damaged model, a cache that cannot be written) pass as they are.
    if (err instanceof EndormError) throw err;
    throw new ModelError(`cannot prepare ${model.onnxFile} for scoring: ${(err as Error).message} (is the file complete?)`);
  }
  const externalDataFiles = (await sourceDataLocations(graph)).map((location) => path.join(path.dirname(model.onnxFile), location));
  options.onStatus?.({ phase: 'session', device: device.name, graph });
  const session = await ScoringSession.create(graph, {
    alphas: options.alphas,
    threads: options.threads,
    device: device.name,
    head,
    chunkElements: options.chunkElements,
    vocabSize: model.config.vocabSize,
    padTokenId: model.padTokenId,
    attentionHeads: model.attentionHeads,
    kvHeads: model.config.numKeyValueHeads || undefined,
    headDim: model.config.headDim || undefined,
    profileFilePrefix: options.profileFilePrefix,
  });
  options.onStatus?.({ phase: 'ready', seconds: (performance.now() - started) / 1000 });
  return { ...model, session, externalDataFiles };
}
