import type { ChatMessage } from '../datasets/pair.js';
import type { DeviceName } from '../engine/devices.js';
import { responseRequest, responseTrace } from '../engine/response-trace.js';
import { alphaIndex, type TokenTrace } from '../engine/token-trace.js';
import { resolveTemplate, type TemplateMode } from '../formatting/format-response.js';
import { formatWithinLength } from '../formatting/format-within-length.js';
import { tokenizerDecode, tokenViews, type TokenView } from '../inspect/inspect-response.js';
import { planMethods } from '../methods/plan-methods.js';
import { ALPHA_RULE, isUsableAlpha } from '../rewards/alpha-range.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { loadModelFor, type ModelChoice } from './load-model-for.js';
import { maxLengthFor } from './max-length.js';
import { DEFAULT_METHODS } from './score-run.js';

export interface ScorerOptions extends ModelChoice {
  /** Per-response method specs (`endorm:alpha=0.5,gamma=0.9`, `loglik`, `loglik-mean`, `length`); default endorm, loglik, length. */
  methods?: string[];
  /** Further temperatures the per-token views may be read at (α = 1 and every method's α are always there). */
  alphas?: number[];
  template?: 'auto' | TemplateMode;
  /** Score the chat template's end-of-turn token(s) after the response; default true. */
  scoreEot?: boolean;
  /** Longest prompt + response in tokens (the prompt is cut from the left first); default the model's context, at most 4096. */
  maxLength?: number;
}

export interface ResponseInput {
  /** The user turn, or the conversation so far as chat messages. */
  prompt: string | ChatMessage[];
  response: string;
  system?: string;
}

export interface ScoredResponse {
  /** Method spec -> score, for every method of the scorer (higher is better). */
  scores: Record<string, number>;
  /** The response's tokens with logit, log π_α, V(s_h) and reward r_h at the asked temperature (default 1). */
  tokens: TokenView[];
  /** What the model computed for the response (what a run keeps in traces.bin). */
  trace: TokenTrace;
  /** Whether prompt + response were cut to maxLength. */
  truncated: boolean;
}

/** A model loaded once, scoring one response at a time with every method of a run. */
export interface ResponseScorer {
  readonly model: { spec: string; path: string; onnxFile: string; modelType: string; vocabSize: number; device: DeviceName };
  readonly methods: readonly string[];
  readonly template: TemplateMode;
  readonly maxLength: number;
  /** The temperatures traced: `score`'s `alpha` must be one of them. */
  readonly alphas: readonly number[];
  score(input: ResponseInput, options?: { alpha?: number }): Promise<ScoredResponse>;
  /** Frees the onnxruntime session; the scorer cannot score afterwards. */
  close(): Promise<void>;
}

/**
 * Loads a model for scoring single responses: the same formatting, truncation and methods as `scoreRun`, so a response
 * scored here gets the score it would get on a score line of a run with the same settings.
 */
export async function loadScorer(o: ScorerOptions): Promise<ResponseScorer> {
  const specs = o.methods ?? [...DEFAULT_METHODS];
  const plan = planMethods(specs);
  if (plan.judges.length) {
    throw new MethodSpecError(
      `loadScorer scores per-response methods; ${plan.judges.map((j) => j.spec).join(', ')} ${plan.judges.length > 1 ? 'are judges' : 'is a judge'}: score a dataset with scoreRun (endorm score) for those`,
    );
  }
  const bad = o.alphas?.find((a) => !isUsableAlpha(a));
  if (bad !== undefined) throw new MethodSpecError(`loadScorer: alphas holds ${bad}, which is not ${ALPHA_RULE}`);
  const alphas = [...new Set([1, ...plan.response.flatMap((m) => m.alphas), ...(o.alphas ?? [])])];
  const model = await loadModelFor(o, alphas);
  let maxLength: number;
  let template: TemplateMode;
  try {
    maxLength = maxLengthFor(o.maxLength, model);
    template = resolveTemplate(model.tokenizer, o.template ?? 'auto', model.spec);
  } catch (err) {
    await model.session.release();
    throw err;
  }
  const decode = tokenizerDecode(model.tokenizer);
  const scoreEot = o.scoreEot ?? true;
  let closed = false;
  return {
    model: {
      spec: o.model,
      path: model.folder,
      onnxFile: model.onnxFile,
      modelType: model.config.modelType,
      vocabSize: model.config.vocabSize,
      device: model.session.device.name,
    },
    methods: specs,
    template,
    maxLength,
    alphas,
    async score(input, options = {}) {
      if (closed) throw new Error('this scorer was closed');
      const alpha = options.alpha ?? 1;
      alphaIndex({ alphas }, alpha);
      const formatted = formatWithinLength(model.tokenizer, { template, system: input.system, prompt: input.prompt, response: input.response, scoreEot }, maxLength);
      const { results } = await model.session.run([responseRequest(formatted)]);
      const trace = responseTrace(formatted, results[0]!, alphas);
      const scores: Record<string, number> = {};
      for (const m of plan.response) scores[m.spec] = m.score({ trace, text: input.response });
      return { scores, tokens: tokenViews(trace, alpha, decode), trace, truncated: formatted.truncated };
    },
    async close() {
      if (closed) return;
      closed = true;
      await model.session.release();
    },
  };
}
