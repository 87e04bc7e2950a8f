import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { loadTokenizer } from './load-tokenizer.js';
import { ModelError } from './model-errors.js';
import { readModelConfig, type ModelConfig } from './model-config.js';
import { findOnnxFile } from './onnx-file.js';
import { resolveModelFolder, type ResolveModelOptions } from './resolve-model-folder.js';

/** A model's files, read and checked: what the engine needs to build a scoring session on it. */
export interface ResolvedModel {
  spec: string;
  /** Absolute. */
  folder: string;
  /** A Hub model's revision as asked for, and the commit it resolved to (the folder holds that commit's files). */
  revision?: string;
  commit?: string;
  onnxFile: string;
  config: ModelConfig;
  tokenizer: PreTrainedTokenizer;
  /** The longest sequence the model takes. */
  maxPositions?: number;
  padTokenId: number;
  /** Query heads, when the config says (bounds attention memory per run). */
  attentionHeads?: number;
}

/** Resolves `spec` (a folder, or a Hub id downloaded into the cache) to its config, tokenizer and ONNX file for `dtype`. */
export async function resolveModel(spec: string, options: ResolveModelOptions): Promise<ResolvedModel> {
  const { folder, revision, commit } = await resolveModelFolder(spec, options);
  const config = await readModelConfig(folder);
  const tokenizer = await loadTokenizer(folder);
  const onnxFile = await findOnnxFile(folder, options.dtype);
  if (!config.vocabSize) throw new ModelError(`${folder}/config.json has no vocab_size`);
  checkTokenizerFits(folder, tokenizer, config.vocabSize);
  const padTokenId = (tokenizer as unknown as { pad_token_id?: number | null }).pad_token_id ?? 0;
  return { spec, folder, ...(commit !== undefined ? { revision, commit } : {}), onnxFile, config, tokenizer, maxPositions: config.maxPositions, padTokenId, attentionHeads: attentionHeads(config) };
}

function attentionHeads(config: ModelConfig): number | undefined {
  const text = (config.raw.text_config ?? config.raw) as Record<string, unknown>;
  const heads = Number(text.num_attention_heads ?? text.n_head ?? 0);
  return heads > 0 ? heads : undefined;
}

/**
 * A token id at or above the model's vocabulary would reach onnxruntime as an out-of-range Gather index (a raw error
 * after the model loaded, or garbage): a tokenizer from another model, caught at load.
 */
function checkTokenizerFits(folder: string, tokenizer: PreTrainedTokenizer, vocabSize: number): void {
  let largest = -1;
  let token = '';
  for (const [text, id] of (tokenizer as unknown as { get_vocab(): Map<string, number> }).get_vocab()) {
    if (id > largest) [largest, token] = [id, text];
  }
  for (const id of (tokenizer as unknown as { all_special_ids?: number[] }).all_special_ids ?? []) if (id > largest) [largest, token] = [id, '(special)'];
  if (largest >= vocabSize) {
    throw new ModelError(
      `${folder}: the tokenizer has token ids up to ${largest} (${JSON.stringify(token)}), but the model's vocabulary has ${vocabSize} ` +
        `(config.json vocab_size): the tokenizer belongs to another model; put the model's own tokenizer.json in the folder`,
    );
  }
}
