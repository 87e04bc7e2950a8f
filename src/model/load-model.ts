import fs from 'node:fs/promises';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import { ScoringSession } from '../engine/scoring-session.js';
import { assertCudaAvailable } from '../engine/cuda-provider.js';
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
  /** Told when a damaged cached scoring graph is rebuilt. */
  onNote?: (message: string) => void;
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
  if (options.device === 'cuda') assertCudaAvailable(); // before any download or graph rewrite
  const folder = await resolveModelFolder(spec, options);
  const config = await readModelConfig(folder);
  const tokenizer = await loadTokenizer(folder);
  const onnxFile = await findOnnxFile(folder, options.dtype);
  let graph: string;
  try {
    graph = await prepareScoringGraph(onnxFile, options.cacheDir, { onNote: options.onNote });
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
    attentionHeads: attentionHeads(config),
  });
  return { spec, folder, onnxFile, config, tokenizer, session, maxPositions: config.maxPositions };
}

function attentionHeads(config: ModelConfig): number | undefined {
  const text = (config.raw.text_config ?? config.raw) as Record<string, unknown>;
  const heads = Number(text.num_attention_heads ?? text.n_head ?? 0);
  return heads > 0 ? heads : undefined;
}

export async function isLocalFolder(spec: string): Promise<boolean> {
  try {
    return (await fs.stat(spec)).isDirectory();
  } catch {
    return false;
  }
}
