import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** The tokenizer, recording the longest text it was asked to encode: tells a test what was really tokenised. */
export function spiedTokenizer(tokenizer: PreTrainedTokenizer): { tokenizer: PreTrainedTokenizer; longest: () => number } {
  let longest = 0;
  const spy = Object.create(tokenizer) as PreTrainedTokenizer;
  spy.encode = ((text: string, options: unknown) => {
    longest = Math.max(longest, text.length);
    return tokenizer.encode(text, options as never);
  }) as PreTrainedTokenizer['encode'];
  return { tokenizer: spy, longest: () => longest };
}
