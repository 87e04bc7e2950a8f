import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { encode } from './format-response.js';
import { CUT_FROM_CHARS } from './format-within-length.js';
import { sameIds, withCutTexts, type KeepSide } from './text-cut.js';

/** What a judge prompt encodes to: its ids, and whether a value had to be cut to fit. */
export interface EncodedValues {
  ids: number[];
  truncated: boolean;
}

const MARGIN_TOKENS = 16;

/**
 * A judge prompt's `encodeWhole` (which fits the values into `budget` tokens by cutting the `cuttable` responses from
 * their ends, then the question from its start) run on values cut before they are tokenised, with the same result:
 * a response keeps its start, the question its end (see text-cut.ts). A cut response must still hold more than
 * `budget` tokens, so that the responses are cut to the same lengths as whole; the question is cut only where it alone
 * holds more than `budget` tokens, when the responses are emptied either way.
 */
export function encodeJudgeValuesCut(
  tokenizer: PreTrainedTokenizer,
  values: Readonly<Record<string, string>>,
  cuttable: readonly string[],
  budget: number,
  question: string,
  encodeWhole: (values: Readonly<Record<string, string>>) => EncodedValues,
  cutFromChars = CUT_FROM_CHARS,
): EncodedValues {
  const keys = [question, ...cuttable].filter((k) => values[k] !== undefined);
  const keep: KeepSide[] = keys.map((k) => (k === question ? 'end' : 'start'));
  return withCutTexts(
    keys.map((k) => values[k]!),
    keep,
    Math.max(cutFromChars, 8 * budget),
    (texts, cut) => {
      const cutValues = { ...values };
      keys.forEach((k, i) => {
        cutValues[k] = texts[i]!;
      });
      if (cut) {
        for (const [i, k] of keys.entries()) {
          if (texts[i] !== values[k] && encode(tokenizer, texts[i]!, false).length < budget + MARGIN_TOKENS) return undefined;
        }
      }
      const encoded = encodeWhole(cutValues);
      return cut && !encoded.truncated ? undefined : encoded;
    },
    (a, b) => a.truncated === b.truncated && sameIds(a.ids, b.ids),
  );
}
