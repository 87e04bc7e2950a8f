import fs from 'node:fs/promises';
import path from 'node:path';
import * as transformers from '@huggingface/transformers';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelError } from './model-errors.js';

/** Loads the tokenizer of a local model folder; never touches the network. */
export async function loadTokenizer(folder: string): Promise<PreTrainedTokenizer> {
  const missing: string[] = [];
  const parsed: Record<string, unknown> = {};
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
      parsed[f] = JSON.parse(text);
    } catch (err) {
      // transformers.js would only say "Unexpected end of JSON input", without naming the file.
      throw new ModelError(`${file} is not valid JSON (${(err as Error).message}); a half-written download? Fetch it again`);
    }
  }
  if (missing.length) throw new ModelError(`model folder ${folder} has no usable tokenizer: missing ${missing.join(' and ')}`);
  // Built from the files read here rather than by AutoTokenizer.from_pretrained, which takes a folder for a Hub id
  // whenever its name holds a space, =, %, #, ?, ;, a non-ASCII letter or <, and then finds no tokenizer_config.json.
  // The class is chosen as AutoTokenizer chooses it: tokenizer_class without its "Fast" suffix.
  const config = parsed['tokenizer_config.json'] as { tokenizer_class?: unknown };
  const className = typeof config?.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : 'PreTrainedTokenizer';
  const found = (transformers as unknown as Record<string, unknown>)[className];
  const Tokenizer = typeof found === 'function' && (found === PreTrainedTokenizer || found.prototype instanceof PreTrainedTokenizer) ? (found as typeof PreTrainedTokenizer) : PreTrainedTokenizer;
  try {
    return new Tokenizer(parsed['tokenizer.json'] as object, config as object);
  } catch (err) {
    throw new ModelError(`cannot load the tokenizer of ${folder}: ${(err as Error).message}`);
  }
}
