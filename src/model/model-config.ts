import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from './model-errors.js';

/** Decoder-only architectures whose Optimum/transformers.js ONNX exports have the inputs the engine feeds. */
export const SUPPORTED_MODEL_TYPES = new Set([
  'llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'qwen3', 'qwen3_moe', 'phi', 'phi3', 'gemma', 'gemma2', 'gemma3_text',
  'granite', 'olmo', 'olmo2', 'stablelm', 'starcoder2', 'cohere', 'smollm3', 'gpt2', 'gpt_neox', 'gptj', 'falcon',
  'opt', 'bloom', 'mpt', 'codegen', 'exaone', 'helium', 'glm', 'ernie4_5', 'lfm2', 'nemotron',
]);

export interface ModelConfig {
  modelType: string;
  vocabSize: number;
  numLayers: number;
  numKeyValueHeads: number;
  headDim: number;
  maxPositions?: number;
  raw: Record<string, unknown>;
}

export async function readModelConfig(folder: string): Promise<ModelConfig> {
  const file = path.join(folder, 'config.json');
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelError(code === 'ENOENT' ? `model folder ${folder} has no config.json` : `cannot read ${file}: ${(err as Error).message}`);
  }
  // Multimodal configs nest the language model's settings.
  const text: Record<string, any> = raw.text_config ?? raw;
  const modelType = String(text.model_type ?? raw.model_type ?? '');
  const architectures: string[] = raw.architectures ?? [];
  if (!SUPPORTED_MODEL_TYPES.has(modelType) && !architectures.some((a) => a.endsWith('ForCausalLM'))) {
    throw new ModelError(
      `${file}: model_type "${modelType || '(none)'}" is not a supported causal LM ` +
        `(supported: ${[...SUPPORTED_MODEL_TYPES].sort().join(', ')}, or any *ForCausalLM architecture)`,
    );
  }
  const maxPositions = text.max_position_embeddings ?? text.n_positions;
  if (maxPositions !== undefined && maxPositions !== null && !(Number.isInteger(maxPositions) && maxPositions > 0)) {
    const field = text.max_position_embeddings !== undefined ? 'max_position_embeddings' : 'n_positions';
    throw new ModelError(`${file}: field "${field}": ${JSON.stringify(maxPositions)} is not a context length (expected a positive whole number of tokens); fix the model's config.json`);
  }
  const heads = Number(text.num_attention_heads ?? text.n_head ?? 0);
  const hidden = Number(text.hidden_size ?? text.n_embd ?? 0);
  return {
    modelType,
    vocabSize: Number(text.vocab_size ?? 0),
    numLayers: Number(text.num_hidden_layers ?? text.n_layer ?? 0),
    numKeyValueHeads: Number(text.num_key_value_heads ?? heads),
    headDim: Number(text.head_dim ?? (heads ? hidden / heads : 0)),
    maxPositions: maxPositions ?? undefined,
    raw,
  };
}
