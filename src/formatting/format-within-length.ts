import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../datasets/pair.js';
import { formatPlainText, formatResponse, plainText, type FormatInput } from './format-response.js';
import { sameIds, withCutTexts, type KeepSide } from './text-cut.js';
import { truncateToLength, type Truncated } from './truncate.js';

/**
 * Texts up to this many characters (or 8 per token of --max-length, if more) are tokenised whole: the cut costs a few
 * extra tokenisations, which pays only where a whole text would cost far more.
 */
export const CUT_FROM_CHARS = 16_384;

/** Tokens a cut must leave beyond what survives truncation, so that what survives never touches the cut. */
const MARGIN_TOKENS = 16;

export interface WithinLengthOptions {
  /** The text length from which texts are cut before tokenising (default CUT_FROM_CHARS); tests set it low. */
  cutFromChars?: number;
}

/**
 * `truncateToLength(formatResponse(…), maxLength)` in tokens that survive, whatever the size of the texts: a prompt or
 * response much longer than --max-length can use loses its middle before it is tokenised (see text-cut.ts), so memory
 * and time follow --max-length, not the record. `droppedPromptTokens` and `droppedResponseTokens` then count the
 * tokens of the cut texts.
 */
export function formatWithinLength(tokenizer: PreTrainedTokenizer, input: FormatInput, maxLength: number, options: WithinLengthOptions = {}): Truncated {
  const bos = (tokenizer as unknown as { bos_token_id?: number | null }).bos_token_id;
  const startChars = Math.max(options.cutFromChars ?? CUT_FROM_CHARS, 8 * maxLength);
  const { texts, keep, format } = input.template === 'chat' ? chatParts(tokenizer, input) : plainParts(tokenizer, input);
  return withCutTexts(
    texts,
    keep,
    startChars,
    (cutTexts, cut) => {
      const truncated = truncateToLength(format(cutTexts), maxLength, bos);
      if (!cut) return truncated;
      const promptCut = cutTexts.some((text, i) => keep[i] === 'end' && text !== texts[i]);
      const responseCut = cutTexts.some((text, i) => keep[i] === 'start' && text !== texts[i]);
      // A cut text that no longer overflows, or overflows by less than the margin, decides nothing.
      if (!truncated.truncated) return undefined;
      if (promptCut && truncated.droppedPromptTokens < MARGIN_TOKENS) return undefined;
      if (responseCut && truncated.droppedResponseTokens < MARGIN_TOKENS) return undefined;
      return truncated;
    },
    (a, b) => a.responseStart === b.responseStart && a.eotTokens === b.eotTokens && sameIds(a.ids, b.ids),
  );
}

interface Parts {
  texts: string[];
  keep: KeepSide[];
  format: (texts: string[]) => ReturnType<typeof formatResponse>;
}

/**
 * The context keeps its end, the response its start; the whitespace that moves from the context to the continuation
 * goes in front of the cut response (prepended to the whole response, it would copy it).
 */
function plainParts(tokenizer: PreTrainedTokenizer, input: FormatInput): Parts {
  const { context, continuation } = plainText({ ...input, response: '' });
  return {
    texts: [context, input.response],
    keep: ['end', 'start'],
    format: ([c, r]) => formatPlainText(tokenizer, { context: c!, continuation: continuation + r! }),
  };
}

/** Every turn of the prompt (and the system message) keeps its end, the response its start. */
function chatParts(tokenizer: PreTrainedTokenizer, input: FormatInput): Parts {
  const turns: ChatMessage[] = typeof input.prompt === 'string' ? [{ role: 'user', content: input.prompt }] : input.prompt;
  const hasSystem = input.system !== undefined;
  const texts = [...(hasSystem ? [input.system!] : []), ...turns.map((t) => t.content), input.response];
  const keep: KeepSide[] = texts.map((_, i) => (i === texts.length - 1 ? 'start' : 'end'));
  return {
    texts,
    keep,
    format: (cut) => {
      const system = hasSystem ? cut[0] : undefined;
      const offset = hasSystem ? 1 : 0;
      const prompt = typeof input.prompt === 'string' ? cut[offset]! : turns.map((t, i) => ({ ...t, content: cut[offset + i]! }));
      return formatResponse(tokenizer, { ...input, system, prompt, response: cut[cut.length - 1]! });
    },
  };
}
