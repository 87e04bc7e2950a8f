import fs from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelError } from './model-errors.js';

/** Loads the tokenizer of a local model folder; never touches the network. */
export async function loadTokenizer(folder: string): Promise<PreTrainedTokenizer> {
  const missing: string[] = [];
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
    try {
      await fs.access(path.join(folder, f));
    } catch {
      missing.push(f);
    }
  }
  if (missing.length) throw new ModelError(`model folder ${folder} has no usable tokenizer: missing ${missing.join(' and ')}`);
  const absolute = path.resolve(folder);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(absolute) + path.sep;
  try {
    return await AutoTokenizer.from_pretrained(path.basename(absolute), { local_files_only: true });
  } catch (err) {
    throw new ModelError(`cannot load the tokenizer of ${folder}: ${(err as Error).message}`);
  }
}
