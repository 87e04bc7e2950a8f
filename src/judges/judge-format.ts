import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../datasets/pair.js';
import { encode, promptMessages, renderChat, type TemplateMode } from '../formatting/format-response.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';
import { encodeJudgeValuesCut } from '../formatting/judge-values-cut.js';
import { fillPlaceholders, type JudgePrompt } from './prompt-template.js';

/** A judge prompt with its values filled, as token ids that end at the answer position. */
export interface EncodedJudgePrompt {
  ids: number[];
  /** Whether a response (or, as a last resort, the question) was cut to fit. */
  truncated: boolean;
}

/** The judge prompt alone does not fit in --max-length. */
export class JudgeLengthError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'JudgeLengthError';
}

/**
 * Renders a judge prompt for one model: with its chat template (system and user turn, the generation prompt, then the
 * answer prefix as the start of the reply) or as plain text ([system], [user] and [answer] joined by blank lines,
 * encoded with the tokenizer's special tokens). Pure functions of the tokenizer.
 */
export class JudgeFormatter {
  private readonly systemTurn: boolean;

  constructor(
    readonly tokenizer: PreTrainedTokenizer,
    readonly template: TemplateMode,
    readonly prompt: JudgePrompt,
    /** Values longer than this are cut before they are tokenised (see encodeJudgeValuesCut); tests set it low. */
    readonly cutFromChars?: number,
  ) {
    this.systemTurn = template === 'chat' && prompt.system !== undefined && rendersSystemTurn(tokenizer);
  }

  /** Whether the text is encoded with the tokenizer's special tokens (plain text) or the template wrote them. */
  get addSpecialTokens(): boolean {
    return this.template !== 'chat';
  }

  /** The full prompt text: instruction with values filled, ending in the answer prefix. */
  text(values: Readonly<Record<string, string>>): string {
    const { system, user, answer } = this.prompt;
    const sys = system === undefined ? undefined : fillPlaceholders(system, values);
    const usr = fillPlaceholders(user, values);
    if (this.template !== 'chat') return [sys, usr, answer].filter((s) => s !== undefined && s !== '').join('\n\n');
    const messages: ChatMessage[] = this.systemTurn
      ? [{ role: 'system', content: sys! }, { role: 'user', content: usr }]
      : [{ role: 'user', content: sys === undefined ? usr : `${sys}\n\n${usr}` }];
    return renderChat(this.tokenizer, messages) + answer;
  }

  encodeText(text: string): number[] {
    const ids = encode(this.tokenizer, text, this.addSpecialTokens);
    const bos = (this.tokenizer as unknown as { bos_token_id?: number | null }).bos_token_id;
    // A template that writes BOS itself plus a tokenizer that adds one would give two; the model saw one.
    return bos != null && ids.length > 1 && ids[0] === bos && ids[1] === bos ? ids.slice(1) : ids;
  }

  /**
   * Fills and encodes the prompt within `budget` tokens. Over budget, the values named in `cuttable` (the responses)
   * lose tokens from their ends, longest first; only when they are empty does `question` lose tokens from its start.
   * The instruction itself is never cut: if it alone is over budget, JudgeLengthError.
   */
  encode(values: Readonly<Record<string, string>>, cuttable: readonly string[], budget: number, question = 'question'): EncodedJudgePrompt {
    return encodeJudgeValuesCut(this.tokenizer, values, cuttable, budget, question, (cut) => this.encodeWhole(cut, cuttable, budget, question), this.cutFromChars);
  }

  /** `encode` on the values as given, however long: what the cut path must reproduce. */
  encodeWhole(values: Readonly<Record<string, string>>, cuttable: readonly string[], budget: number, question = 'question'): EncodedJudgePrompt {
    let current = { ...values };
    let ids = this.encodeText(this.text(current));
    if (ids.length <= budget) return { ids, truncated: false };
    const tokens = cuttable.map((k) => encode(this.tokenizer, values[k] ?? '', false));
    const keep = tokens.map((t) => t.length);
    const decode = (t: number[]) => (t.length ? this.tokenizer.decode(t, { skip_special_tokens: false }) : '');
    for (let round = 0; round < 64 && ids.length > budget && keep.some((k) => k > 0); round++) {
      cutLongestFirst(keep, ids.length - budget);
      current = { ...current };
      cuttable.forEach((k, i) => {
        current[k] = keep[i] === tokens[i]!.length ? values[k]! : decode(tokens[i]!.slice(0, keep[i]));
      });
      ids = this.encodeText(this.text(current));
    }
    if (ids.length > budget && values[question]) {
      const q = encode(this.tokenizer, values[question]!, false);
      let drop = 0;
      for (let round = 0; round < 64 && ids.length > budget && drop < q.length; round++) {
        drop = Math.min(q.length, drop + ids.length - budget);
        current = { ...current, [question]: decode(q.slice(drop)) };
        ids = this.encodeText(this.text(current));
      }
    }
    if (ids.length > budget) {
      throw new JudgeLengthError(`the ${this.prompt.judge} prompt (${this.prompt.source}) needs ${ids.length} tokens even with empty responses, over the ${budget} allowed by --max-length`);
    }
    return { ids, truncated: true };
  }
}

/** Takes `excess` tokens off the longest of `keep` first (in place): the responses end up cut to equal lengths. */
export function cutLongestFirst(keep: number[], excess: number): void {
  let left = Math.max(1, excess);
  while (left > 0) {
    let longest = -1;
    keep.forEach((k, i) => {
      if (k > 0 && (longest < 0 || k > keep[longest]!)) longest = i;
    });
    if (longest < 0) return;
    const second = Math.max(0, ...keep.filter((_, i) => i !== longest));
    const take = Math.min(left, Math.max(1, keep[longest]! - second));
    keep[longest] = keep[longest]! - take;
    left -= take;
  }
}

/**
 * The question as a judge sees it: a single prompt as written, a conversation as "User: ..." / "Assistant: ..."
 * turns; a system message goes first as "System: ...".
 */
export function judgeQuestion(system: string | undefined, prompt: string | ChatMessage[]): string {
  if (typeof prompt === 'string' && !system) return prompt.trim();
  const name = { system: 'System', user: 'User', assistant: 'Assistant' } as const;
  return promptMessages(system, prompt)
    .map((m) => `${name[m.role] ?? m.role}: ${m.content.trim()}`)
    .join('\n\n');
}

/** Some templates refuse a system turn (raise) or drop it; then the system text goes at the top of the user turn. */
function rendersSystemTurn(tokenizer: PreTrainedTokenizer): boolean {
  const probe = '\u2063endorm-system-probe\u2063';
  try {
    return renderChat(tokenizer, [{ role: 'system', content: probe }, { role: 'user', content: 'x' }]).includes(probe);
  } catch {
    return false;
  }
}
