import type { ChatMessage } from '../datasets/pair.js';
import { responseRequest, responseTrace } from '../engine/response-trace.js';
import type { TokenTrace } from '../engine/token-trace.js';
import { formatResponse, type TemplateMode } from '../formatting/format-response.js';
import { formatWithinLength } from '../formatting/format-within-length.js';
import type { LoadedModel } from '../engine/load-model.js';
import { tokenRewards } from '../rewards/endogenous-reward.js';
import { tokenLogProbs } from '../rewards/log-likelihood.js';
import { createResponseMethod } from '../rewards/response-methods.js';
import { alphaIndex } from '../engine/token-trace.js';
import { tokenTexts, type Decode } from './token-texts.js';

export interface TokenView {
  id: number;
  text: string;
  /** f(s_h, a_h). */
  logit: number;
  /** log π_α(a_h | s_h). */
  logprob: number;
  /** V(s_h) = α·logsumexp(f(s_h, ·)/α), the value of the state in which the token was chosen. */
  value: number;
  /** r_h = f(s_h, a_h) − V(s_{h+1}), V after the last token taken as 0. */
  reward: number;
}

export interface InspectResult {
  tokens: TokenView[];
  outcome: Record<string, number>;
  /** Prompt and response were cut to `maxLength` (the prompt from the left first, as `score` cuts them). */
  truncated?: boolean;
}

export interface InspectInput {
  system?: string;
  prompt: string | ChatMessage[];
  response: string;
  template: TemplateMode;
  alpha: number;
  scoreEot?: boolean;
  /** Longest prompt + response in tokens (the model's context): cut as `score` cuts them. Default: no cut. */
  maxLength?: number;
}

/** One response, token by token: what `endorm inspect` shows. */
export async function inspectResponse(model: LoadedModel, input: InspectInput): Promise<InspectResult> {
  const format = { ...input, scoreEot: input.scoreEot ?? true };
  const formatted = input.maxLength !== undefined ? formatWithinLength(model.tokenizer, format, input.maxLength) : formatResponse(model.tokenizer, format);
  const { results } = await model.session.run([responseRequest(formatted)]);
  const trace = responseTrace(formatted, results[0], model.session.alphas);
  const result = describeTrace(trace, input, tokenizerDecode(model.tokenizer));
  return 'truncated' in formatted && formatted.truncated ? { ...result, truncated: true } : result;
}

/** Each token of a trace with its logit, log π_α, value and reward at temperature `alpha` (which the trace must hold). */
export function tokenViews(trace: TokenTrace, alpha: number, decode: Decode): TokenView[] {
  const a = alphaIndex(trace, alpha);
  const texts = tokenTexts(decode, [...trace.tokens]);
  const A = trace.alphas.length;
  const logprobs = tokenLogProbs(trace, alpha);
  const rewards = tokenRewards(trace, alpha, 'drop');
  return [...trace.tokens].map((id, h) => ({
    id,
    text: texts[h]!,
    logit: trace.logits[h],
    logprob: logprobs[h],
    value: alpha * trace.logSumExp[h * A + a],
    reward: rewards[h],
  }));
}

/** The tokenizer's decode with nothing dropped or tidied, so that per-token pieces join to the scored text. */
export function tokenizerDecode(tokenizer: LoadedModel['tokenizer']): Decode {
  return (ids) => tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}

export function describeTrace(trace: TokenTrace, input: { response: string; alpha: number }, decode: Decode): InspectResult {
  const tokens = tokenViews(trace, input.alpha, decode);
  const specs = [input.alpha === 1 ? 'endorm' : `endorm:alpha=${input.alpha}`, 'loglik', 'loglik-mean', 'length'];
  const outcome: Record<string, number> = {};
  for (const spec of specs) outcome[spec] = createResponseMethod(spec).score({ trace, text: input.response });
  return { tokens, outcome };
}
