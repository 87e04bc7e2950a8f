import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Pair } from '../datasets/pair.js';
import type { PositionResult } from '../engine/scoring-session.js';
import { alphaIndex } from '../engine/token-trace.js';
import { encode, type TemplateMode } from '../formatting/format-response.js';
import { responseSlot } from '../run-store/scan-scores.js';
import { recordFields, type ResponseScoreRecord } from '../run-store/score-record.js';
import type { PairTask, TaskBuilder, WorkItem } from '../tasks/work-item.js';
import { JudgeFormatter, JudgeLengthError, judgeQuestion } from './judge-format.js';
import { LabelReader, type LabelSpec } from './label-tokens.js';
import { JUDGE_PLACEHOLDERS, type JudgePrompt } from './prompt-template.js';

/** What every judge needs: the model's tokenizer and formatting, the run's limits, and the judge's prompt. */
export interface JudgeOptions {
  /** The method's spec string: its key in scores.jsonl and summary.json. */
  spec: string;
  tokenizer: PreTrainedTokenizer;
  template: TemplateMode;
  /** --max-length: judge prompt plus any label continuation. */
  maxLength: number;
  /** The session's temperatures; α = 1 must be among them (score-run always adds it). */
  alphas: number[];
  prompt: JudgePrompt;
}

/** A judge ready to build prompts: formatter, label reader and the token budget a prompt may use. */
export interface PreparedJudge {
  spec: string;
  formatter: JudgeFormatter;
  reader: LabelReader;
  /** --max-length less the longest label continuation. */
  budget: number;
  alphaIndex: number;
  alphaCount: number;
}

/**
 * Resolves a judge's label tokens (after its answer prefix, in the rendered prompt) and checks that the instruction
 * alone fits in --max-length, so that a too-small limit fails before the model runs.
 */
export function prepareJudge(o: JudgeOptions, labels: LabelSpec[]): PreparedJudge {
  const formatter = new JudgeFormatter(o.tokenizer, o.template, o.prompt);
  const empty = Object.fromEntries((JUDGE_PLACEHOLDERS[o.prompt.judge] ?? []).map((p) => [p, '']));
  const reader = LabelReader.resolve(o.tokenizer, formatter.text(empty), formatter.addSpecialTokens, labels);
  const budget = o.maxLength - reader.extraTokens;
  const bare = formatter.encodeText(formatter.text(empty)).length;
  if (bare > budget) {
    throw new JudgeLengthError(
      `the ${o.prompt.judge} prompt (${o.prompt.source}) is ${bare} tokens without question and responses` +
        `${reader.extraTokens ? ` (+${reader.extraTokens} for its labels)` : ''}, over --max-length ${o.maxLength}`,
    );
  }
  return { spec: o.spec, formatter, reader, budget, alphaIndex: alphaIndex({ alphas: o.alphas }, 1), alphaCount: o.alphas.length };
}

/** The work items of one judge prompt; `logProbs()` gives log P(label) per label once they are all back. */
export function judgeItems(judge: PreparedJudge, ids: number[]): { items: WorkItem[]; logProbs(): number[] } {
  const results: PositionResult[] = [];
  const items = judge.reader.requests(ids).map((request, k) => ({
    request,
    // A judge's prompts share their tokens up to the first placeholder (template, instructions): run once per window.
    prefixKey: `judge\u0000${judge.spec}`,
    accept: (result: PositionResult) => {
      results[k] = result;
    },
  }));
  return {
    items,
    logProbs: () => judge.reader.logProbs(results, judge.alphaIndex, judge.alphaCount),
  };
}

/** What a per-response judge makes of its label log-probabilities (`extra` gains `truncated: true` when cut). */
export interface ResponseVerdict {
  score: number;
  extra: Record<string, unknown>;
}

/**
 * A judge that sees one response at a time (pointwise rating, verifier): one prompt per chosen and rejected response,
 * giving `response` records that merge with the per-response methods' lines.
 */
export function responseJudgeBuilder(judge: PreparedJudge, verdict: (logProbs: number[]) => ResponseVerdict): TaskBuilder {
  return (pair: Pair): PairTask => {
    const question = judgeQuestion(pair.system, pair.prompt);
    const responses = [
      ...pair.chosen.map((text, index) => ({ role: 'chosen' as const, index, text })),
      ...pair.rejected.map((text, index) => ({ role: 'rejected' as const, index, text })),
    ];
    let truncated = 0;
    const prompts = responses.map((r) => {
      const encoded = judge.formatter.encode({ question, answer: r.text.trim() }, ['answer'], judge.budget);
      if (encoded.truncated) truncated++;
      return { ...r, encoded, read: judgeItems(judge, encoded.ids) };
    });
    return {
      truncated,
      parts: prompts.map((p) => ({
        slot: responseSlot(p.role, p.index),
        items: p.read.items,
        finish: (): ResponseScoreRecord => {
          const v = verdict(p.read.logProbs());
          return {
            type: 'response',
            ...recordFields(pair),
            role: p.role,
            index: p.index,
            tokens: encode(judge.formatter.tokenizer, p.text, false).length,
            chars: [...p.text].length,
            truncated: p.encoded.truncated,
            scores: { [judge.spec]: v.score },
            extra: { [judge.spec]: p.encoded.truncated ? { ...v.extra, truncated: true } : v.extra },
          };
        },
      })),
    };
  };
}
