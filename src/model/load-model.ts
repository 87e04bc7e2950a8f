import fs from 'node:fs/promises';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import { ScoringSession } from '../engine/scoring-session.js';
import { readModelConfig, type ModelConfig } from './model-config.js';
import { loadTokenizer } from './load-tokenizer.js';
import { findOnnxFile } from './onnx-file.js';
import { ModelError } from './model-errors.js';
import { resolveModelFolder, type ResolveModelOptions } from './resolve-model-folder.js';

export interface LoadModelOptions extends ResolveModelOptions {
  dtype: string;
  alphas: number[];
  threads?: number;
  device?: 'cpu' | 'cuda';
  cacheDir?: string;
  chunkElements?: number;
}

/** A model ready to score: its folder, config, tokenizer and one onnxruntime session over the scoring graph. */
export interface LoadedModel {
  spec: string;
  folder: string;
  onnxFile: string;
  config: ModelConfig;
  tokenizer: PreTrainedTokenizer;
  session: ScoringSession;
  /** The longest sequence the model takes. */
  maxPositions?: number;
}

export async function loadModel(spec: string, options: LoadModelOptions): Promise<LoadedModel> {
  const folder = await resolveModelFolder(spec, options);
  const config = await readModelConfig(folder);
  const tokenizer = await loadTokenizer(folder);
  const onnxFile = await findOnnxFile(folder, options.dtype);
  let graph: string;
  try {
    graph = await prepareScoringGraph(onnxFile, options.cacheDir);
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError(`cannot prepare ${onnxFile} for scoring: ${(err as Error).message} (is the file complete?)`);
  }
  const vocabSize = config.vocabSize;
  if (!vocabSize) throw new ModelError(`${folder}/config.json has no vocab_size`);
  const padTokenId = (tokenizer as unknown as { pad_token_id?: number | null }).pad_token_id ?? 0;
  const session = await ScoringSession.create(graph, {
    alphas: options.alphas,
    threads: options.threads,
    device: options.device,
    chunkElements: options.chunkElements,
    vocabSize,
    padTokenId,
  });
  return { spec, folder, onnxFile, config, tokenizer, session, maxPositions: config.maxPositions };
}

export async function isLocalFolder(spec: string): Promise<boolean> {
  try {
    return (await fs.stat(spec)).isDirectory();
  } catch {
    return false;
  }
}
