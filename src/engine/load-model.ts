import type { ResolveModelOptions } from '../model/resolve-model-folder.js';
import { ModelError } from '../model/model-errors.js';
import { EndormError } from '../util/endorm-error.js';
import { resolveModel, type ResolvedModel } from '../model/resolve-model.js';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import type { ScoringHead } from '../onnx/scoring-io.js';
import type { DeviceChoice } from './devices.js';
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
}

/** A model ready to score: its folder, config, tokenizer and one onnxruntime session over the scoring graph. */
export interface LoadedModel extends ResolvedModel {
  session: ScoringSession;
}

export async function loadModel(spec: string, options: LoadModelOptions): Promise<LoadedModel> {
  const device = await openDevice(options.device); // before any download or graph rewrite
  const head = options.head ?? device.head;
  const model = await resolveModel(spec, { ...options, dtype: options.dtype ?? device.defaultDtype });
  let graph: string;
  try {
    graph = await prepareScoringGraph(model.onnxFile, options.cacheDir, { head, onNote: options.onNote });
  } catch (err) {
    // Errors that already say what is wrong (a damaged model, a cache that cannot be written) pass as they are.
    if (err instanceof EndormError) throw err;
    throw new ModelError(`cannot prepare ${model.onnxFile} for scoring: ${(err as Error).message} (is the file complete?)`);
  }
  const session = await ScoringSession.create(graph, {
    alphas: options.alphas,
    threads: options.threads,
    device: device.name,
    head,
    chunkElements: options.chunkElements,
    vocabSize: model.config.vocabSize,
    padTokenId: model.padTokenId,
    attentionHeads: model.attentionHeads,
    profileFilePrefix: options.profileFilePrefix,
  });
  return { ...model, session };
}
