import fs from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelError } from './model-errors.js';

/** Loads the tokenizer of a local model folder; never touches the network. */
export async function loadTokenizer(folder: string): Promise<PreTrainedTokenizer> {
  const missing: string[] = [];
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
    const file = path.join(folder, f);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      missing.push(f);
      continue;
    }
    try {
      JSON.parse(text);
    } catch (err) {
      // transformers.js would only say "Unexpected end of JSON input", without naming the file.
      throw new ModelError(`${file} is not valid JSON (${(err as Error).message}); a half-written download? Fetch it again`);
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
